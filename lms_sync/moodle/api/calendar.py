"""Calendar: the course events of many courses in one read, creating and deleting events.

Event names come back HTML-escaped and are unescaped here; reads need an upper time bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import ArrayWrite, Call
from lms_sync.moodle.fields import text

_FAR_FUTURE = 4102444800  # 2100-01-01: calendar reads need an upper bound
CREATE_EVENTS = ArrayWrite("core_calendar_create_calendar_events", "events")
DELETE_EVENTS = ArrayWrite("core_calendar_delete_calendar_events", "events")


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    timestart: int
    timeduration: int
    userid: int = 0
    """who created the event"""
    courseid: int = 0


def course_events(course_ids: Sequence[int]) -> Call:
    return "core_calendar_get_calendar_events", {
        "events": {"courseids": list(course_ids)},
        "options": {"userevents": 0, "siteevents": 0, "timestart": 0, "timeend": _FAR_FUTURE}}


def course_events_from(answer: dict[str, Any]) -> list[Event]:
    """Only events of type "course" (a read by course ids also returns the courses' group and module events)."""
    return [Event(id=int(e["id"]), name=text(e.get("name")), timestart=int(e.get("timestart", 0)),
                  timeduration=int(e.get("timeduration", 0)), userid=int(e.get("userid") or 0),
                  courseid=int(e.get("courseid") or 0))
            for e in answer.get("events", []) if e.get("eventtype") == "course"]
