"""Turns Moodle's answers about people in a course (`moodle.api.people.enrolled_users`, `moodle.api.completion`)
into snapshot users with their enrolment status, and completion records.

Records that cannot be read (a deleted user without an e-mail address, missing ids) are skipped and noted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from lms_sync.moodle.fields import text
from lms_sync.pull.reading_support import Skip, moodle_time, reason, whole_number
from lms_sync.records.snapshot import (
    ENROLMENT_ACTIVE,
    ENROLMENT_NOT_ACTIVE,
    ActivityCompletion,
    CompletionRecord,
    EnrolledUser,
)

STUDENT_ROLE = "student"
_ANY_CRITERION = 2  # completionstatus.aggregation: 1 = all criteria needed, 2 = any one is enough


def active_user_ids(records: Iterable[Mapping[str, Any]]) -> set[int]:
    """The ids in an `onlyactive` listing: users whose enrolment is active now."""
    return {user_id for user_id in (whole_number(record.get("id")) for record in records) if user_id > 0}


def enrolled_users(records: Iterable[Mapping[str, Any]], skip: Skip, *, active: set[int] | None = None
                   ) -> tuple[EnrolledUser, ...]:
    """The course's users with role shortnames, group names and enrolment status; unreadable users are skipped.

    `active` holds the users Moodle lists as active now (`active_user_ids`); None leaves every status unknown.
    """
    users: dict[int, EnrolledUser] = {}
    for record in records:
        try:
            user_id = int(record["id"])
            user = EnrolledUser(
                user_id=user_id,
                email=str(record.get("email") or ""),
                firstname=text(record.get("firstname")),
                lastname=text(record.get("lastname")),
                institution=text(record.get("institution")),
                roles=tuple(sorted({str(role.get("shortname") or "") for role in record.get("roles") or []} - {""})),
                groups=tuple(sorted({text(group.get("name")) for group in record.get("groups") or []} - {""})),
                # The course's own last access, not the site's: what the institute asks is "did they come?".
                lastaccess=moodle_time(record.get("lastcourseaccess", record.get("lastaccess"))),
                status=None if active is None else ENROLMENT_ACTIVE if user_id in active else ENROLMENT_NOT_ACTIVE,
            )
        except (KeyError, TypeError, ValueError) as error:
            skip(f"enrolled user {record.get('id', '?')} not stored (deleted or hidden in Moodle?): {reason(error)}")
            continue
        users[user.user_id] = user
    return tuple(users.values())


def students(users: Sequence[EnrolledUser]) -> list[int]:
    """User ids whose completion is tracked: the course's students (trainers complete nothing) whose enrolment is not
    known to be inactive — Moodle answers `usernotenroled` for a suspended student's completion."""
    return [user.user_id for user in users if STUDENT_ROLE in user.roles and user.status != ENROLMENT_NOT_ACTIVE]


def _course_completion(status: Mapping[str, Any]) -> tuple[bool, datetime | None]:
    completion = status.get("completionstatus") or {}
    completed = bool(completion.get("completed"))
    if not completed:
        return False, None
    times = [int(c["timecompleted"]) for c in completion.get("completions") or [] if c.get("complete")
             and c.get("timecompleted")]
    if not times:
        return True, None
    # The course is complete when the deciding criterion was met: the last one if all count, else the first.
    return True, moodle_time(min(times) if completion.get("aggregation") == _ANY_CRITERION else max(times))


def completion_record(user_id: int, course_status: Mapping[str, Any] | None, activities: Mapping[str, Any] | None,
                      skip: Skip) -> CompletionRecord:
    """One student's course and activity completion; `course_status` None means the course has no criteria."""
    completed, timecompleted = _course_completion(course_status or {})
    states: dict[int, ActivityCompletion] = {}
    for status in (activities or {}).get("statuses") or []:
        if status.get("tracking", 1) == 0:
            continue  # the activity tracks no completion
        try:
            state = ActivityCompletion(cmid=int(status["cmid"]), modname=str(status.get("modname") or ""),
                                       state=int(status.get("state") or 0),
                                       timecompleted=moodle_time(status.get("timecompleted")))
        except (KeyError, TypeError, ValueError) as error:
            skip(f"activity completion of user {user_id}: unreadable status ({reason(error)})")
            continue
        states[state.cmid] = state
    return CompletionRecord(user_id=user_id, completed=completed, timecompleted=timecompleted,
                            activities=tuple(states.values()))
