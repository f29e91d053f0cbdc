"""Moodle's REST XML format (`moodlewsrestformat` absent or `xml`): results and exceptions, as server.php prints them.

Follows webservice/rest/locallib.php: xmlize_result walks the return description, not the value.
"""

from __future__ import annotations

from html import escape
from typing import Any

from tests.fake_moodle.errors import MoodleException

_HEADER = '<?xml version="1.0" encoding="UTF-8" ?>\n'


def _text(value: str) -> str:
    # htmlspecialchars(ENT_COMPAT): double quotes escaped, single quotes kept
    return escape(value, quote=False).replace('"', "&quot;")


def _xmlize(value: Any, description: dict[str, Any] | None) -> str:
    if description is None:
        return ""
    if "list_of" in description:
        inner = "".join(_xmlize(item, description["list_of"]) for item in value or [])
        return f"<MULTIPLE>\n{inner}</MULTIPLE>\n"
    if "object" in description:
        # every declared key is printed; an absent optional one as null, as xmlize_result() does
        keys = "".join(
            f'<KEY name="{key}">{_xmlize((value or {}).get(key), sub)}</KEY>\n'
            for key, sub in description["object"].items()
        )
        return f"<SINGLE>\n{keys}</SINGLE>\n"
    if value is None:
        return '<VALUE null="null"/>\n'
    if isinstance(value, bool):
        value = int(value)
    return f"<VALUE>{_text(str(value))}</VALUE>\n"


def xml_result(value: Any, description: dict[str, Any] | None) -> str:
    return f"{_HEADER}<RESPONSE>\n{_xmlize(value, description)}</RESPONSE>\n"


def xml_exception(error: MoodleException, debug: bool) -> str:
    payload = error.payload(debug)
    parts = [f'<EXCEPTION class="{payload["exception"]}">\n']
    if "errorcode" in payload:
        parts.append(f"<ERRORCODE>{_text(payload['errorcode'])}</ERRORCODE>\n")
    parts.append(f"<MESSAGE>{_text(payload['message'])}</MESSAGE>\n")
    if "debuginfo" in payload:
        parts.append(f"<DEBUGINFO>{_text(payload['debuginfo'])}</DEBUGINFO>\n")
    parts.append("</EXCEPTION>\n")
    return _HEADER + "".join(parts)
