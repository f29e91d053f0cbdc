"""Gives a restored blueprint course its idnumber: Moodle's restore drops it for a backup made on another site.

The course is the one `find_blueprint_course` finds by shortname; it is adopted only if its fullname is the blueprint's
and it has no idnumber of its own, so no other course is ever renamed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lms_sync.blueprint.content import BlueprintContent
from lms_sync.blueprint.drift import FoundBy
from lms_sync.blueprint.observe import find_blueprint_course
from lms_sync.moodle.api import courses
from lms_sync.moodle.api.calls import send_array
from lms_sync.moodle.client import MoodleClient

log = logging.getLogger("lms_sync.blueprint")


class AdoptRefused(Exception):
    """No course can be adopted: the message says why and what to do."""


@dataclass(frozen=True)
class Adopted:
    course_id: int
    shortname: str
    already: bool
    """the course already had the blueprint's idnumber: nothing was written"""


def adopt_blueprint(client: MoodleClient, content: BlueprintContent, template: str) -> Adopted:
    """Set the blueprint's idnumber on the restored course (one course update call)."""
    found = find_blueprint_course(client, content)
    if found is None:
        raise AdoptRefused(f"no course with shortname {content.shortname!r} (or {content.shortname}_1…) in Moodle: "
                           f"build the blueprint with `lms-sync blueprint build {template}` and restore it first")
    course, found_by = found
    if found_by is FoundBy.IDNUMBER:
        return Adopted(course.id, course.shortname, already=True)
    where = f"course {course.shortname!r} (id {course.id})"
    if course.idnumber:
        raise AdoptRefused(f"{where} has the idnumber {course.idnumber!r}: it is not a freshly restored blueprint; "
                           "restore the blueprint .mbz again, or give that course another shortname")
    if course.fullname != content.fullname:
        raise AdoptRefused(f"{where} is called {course.fullname!r}, the blueprint {content.fullname!r}: "
                           "restore the blueprint .mbz again, or give that course another shortname")
    for warning in send_array(client, courses.SET_IDNUMBER, [{"id": course.id, "idnumber": content.idnumber}]):
        raise AdoptRefused(f"Moodle did not set the idnumber of {where}: {warning.message}")
    log.info("blueprint %s: %s adopted (idnumber set)", content.idnumber, where)
    return Adopted(course.id, course.shortname, already=False)
