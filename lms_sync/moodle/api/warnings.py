"""Moodle's `warnings` in read answers: a list Moodle fills when it left something out (a course it would not show, a
permission missing), so such an answer is incomplete — readers treat it as a failed read, never as "nothing there".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.fields import whole_number

_LONGEST = 200  # Moodle appends a PHP stack trace to some warnings (core_calendar_get_calendar_events)
_TRACE = re.compile(r"#0 (?:\S+\(\d+\)|\[internal function\]|\{main\})")


@dataclass(frozen=True)
class AnswerWarning:
    message: str
    """one line: Moodle's message and its warning code"""
    course_id: int
    """the course it is about (Moodle's item "course"), 0 when it names none"""


def warnings_in(answer: Any) -> list[AnswerWarning]:
    """The warnings an answer carries; none for answers without the field (lists, scalars)."""
    found = answer.get("warnings") if isinstance(answer, Mapping) else None
    if not isinstance(found, list):
        return []
    return [_warning(w) if isinstance(w, Mapping) else AnswerWarning(_one_line(str(w)), 0) for w in found]


def _warning(record: Mapping[str, Any]) -> AnswerWarning:
    message = _one_line(str(record.get("message") or "no message"))
    code = record.get("warningcode")
    course = whole_number(record.get("itemid")) if record.get("item") == "course" else 0
    return AnswerWarning(f"{message} [{code}]" if code not in (None, "") else message, course)


def _one_line(message: str) -> str:
    """The message's first line without the PHP stack trace Moodle may glue to it ("….#0 /path/file.php(12): …")."""
    line = message.strip().splitlines()[0] if message.strip() else "no message"
    line = _TRACE.split(line, maxsplit=1)[0].rstrip() or "no message"
    return line if len(line) <= _LONGEST else line[:_LONGEST] + "…"


def concerning(warnings: list[AnswerWarning], course_id: int) -> list[AnswerWarning]:
    """The warnings of a many-course answer that may be about `course_id`: those naming it, and those naming no course
    (Moodle does not say which course they concern, so every course of the answer counts as concerned)."""
    return [w for w in warnings if w.course_id in (course_id, 0)]


def incomplete(what: str, warnings: list[AnswerWarning]) -> str:
    """One line saying that the answer to `what` is incomplete and why."""
    return (f"{what}: Moodle's answer is incomplete (it carries the warning {'; '.join(w.message for w in warnings)}); "
            "nothing of it is used — give the web-service user the access the warning names, then run again")
