"""The site's own settings as a web service shows them: its default and forced time zone (tool_mobile_get_config).

Values come back as strings; "99" in a user's time zone means "the site's default".
"""

from __future__ import annotations

from typing import Any

from lms_sync.moodle.api.calls import Call

LOCATION_SETTINGS = "tool_mobile_get_config"


def location_settings() -> Call:
    return LOCATION_SETTINGS, {"section": "locationsettings"}


def time_zones_from(answer: dict[str, Any]) -> tuple[str, str]:
    """(default time zone, forced time zone or "") from a tool_mobile_get_config answer."""
    settings = {str(s.get("name")): str(s.get("value") or "") for s in answer.get("settings", [])}
    forced = settings.get("forcetimezone", "")
    return settings.get("timezone", ""), "" if forced in ("", "99") else forced
