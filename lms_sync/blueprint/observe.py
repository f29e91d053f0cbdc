"""Reads the restored blueprint course from Moodle: the course (by idnumber, else by shortname), contents and items.

Only reads; `moodle.api` unescapes the names Moodle returns HTML-escaped.
"""

from __future__ import annotations

import html
from typing import Any

from lms_sync.blueprint.content import BlueprintContent
from lms_sync.blueprint.drift import FoundBy, ObservedCourse, ObservedModule
from lms_sync.blueprint.feedback_items import ItemShape, describe
from lms_sync.moodle.api import contents, courses, feedback
from lms_sync.moodle.api.calls import ask, checked
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.fields import text

# Restore renames a course whose shortname is taken to shortname_1, _2, ... (restore_dbops::calculate_course_names).
SUFFIX_PROBES = 3


def find_blueprint_course(client: MoodleClient, content: BlueprintContent) -> tuple[dict[str, Any], FoundBy] | None:
    """The course holding the blueprint, and how it was found; None when there is none."""
    by_idnumber = courses.course_records(ask(client, courses.by_field("idnumber", content.idnumber)))
    if by_idnumber:
        return by_idnumber[0], FoundBy.IDNUMBER
    shortnames = [content.shortname] + [f"{content.shortname}_{n}" for n in range(1, SUFFIX_PROBES + 1)]
    results = client.read_many([courses.by_field("shortname", name) for name in shortnames])
    for position, result in enumerate(results):
        if found := courses.course_records(checked(result)):
            return found[0], FoundBy.SHORTNAME if position == 0 else FoundBy.SUFFIXED_SHORTNAME
    return None


def _items(result: Any) -> tuple[ItemShape, ...]:
    return tuple(
        describe(item["typ"], html.unescape(item.get("name", "")), item.get("label", ""), item.get("presentation", ""),
                 bool(item.get("required")))
        for item in sorted(checked(result).get("items", []), key=lambda item: item.get("position", 0))
    )


def observe_blueprint(client: MoodleClient, content: BlueprintContent) -> ObservedCourse | None:
    """The blueprint course as Moodle has it now, or None when no course matches."""
    found = find_blueprint_course(client, content)
    if found is None:
        return None
    course, found_by = found
    sections, feedbacks = map(checked, client.read_many([contents.contents(course["id"]),
                                                         feedback.of_courses([course["id"]])]))
    by_cmid = {found["coursemodule"]: found for found in feedbacks.get("feedbacks", [])}
    item_results = client.read_many([feedback.items(found["id"]) for found in by_cmid.values()])
    items_by_cmid = {cmid: _items(result) for cmid, result in zip(by_cmid, item_results, strict=True)}
    modules = tuple(
        ObservedModule(
            cmid=module["id"],
            modname=module["modname"],
            name=text(module["name"]),
            section_number=number,
            anonymous=by_cmid[module["id"]]["anonymous"] == 1 if module["id"] in by_cmid else None,
            items=items_by_cmid.get(module["id"]),
        )
        for number, module in contents.module_records(sections)
    )
    return ObservedCourse(
        id=course["id"],
        shortname=text(course.get("shortname", "")),
        idnumber=course.get("idnumber", "") or "",
        found_by=found_by,
        sections={section.number: section.name for section in contents.sections_from(sections)},
        modules=modules,
    )
