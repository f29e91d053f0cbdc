"""Completion: a participant's course completion and the completion state of each of the course's activities.

A course without completion criteria answers an error (`nocriteriaset`, `completionnotenabled`), not an empty state.
"""

from __future__ import annotations

from lms_sync.moodle.api.calls import Call

NO_COURSE_COMPLETION = frozenset({"nocriteriaset", "completionnotenabled"})


def of_course(course_id: int, user_id: int) -> Call:
    return "core_completion_get_course_completion_status", {"courseid": course_id, "userid": user_id}


def of_activities(course_id: int, user_id: int) -> Call:
    return "core_completion_get_activities_completion_status", {"courseid": course_id, "userid": user_id}
