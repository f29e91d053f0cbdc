"""The jinja2 environment for lms-sync's own texts (starter config, plan and summary output, reports).

Course templates have their own per-folder environment in `lms_sync.templates`; this one serves `lms_sync/text/`.
"""

from __future__ import annotations

import difflib
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def field_diff(name: str, old: Any, new: Any, *, context_lines: int = 0, most: int = 12) -> list[str]:
    """A field change as a person reads it: `old → new` for short values, changed lines for long texts."""
    if name.endswith("date") and isinstance(old, int) and isinstance(new, int):
        return [f"{_moment(old)} → {_moment(new)}"]
    if isinstance(old, str) and isinstance(new, str) and ("\n" in old + new or len(old) + len(new) > 100):
        lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=context_lines)
        changed = [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        return changed[:most] + ([f"… {len(changed) - most} more changed lines"] if len(changed) > most else [])
    return [f"{json.dumps(old, ensure_ascii=False)} → {json.dumps(new, ensure_ascii=False)}"]


def _moment(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC") if timestamp else "(none)"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lms_sync", "text"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "xml", "svg"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["field_diff"] = field_diff
    return env


def render_text(name: str, **context: Any) -> str:
    """Render `lms_sync/text/<name>` with `context`; HTML templates are autoescaped, text ones are not."""
    return environment().get_template(name).render(**context)
