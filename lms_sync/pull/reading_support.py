"""What the pull's reading modules share: the `Skip` callback for data left out, one-line reasons, Moodle times.

Notes name the record and the field or rule that failed, so an admin can find it in Moodle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

Skip = Callable[[str], None]
"""Called with one line for each record or value the pull leaves out; the caller logs and counts it."""


def reason(error: Exception) -> str:
    """Why a record could not be read, in one line."""
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, d['loc'])) or 'value'}: {d['msg']}" for d in error.errors())
    if isinstance(error, KeyError):
        return f"missing field {error}"
    return str(error)


def whole_number(value: Any) -> int:
    """Moodle's integer fields as int; absent or unreadable ones as 0, which Moodle itself uses for "none"."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def moodle_time(value: Any) -> datetime | None:
    """Unix seconds as an aware datetime; Moodle's 0 (and anything unreadable) means "never"."""
    seconds = whole_number(value)
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None
