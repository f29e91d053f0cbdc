"""Catalogue dates far from today are almost always typos (2207 for 2027, 1927 for 2027): refuse or remark them.

Beyond `IMPLAUSIBLE_YEARS` a date is an error (the run is skipped); beyond `UNUSUAL_YEARS` it is a warning.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

IMPLAUSIBLE_YEARS = 10
UNUSUAL_YEARS = 2
_DAYS_PER_YEAR = 365.25


def far_from_today(moment: datetime, today: datetime) -> tuple[Literal["error", "warning"], str] | None:
    """(severity, message) for a date more than two years from `today`, None for an ordinary one."""
    years = (moment - today).days / _DAYS_PER_YEAR
    if abs(years) <= UNUSUAL_YEARS:
        return None
    when = f"{abs(years):.0f} years {'ahead' if years > 0 else 'ago'}"
    if abs(years) > IMPLAUSIBLE_YEARS:
        return "error", f"{moment:%Y-%m-%d} is {when}, not a date lms-sync will put into Moodle; correct the year"
    return "warning", f"{moment:%Y-%m-%d} is {when}; check the year (is it a typo for {today.year} or {today.year + 1}?)"
