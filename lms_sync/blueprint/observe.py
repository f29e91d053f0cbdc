"""Reads the restored blueprint course from Moodle: the course (by idnumber, else by shortname), contents and items.

Only reads; names come back HTML-escaped from core_course_get_contents and are unescaped here.
"""

from __future__ import annotations

import html
from typing import Any

from lms_sync.blueprint.content import BlueprintContent
from lms_sync.blueprint.drift import FoundBy, ObservedCourse, ObservedModule
from lms_sync.blueprint.feedback_items import ItemShape, describe
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleError

# Restore renames a course whose shortname is taken to shortname_1, _2, ... (restore_dbops::calculate_course_names).
SUFFIX_PROBES = 3


def _courses(result: Any) -> list[dict[str, Any]]:
    if isinstance(result, MoodleError):
        raise result
    return list(result.get("courses", []))


def find_blueprint_course(client: MoodleClient, content: BlueprintContent) -> tuple[dict[str, Any], FoundBy] | None:
    """The course holding the blueprint, and how it was found; None when there is none."""
    by_idnumber = _courses(client.call("core_course_get_courses_by_field", field="idnumber", value=content.idnumber))
    if by_idnumber:
        return by_idnumber[0], FoundBy.IDNUMBER
    shortnames = [content.shortname] + [f"{content.shortname}_{n}" for n in range(1, SUFFIX_PROBES + 1)]
    results = client.read_many([("core_course_get_courses_by_field", {"field": "shortname", "value": name})
                                for name in shortnames])
    for position, result in enumerate(results):
        courses = _courses(result)
        if courses:
            return courses[0], FoundBy.SHORTNAME if position == 0 else FoundBy.SUFFIXED_SHORTNAME
    return None


def _items(result: Any) -> tuple[ItemShape, ...]:
    if isinstance(result, MoodleError):
        raise result
    return tuple(
        describe(item["typ"], html.unescape(item.get("name", "")), item.get("label", ""), item.get("presentation", ""),
                 bool(item.get("required")))
        for item in sorted(result.get("items", []), key=lambda item: item.get("position", 0))
    )


def observe_blueprint(client: MoodleClient, content: BlueprintContent) -> ObservedCourse | None:
    """The blueprint course as Moodle has it now, or None when no course matches."""
    found = find_blueprint_course(client, content)
    if found is None:
        return None
    course, found_by = found
    contents, feedbacks = client.read_many([
        ("core_course_get_contents", {"courseid": course["id"]}),
        ("mod_feedback_get_feedbacks_by_courses", {"courseids": [course["id"]]}),
    ])
    for result in (contents, feedbacks):
        if isinstance(result, MoodleError):
            raise result
    by_cmid = {feedback["coursemodule"]: feedback for feedback in feedbacks.get("feedbacks", [])}
    item_results = client.read_many([("mod_feedback_get_items", {"feedbackid": feedback["id"]})
                                     for feedback in by_cmid.values()])
    items_by_cmid = {cmid: _items(result) for cmid, result in zip(by_cmid, item_results, strict=True)}
    modules = tuple(
        ObservedModule(
            cmid=module["id"],
            modname=module["modname"],
            name=html.unescape(module["name"]),
            section_number=section["section"],
            anonymous=by_cmid[module["id"]]["anonymous"] == 1 if module["id"] in by_cmid else None,
            items=items_by_cmid.get(module["id"]),
        )
        for section in contents
        for module in section.get("modules", [])
    )
    return ObservedCourse(
        id=course["id"],
        shortname=html.unescape(course.get("shortname", "")),
        idnumber=course.get("idnumber", "") or "",
        found_by=found_by,
        sections={section["section"]: html.unescape(section.get("name", "")) for section in contents},
        modules=modules,
    )
