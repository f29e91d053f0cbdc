"""The jinja2 environment for lms-sync's own texts (starter config, plan and summary output, reports).

Course templates have their own per-folder environment in `lms_sync.templates`; this one serves `lms_sync/text/`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("lms_sync", "text"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "xml", "svg"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_text(name: str, **context: Any) -> str:
    """Render `lms_sync/text/<name>` with `context`; HTML templates are autoescaped, text ones are not."""
    return environment().get_template(name).render(**context)
