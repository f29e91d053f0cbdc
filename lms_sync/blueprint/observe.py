"""Reads the restored blueprint course from Moodle: the course (by idnumber, else by shortname), contents and items.

Only reads; `moodle.api` parses what Moodle returns (names unescaped) into its types.
"""

from __future__ import annotations

from lms_sync.blueprint.content import BlueprintContent
from lms_sync.blueprint.drift import FoundBy, RestoredBlueprint, RestoredFeedback
from lms_sync.blueprint.feedback_items import describe
from lms_sync.moodle.api import contents, courses, feedback
from lms_sync.moodle.api.calls import ask, checked
from lms_sync.moodle.client import MoodleClient

# Restore renames a course whose shortname is taken to shortname_1, _2, ... (restore_dbops::calculate_course_names).
SUFFIX_PROBES = 3


def find_blueprint_course(client: MoodleClient, content: BlueprintContent) -> tuple[courses.Course, FoundBy] | None:
    """The course holding the blueprint, and how it was found; None when there is none."""
    by_idnumber = courses.courses_from(ask(client, courses.by_field("idnumber", content.idnumber)))
    if by_idnumber:
        return by_idnumber[0], FoundBy.IDNUMBER
    shortnames = [content.shortname] + [f"{content.shortname}_{n}" for n in range(1, SUFFIX_PROBES + 1)]
    results = client.read_many([courses.by_field("shortname", name) for name in shortnames])
    for position, result in enumerate(results):
        if found := courses.courses_from(checked(result)):
            return found[0], FoundBy.SHORTNAME if position == 0 else FoundBy.SUFFIXED_SHORTNAME
    return None


def observe_blueprint(client: MoodleClient, content: BlueprintContent) -> RestoredBlueprint | None:
    """The blueprint course as Moodle has it now, or None when no course matches."""
    found = find_blueprint_course(client, content)
    if found is None:
        return None
    course, found_by = found
    sections, feedbacks = map(checked, client.read_many([contents.contents(course.id), feedback.of_courses([course.id])]))
    by_cmid = {found.cmid: found for found in feedback.feedbacks_from(feedbacks)[0]}
    item_results = client.read_many([feedback.items(found.id) for found in by_cmid.values()])
    restored = {
        cmid: RestoredFeedback(by_cmid[cmid].anonymous, tuple(
            describe(item.typ, item.name, item.label, item.presentation, item.required)
            for item in feedback.every_item_from(checked(result))))
        for cmid, result in zip(by_cmid, item_results, strict=True)
    }
    return RestoredBlueprint(course=course, found_by=found_by, sections=tuple(contents.sections_from(sections)),
                             modules=tuple(contents.modules_from(sections)), feedbacks=restored)
