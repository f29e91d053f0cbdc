"""How to read Moodle's answer fields: the quirks every reader of web-service answers shares, and the `Skip` callback.

Moodle returns formatted names HTML-escaped, integers sometimes as strings, and 0 for "none" or "never".
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Mapping
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, TypeVar, get_type_hints

from pydantic import ValidationError

T = TypeVar("T")
Skip = Callable[[str], None]
"""Called with one line for each record or value a reader leaves out; the caller logs and counts it."""


def prefixed(skip: Skip, where: str) -> Skip:
    """`skip` with each note starting with `where` (the record the notes are about)."""
    return lambda note: skip(f"{where}: {note}")


def text(value: Any) -> str:
    """Moodle returns formatted names HTML-escaped (`&amp;`); compare them as the plain text they are."""
    return html.unescape(str(value or "")).strip()


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


def reason(error: Exception) -> str:
    """Why a record could not be read, in one line."""
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, d['loc'])) or 'value'}: {d['msg']}" for d in error.errors())
    if isinstance(error, KeyError):
        return f"missing field {error}"
    return str(error)


def record_of(cls: type[T], record: Mapping[str, Any], *, plain: Collection[str] = ("idnumber",),
              names: Mapping[str, str] | None = None) -> T:
    """The frozen dataclass `cls` from one Moodle record, each field read by its name (`names` maps field to Moodle's).

    `id` must be there (KeyError, ValueError otherwise); an int field Moodle leaves out or garbles is 0, a str field is
    unescaped text (the `plain` ones only stripped: identifiers and HTML that Moodle does not escape).
    """
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for field in fields(cls):  # type: ignore[arg-type]
        value = record.get((names or {}).get(field.name, field.name))
        if field.name == "id":
            values["id"] = int(record["id"])
        elif hints[field.name] is int:
            values[field.name] = whole_number(value)
        elif hints[field.name] is str:
            values[field.name] = str(value or "").strip() if field.name in plain else text(value)
    return cls(**values)
