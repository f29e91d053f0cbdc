"""Completion: a participant's course completion and the completion state of each of the course's activities.

A course without completion criteria answers an error (`nocriteriaset`, `completionnotenabled`), not an empty state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import Call
from lms_sync.moodle.fields import Skip, reason, whole_number

NO_COURSE_COMPLETION = frozenset({"nocriteriaset", "completionnotenabled"})
_ANY_CRITERION = 2  # completionstatus.aggregation: 1 = all criteria needed, 2 = any one is enough


@dataclass(frozen=True)
class CourseCompletion:
    completed: bool
    timecompleted: int
    """when the deciding criterion was met; 0 when not complete or Moodle does not say"""


@dataclass(frozen=True)
class ActivityState:
    cmid: int
    modname: str
    state: int
    """Moodle's completion state: 0 incomplete, 1 complete, 2 passed, 3 failed"""
    timecompleted: int


def of_course(course_id: int, user_id: int) -> Call:
    return "core_completion_get_course_completion_status", {"courseid": course_id, "userid": user_id}


def of_activities(course_id: int, user_id: int) -> Call:
    return "core_completion_get_activities_completion_status", {"courseid": course_id, "userid": user_id}


def course_completion_from(answer: Any) -> CourseCompletion:
    """An `of_course` answer; None (a course without criteria) is "not complete"."""
    status = (answer or {}).get("completionstatus") or {}
    if not status.get("completed"):
        return CourseCompletion(False, 0)
    times = [t for t in (whole_number(c.get("timecompleted")) for c in status.get("completions") or []
                         if c.get("complete")) if t > 0]
    if not times:
        return CourseCompletion(True, 0)
    # The course is complete when the deciding criterion was met: the last one if all count, else the first.
    return CourseCompletion(True, min(times) if status.get("aggregation") == _ANY_CRITERION else max(times))


def activity_states_from(answer: Any, skip: Skip) -> list[ActivityState]:
    """The tracked activities of an `of_activities` answer, once each; an unreadable status is skipped with a note."""
    states: dict[int, ActivityState] = {}
    for status in (answer or {}).get("statuses") or []:
        if status.get("tracking", 1) == 0:
            continue  # the activity tracks no completion
        try:
            state = ActivityState(cmid=int(status["cmid"]), modname=str(status.get("modname") or ""),
                                  state=int(status.get("state") or 0),
                                  timecompleted=whole_number(status.get("timecompleted")))
        except (KeyError, TypeError, ValueError) as error:
            skip(f"unreadable status ({reason(error)})")
            continue
        states[state.cmid] = state
    return list(states.values())
