"""Calendar: the course and activity events of many courses in one read, creating and deleting course events, and
moving an activity's event to another day (which moves the activity's own date).

Event names come back HTML-escaped and are unescaped here; reads need an upper time bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import ArrayWrite, Call, Write, no_answer
from lms_sync.moodle.api.warnings import warnings_in
from lms_sync.moodle.fields import record_of

_FAR_FUTURE = 4102444800  # 2100-01-01: calendar reads need an upper bound
CREATE_EVENTS = ArrayWrite("core_calendar_create_calendar_events", "events", warnings_in)
"""answers the events it refused as warnings (naming the event by its name, not by a request item)"""
DELETE_EVENTS = ArrayWrite("core_calendar_delete_calendar_events", "events", no_answer)


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    timestart: int
    timeduration: int
    userid: int = 0
    """who created the event"""
    courseid: int = 0


@dataclass(frozen=True)
class ActivityEvent:
    """The calendar event Moodle keeps for an activity's date (an assignment's "due", a feedback's "open"…)."""

    id: int
    modname: str
    instance: int
    eventtype: str
    timestart: int
    courseid: int = 0


def course_events(course_ids: Sequence[int]) -> Call:
    """The courses' events, hidden ones too: a hidden activity's date has an event as well (Moodle leaves them out by
    default), and push would otherwise wait for ever for cron to make it."""
    return "core_calendar_get_calendar_events", {
        "events": {"courseids": list(course_ids)},
        "options": {"userevents": 0, "siteevents": 0, "timestart": 0, "timeend": _FAR_FUTURE, "ignorehidden": 0}}


def course_events_from(answer: dict[str, Any]) -> list[Event]:
    """Only events of type "course" (a read by course ids also returns the courses' group and module events)."""
    return [record_of(Event, e) for e in answer.get("events", []) if e.get("eventtype") == "course"]


def activity_events_from(answer: dict[str, Any]) -> list[ActivityEvent]:
    """The events activities made for their dates (Moodle's cron makes them after an import), not user overrides."""
    return [record_of(ActivityEvent, e, plain=("modname", "eventtype"), names={"modname": "modulename"})
            for e in answer.get("events", []) if e.get("modulename") and e.get("courseid")]


def move_to_day(event_id: int, day: int) -> Write:
    """The event, and the activity date it stands for, to the day `day` falls on (in the token user's zone); the time of
    day stays what it was in the site's zone. Moodle calls the activity's own callback, so `assign.duedate` and
    `feedback.timeopen`/`timeclose` follow; moving to the same day again changes nothing."""
    return Write("core_calendar_update_event_start_day", {"eventid": event_id, "daytimestamp": day}, repeat_safe=True)
