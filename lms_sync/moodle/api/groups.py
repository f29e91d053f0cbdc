"""Groups (Kleingruppen): read them by id or per course, create, fill and delete them.

Group names come back HTML-escaped and are unescaped here; `core_group_get_groups` is optional (see `check`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import ArrayWrite, Call, no_answer
from lms_sync.moodle.fields import text

GROUPS_BY_ID = "core_group_get_groups"


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    idnumber: str | None
    """None when only the name is known (groups seen through their members' enrolments)"""
    courseid: int = 0


def groups_from(answer: Sequence[dict[str, Any]]) -> list[Group]:
    """Moodle's group description (both reads and the create send the same one)."""
    return [Group(id=int(g["id"]), name=text(g.get("name")), idnumber=str(g.get("idnumber") or ""),
                  courseid=int(g.get("courseid") or 0)) for g in answer]


CREATE_GROUPS = ArrayWrite("core_group_create_groups", "groups", groups_from)
ADD_MEMBERS = ArrayWrite("core_group_add_group_members", "members", no_answer, repeat_safe=True)
DELETE_GROUPS = ArrayWrite("core_group_delete_groups", "groupids", no_answer)


def by_ids(group_ids: Sequence[int]) -> Call:
    return GROUPS_BY_ID, {"groupids": list(group_ids)}


def of_course(course_id: int) -> Call:
    return "core_group_get_course_groups", {"courseid": course_id}

