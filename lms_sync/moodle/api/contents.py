"""Course contents: sections and their modules (core_course_get_contents); renaming sections and activities, and
setting an activity's group mode (the course page's own editing calls).

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
    instance: int = 0
    """the id of the activity's own record (assign, feedback…): what its calendar events name"""
    groupmode: int = 0
    """0 no groups, 1 separate groups, 2 visible groups"""


def contents(course_id: int) -> Call:
    return "core_course_get_contents", {"courseid": course_id}


def sections_from(answer: Sequence[dict[str, Any]]) -> list[Section]:
    return [Section(id=int(s["id"]), number=int(s.get("section", 0)), name=text(s.get("name"))) for s in answer]


def modules_from(answer: Sequence[dict[str, Any]]) -> list[Module]:
    return [Module(id=int(m["id"]), modname=str(m.get("modname", "")), name=text(m.get("name")),
                   section=int(s.get("section", 0)), instance=int(m.get("instance") or 0),
                   groupmode=int(m.get("groupmode") or 0))
            for s in answer for m in s.get("modules", [])]


def module_records(answer: Sequence[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """(section number, raw module record) for readers that keep Moodle's own module fields."""
    return [(int(s.get("section", 0)), m) for s in answer for m in s.get("modules", [])]


def delete_modules(cmids: Sequence[int]) -> Write:
    """Activities deleted with everything in them; not repeat-safe: Moodle refuses a course module that is gone."""
    return Write("core_course_delete_modules", {"cmids": list(cmids)})


def rename_section(course_format: str, section_id: int, name: str) -> Write:
    """Moodle has no section web service: the course page's in-place editor renames it (the same name twice is a no-op)."""
    return Write("core_update_inplace_editable", {"itemtype": "sectionname", "component": f"format_{course_format}",
                                                  "itemid": section_id, "value": name}, repeat_safe=True)


def rename_activity(cmid: int, name: str) -> Write:
    """An activity's name, as the course page's in-place editor sets it (the same name twice is a no-op)."""
    return Write("core_update_inplace_editable", {"itemtype": "activityname", "component": "core_course",
                                                  "itemid": cmid, "value": name}, repeat_safe=True)


GROUP_MODE_ACTIONS = {0: "cm_nogroups", 1: "cm_separategroups", 2: "cm_visiblegroups"}


def set_group_mode(course_id: int, cmids: Sequence[int], mode: int) -> Write:
    """The group mode of activities of one course, as the course page's menu sets it (setting it again is a no-op)."""
    return Write("core_courseformat_update_course", {"action": GROUP_MODE_ACTIONS[mode], "courseid": course_id,
                                                     "ids": list(cmids)}, repeat_safe=True)
