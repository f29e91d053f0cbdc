"""Which catalogue runs a sync looks after: those from N days before their start until M days after their end.

Pure and clock-free: the caller passes "now", so the window can be tested at any date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from lms_sync.push.desired import DesiredCourse


def split_active(courses: Sequence[DesiredCourse], *, now: datetime, days_before_start: int,
                 days_after_end: int) -> tuple[list[DesiredCourse], list[DesiredCourse]]:
    """(active, not active) runs: a run is active while now is within [start - before, end + after]."""
    active: list[DesiredCourse] = []
    inactive: list[DesiredCourse] = []
    for course in courses:
        opens = datetime.fromtimestamp(course.startdate, now.tzinfo) - timedelta(days=days_before_start)
        closes = datetime.fromtimestamp(course.enddate, now.tzinfo) + timedelta(days=days_after_end)
        (active if opens <= now <= closes else inactive).append(course)
    return active, inactive
