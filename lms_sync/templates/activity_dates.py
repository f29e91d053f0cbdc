"""When a run's assignments fall due and its evaluation opens and closes, from the template's rules and the sessions.

The blueprint carries the same times of day on a placeholder day far ahead; push moves each date to its run's day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lms_sync.templates.model import CourseTemplate
from lms_sync.templates.rendering import SessionLike

PLACEHOLDER_DAY = date(2099, 1, 4)
"""The blueprint's dates lie on this day (and the days after it), so nothing opens or falls due before push moves it."""


@dataclass(frozen=True)
class ActivityDate:
    """One date of one activity, named as Moodle's calendar event for it (`modulename`, `eventtype`)."""

    key: str
    modname: str
    eventtype: str
    moment: datetime


def _at(day: date, clock: str, zone: ZoneInfo) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _dates(template: CourseTemplate, zone: ZoneInfo, *, last_end: datetime,
           session_start: dict[int, datetime] | None) -> list[ActivityDate]:
    """`session_start` None means the blueprint's placeholder: every rule lands on PLACEHOLDER_DAY."""
    result: list[ActivityDate] = []
    for activity in template.activities:
        if activity.type != "assign":
            continue
        due: datetime | None = None
        if activity.due_before_session is not None:
            if session_start is None:
                due = _at(PLACEHOLDER_DAY, activity.due_time, zone)
            elif activity.due_before_session in session_start:
                start = session_start[activity.due_before_session]
                due = _at(start.astimezone(zone).date(), activity.due_time, zone)
                if due > start:
                    due = _at(due.date() - timedelta(days=1), activity.due_time, zone)
        elif activity.due_offset_days is not None:
            due = _at(last_end.astimezone(zone).date() + timedelta(days=activity.due_offset_days),
                      activity.due_time, zone)
        if due is not None:
            result.append(ActivityDate(activity.key, "assign", "due", due))
    questionnaire = template.questionnaire
    if questionnaire is not None and questionnaire.open_days is not None:
        opens = _at(last_end.astimezone(zone).date(), questionnaire.open_time, zone)
        if opens < last_end:
            opens = _at(opens.date() + timedelta(days=1), questionnaire.open_time, zone)
        closes = _at(opens.date() + timedelta(days=questionnaire.open_days), questionnaire.close_time, zone)
        result.append(ActivityDate(questionnaire.key, "feedback", "open", opens))
        result.append(ActivityDate(questionnaire.key, "feedback", "close", closes))
    return result


def run_dates(template: CourseTemplate, sessions: Sequence[SessionLike], zone: ZoneInfo) -> list[ActivityDate]:
    """The dates of one run; none for a run without sessions, none for a session number the run does not have."""
    if not sessions:
        return []
    return _dates(template, zone, last_end=max(s.end for s in sessions),
                  session_start={number: s.start for number, s in enumerate(sessions, start=1)})


def placeholder_dates(template: CourseTemplate, zone: ZoneInfo) -> list[ActivityDate]:
    """The blueprint's dates: the template's times of day on PLACEHOLDER_DAY (closing dates days after it)."""
    return _dates(template, zone, last_end=_at(PLACEHOLDER_DAY, "00:00", zone), session_start=None)
