"""Course contents: sections and their modules (core_course_get_contents), and renaming a section.

Section and module names come back HTML-escaped and are unescaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import Call, Write
from lms_sync.moodle.fields import text


@dataclass(frozen=True)
class Section:
    id: int
    number: int
    name: str


@dataclass(frozen=True)
class Module:
    id: int
    modname: str
    name: str
    section: int
    """the number of the section holding it"""


def contents(course_id: int) -> Call:
    return "core_course_get_contents", {"courseid": course_id}


def sections_from(answer: Sequence[dict[str, Any]]) -> list[Section]:
    return [Section(id=int(s["id"]), number=int(s.get("section", 0)), name=text(s.get("name"))) for s in answer]


def modules_from(answer: Sequence[dict[str, Any]]) -> list[Module]:
    return [Module(id=int(m["id"]), modname=str(m.get("modname", "")), name=text(m.get("name")),
                   section=int(s.get("section", 0)))
            for s in answer for m in s.get("modules", [])]


def module_records(answer: Sequence[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """(section number, raw module record) for readers that keep Moodle's own module fields."""
    return [(int(s.get("section", 0)), m) for s in answer for m in s.get("modules", [])]


def rename_section(course_format: str, section_id: int, name: str) -> Write:
    """Moodle has no section web service: the course page's in-place editor renames it (the same name twice is a no-op)."""
    return Write("core_update_inplace_editable", {"itemtype": "sectionname", "component": f"format_{course_format}",
                                                  "itemid": section_id, "value": name}, repeat_safe=True)
