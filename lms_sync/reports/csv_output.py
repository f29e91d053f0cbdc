"""CSV text shared by the reports: UTF-8 with a byte-order mark so spreadsheet programs show umlauts correctly.

Numbers use a decimal point and dates ISO 8601, so the files load unchanged into analysis tools. A text cell that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

CSV_ENCODING = "utf-8-sig"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def iso_date(moment: datetime | None, timezone: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(timezone).date().isoformat()


def number(value: float | None, places: int = 3) -> str:
    """A rounded number in plain decimal notation without trailing zeros (1234567, 0.667); empty when there is none."""
    if value is None:
        return ""
    text = f"{round(value, places):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def inert(cell: object) -> object:
    """`cell` as a spreadsheet shows it without running it: formula-like text behind an apostrophe.

    A plain negative number (-0.5, as `number` writes it) stays a number: it cannot call anything.
    """
    if isinstance(cell, str) and cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([inert(cell) for cell in header])
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return buffer.getvalue()
