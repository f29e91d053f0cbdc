"""The jinja2 environment of the report templates in `lms_sync/reports/html/`, with German number and date filters.

Autoescape is always on: every template here is HTML and free-text answers are untrusted input.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from lms_sync.reports import charts


def german_decimal(value: float | None, places: int = 1) -> str:
    """4.25 -> "4,3"; None -> "–" (no answers)."""
    return "–" if value is None else f"{value:.{places}f}".replace(".", ",")


def german_percent(fraction: float | None) -> str:
    """0.75 -> "75 %"; None -> "–" (nobody enrolled)."""
    return "–" if fraction is None else f"{round(fraction * 100)} %"


@pass_context
def german_date(context: Context, moment: datetime | None) -> str:
    """A stored UTC time as the institute's local date, 18.03.2026; "–" when unknown."""
    if moment is None:
        return "–"
    timezone: ZoneInfo = context["timezone"]
    return moment.astimezone(timezone).strftime("%d.%m.%Y")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lms_sync.reports", "html"),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(decimal=german_decimal, percent=german_percent, date=german_date)
    env.globals["charts"] = charts
    return env


def render_report(name: str, timezone: ZoneInfo, **context: Any) -> str:
    """Render `lms_sync/reports/html/<name>`; dates are shown in `timezone`."""
    return environment().get_template(name).render(timezone=timezone, **context)
