"""Turns a course's people as `moodle.api.people` and `moodle.api.completion` read them into snapshot users with
their enrolment status, and completion records.

Only the students' completion is read (by the role id push enrols participants with): trainers complete nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lms_sync.moodle.api.completion import ActivityState, CourseCompletion
from lms_sync.moodle.api.people import Member
from lms_sync.moodle.fields import moodle_time
from lms_sync.records.snapshot import (
    ENROLMENT_ACTIVE,
    ENROLMENT_NOT_ACTIVE,
    ActivityCompletion,
    CompletionRecord,
    EnrolledUser,
)


def enrolled_users(members: Iterable[Member], *, active: set[int] | None = None) -> tuple[EnrolledUser, ...]:
    """The course's users with role shortnames and ids, group names and enrolment status.

    `active` holds the users Moodle lists as active now (`moodle.api.people.active_ids_from`); None leaves every
    status unknown.
    """
    return tuple(EnrolledUser(
        user_id=m.id, email=m.email, firstname=m.firstname, lastname=m.lastname, institution=m.institution,
        roles=m.roles, role_ids=tuple(sorted(m.roleids)), groups=m.groups,
        # The course's own last access, not the site's: what the institute asks is "did they come?".
        lastaccess=moodle_time(m.lastaccess),
        status=None if active is None else ENROLMENT_ACTIVE if m.id in active else ENROLMENT_NOT_ACTIVE,
    ) for m in members)


def students(members: Sequence[Member], users: Sequence[EnrolledUser], student_role_id: int) -> list[int]:
    """User ids whose completion is tracked: the course's students (`student_role_id`, push's `student_role_id`)
    whose enrolment is not known to be inactive — Moodle answers `usernotenroled` for a suspended student's
    completion."""
    inactive = {user.user_id for user in users if user.status == ENROLMENT_NOT_ACTIVE}
    return [member.id for member in members if student_role_id in member.roleids and member.id not in inactive]


def completion_record(user_id: int, course: CourseCompletion, activities: Iterable[ActivityState]) -> CompletionRecord:
    """One student's course and activity completion."""
    return CompletionRecord(
        user_id=user_id, completed=course.completed, timecompleted=moodle_time(course.timecompleted),
        activities=tuple(ActivityCompletion(cmid=a.cmid, modname=a.modname, state=a.state,
                                            timecompleted=moodle_time(a.timecompleted)) for a in activities))
