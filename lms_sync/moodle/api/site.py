"""The site itself: its release (core_webservice_get_site_info), its default and forced time zone (tool_mobile_get_config).

Values come back as strings; "99" in a user's time zone means "the site's default".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import Call
from lms_sync.moodle.functions import SITE_INFO

LOCATION_SETTINGS = "tool_mobile_get_config"


def info() -> Call:
    return SITE_INFO, {}


@dataclass(frozen=True)
class SiteInfo:
    sitename: str
    siteurl: str
    release: str
    """"5.0.6 (Build: …)"; "" when Moodle does not say"""
    version: str
    username: str
    """the token's user"""
    userissiteadmin: bool
    functions: frozenset[str]
    """the functions the token's service allows"""


def info_from(answer: Any) -> SiteInfo:
    answer = answer or {}
    return SiteInfo(sitename=str(answer.get("sitename") or ""), siteurl=str(answer.get("siteurl") or ""),
                    release=str(answer.get("release") or ""), version=str(answer.get("version") or ""),
                    username=str(answer.get("username") or ""), userissiteadmin=bool(answer.get("userissiteadmin")),
                    functions=frozenset(str(f.get("name")) for f in answer.get("functions") or []))


def release_from(answer: Any) -> str | None:
    """The release ("5.0.6 (Build: …)") of an `info` answer; None when Moodle does not say."""
    return info_from(answer).release or None


def location_settings() -> Call:
    return LOCATION_SETTINGS, {"section": "locationsettings"}


def time_zones_from(answer: dict[str, Any]) -> tuple[str, str]:
    """(default time zone, forced time zone or "") from a tool_mobile_get_config answer."""
    settings = {str(s.get("name")): str(s.get("value") or "") for s in answer.get("settings", [])}
    forced = settings.get("forcetimezone", "")
    return settings.get("timezone", ""), "" if forced in ("", "99") else forced
