"""How to read Moodle's answer fields: the quirks every reader of web-service answers shares.

Moodle returns formatted names (course, group, forum, discussion) HTML-escaped; `text` gives the plain text.
"""

from __future__ import annotations

import html
from typing import Any


def text(value: Any) -> str:
    """Moodle returns formatted names HTML-escaped (`&amp;`); compare them as the plain text they are."""
    return html.unescape(str(value or "")).strip()
