"""Courses and categories: find courses by a field, list categories, create and update them, import contents.

Names (fullname, shortname, category names) come back HTML-escaped and are unescaped here. An update answers the
courses it refused as warnings (not as an error), each naming the course.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from lms_sync.moodle.api.calls import ArrayWrite, Call, Write, created_ids
from lms_sync.moodle.api.warnings import warnings_in
from lms_sync.moodle.fields import record_of

COURSES_BY_FIELD = "core_course_get_courses_by_field"
CREATE_CATEGORIES = ArrayWrite("core_course_create_categories", "categories", created_ids)
CREATE_COURSES = ArrayWrite("core_course_create_courses", "courses", created_ids)
UPDATE_COURSES = ArrayWrite("core_course_update_courses", "courses", warnings_in)
"""answers the refused courses' warnings (`AnswerWarning.course_id` names each)"""
SET_IDNUMBER = replace(UPDATE_COURSES, repeat_safe=True)
"""an update of the idnumber alone: setting the same idnumber twice changes nothing, so a lost answer may be repeated"""


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    idnumber: str
    parent: int


@dataclass(frozen=True)
class Course:
    id: int
    idnumber: str
    shortname: str
    fullname: str
    summary: str
    startdate: int
    enddate: int
    categoryid: int
    cacherev: int = 0
    """Moodle's revision of the course's sections and modules (5.0 sends it; 4.5 does not: 0)"""
    timecreated: int = 0
    """when Moodle made the course (both versions send it; 0 if not)"""


def categories() -> Call:
    return "core_course_get_categories", {"addsubcategories": 0}


def categories_from(answer: Sequence[dict[str, Any]]) -> list[Category]:
    return [record_of(Category, c) for c in answer]


def by_field(field: str, value: str) -> Call:
    """Courses whose `field` (id, ids, idnumber, shortname, category) is `value`."""
    return COURSES_BY_FIELD, {"field": field, "value": value}


def by_ids(course_ids: Sequence[int]) -> Call:
    return by_field("ids", ",".join(map(str, course_ids)))


def course_records(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The raw course records of a `by_field` answer, for readers that keep Moodle's own fields."""
    return list(answer.get("courses", []))


def courses_from(answer: dict[str, Any]) -> list[Course]:
    return [course_from(record) for record in course_records(answer)]


def public_only(answer: dict[str, Any]) -> list[int]:
    """The ids of the answer's courses that Moodle describes by their public information only (no idnumber, no
    dates): the web-service user cannot enter the course, or lacks moodle/course:update in it. Such a record is no
    reading of the course; lms-sync's own courses always have an idnumber."""
    return [int(record["id"]) for record in course_records(answer) if "idnumber" not in record]


def course_from(record: dict[str, Any]) -> Course:
    return record_of(Course, record, plain=("idnumber", "summary"))


def import_contents(from_course: int, to_course: int) -> Write:
    """Copy a (blueprint) course's activities into another course, keeping what the target has."""
    return Write("core_course_import_course", {"importfrom": from_course, "importto": to_course, "deletecontent": 0})
