"""Catalogue times are wall-clock times in one configured zone; this turns them into aware datetimes and Unix time.

Daylight saving: a time in the spring gap does not exist (error); a time in the autumn overlap exists twice, we take the
first (summer time, fold=0) and warn, because workshops are not scheduled at 02:30 on purpose. Such a time gets a fixed
UTC offset instead of the zone: Python never considers an ambiguous zoned time equal to any time in another zone (PEP 495).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from zoneinfo import ZoneInfo


class NonexistentLocalTime(ValueError):
    """The wall-clock time is skipped when the clocks go forward."""


@dataclass(frozen=True)
class LocalTimeResult:
    value: datetime
    ambiguity_note: str | None = None


def parse_catalogue_time(raw: object, zone: ZoneInfo) -> LocalTimeResult:
    """Read a TOML value ("2027-03-04 09:30", a TOML local or offset datetime) as an aware datetime in `zone`."""
    if isinstance(raw, datetime):
        naive = raw
    elif isinstance(raw, str):
        try:
            naive = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a date and time; write it as \"2027-03-04 09:30\"") from None
    else:
        raise TypeError(f"{raw!r} is not a date and time; write it as \"2027-03-04 09:30\"")
    if naive.tzinfo is not None:
        return LocalTimeResult(naive)
    return localize(naive, zone)


def localize(naive: datetime, zone: ZoneInfo) -> LocalTimeResult:
    """Attach `zone` to a wall-clock time, refusing times that do not exist and flagging times that exist twice."""
    first = naive.replace(tzinfo=zone, fold=0)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive.replace(fold=0):
        raise NonexistentLocalTime(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.key} (the clocks jump forward that night); "
            "choose a time outside the daylight-saving gap"
        )
    second = naive.replace(tzinfo=zone, fold=1)
    offset = first.utcoffset()
    if offset is not None and offset != second.utcoffset():
        return LocalTimeResult(
            first.astimezone(timezone(offset)),
            f"{naive:%Y-%m-%d %H:%M} occurs twice in {zone.key} (the clocks go back that night); "
            f"taken as the first, {first.isoformat(timespec='minutes')}; "
            f"write \"{second.isoformat(timespec='minutes')}\" if the second is meant",
        )
    return LocalTimeResult(first)


def to_unix(moment: datetime) -> int:
    """Seconds since the epoch, as Moodle stores times; refuses naive datetimes, which would silently use the host zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; localize it first")
    return int(moment.timestamp())
