"""The site itself: its release (core_webservice_get_site_info), its default and forced time zone (tool_mobile_get_config).

Values come back as strings; "99" in a user's time zone means "the site's default".
"""

from __future__ import annotations

from typing import Any

from lms_sync.moodle.api.calls import Call
from lms_sync.moodle.functions import SITE_INFO

LOCATION_SETTINGS = "tool_mobile_get_config"


def info() -> Call:
    return SITE_INFO, {}


def release_from(answer: Any) -> str | None:
    """The release ("5.0.6 (Build: …)") of an `info` answer; None when Moodle does not say."""
    release = (answer or {}).get("release")
    return str(release) if release else None


def location_settings() -> Call:
    return LOCATION_SETTINGS, {"section": "locationsettings"}


def time_zones_from(answer: dict[str, Any]) -> tuple[str, str]:
    """(default time zone, forced time zone or "") from a tool_mobile_get_config answer."""
    settings = {str(s.get("name")): str(s.get("value") or "") for s in answer.get("settings", [])}
    forced = settings.get("forcetimezone", "")
    return settings.get("timezone", ""), "" if forced in ("", "99") else forced
