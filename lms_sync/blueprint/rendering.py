"""The jinja2 environment for the blueprint's own files: backup XML (xml/), HTML snippets and console text (text/).

XML and HTML are autoescaped; console text (`*.txt.j2`) is not, so names print as they are.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

# Characters XML 1.0 cannot carry at all, not even escaped; a stray one would make restore fail to parse the file.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _without_illegal_characters(value: Any) -> Any:
    if isinstance(value, Markup):  # already-escaped output of a macro: keep it marked safe
        return Markup(_XML_ILLEGAL.sub("", value))
    return _XML_ILLEGAL.sub("", value) if isinstance(value, str) else value


@cache
def blueprint_environment() -> Environment:
    return Environment(
        loader=ChoiceLoader([PackageLoader("lms_sync.blueprint", "xml"), PackageLoader("lms_sync.blueprint", "text")]),
        autoescape=select_autoescape(enabled_extensions=("xml.j2", "html.j2"), disabled_extensions=("txt.j2",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_without_illegal_characters,
    )


def render_blueprint_text(name: str, **context: Any) -> str:
    """Render `text/<name>` (console output or an HTML snippet) from the blueprint package."""
    return blueprint_environment().get_template(name).render(**context)
