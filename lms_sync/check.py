"""`check`: what the site is, who the token belongs to, and which lms-sync commands its service can run.

Compares the token's allowed functions with `lms_sync.moodle.functions`, the single list of what each command calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.functions import FUNCTIONS_BY_COMMAND, OPTIONAL_FUNCTIONS, SITE_INFO

SUPPORTED_RELEASES = "4.5 LTS and 5.x"


@dataclass
class CheckReport:
    site_name: str
    site_url: str
    release: str
    version: str
    username: str
    is_site_admin: bool
    missing_by_command: dict[str, list[str]] = field(default_factory=dict)
    missing_optional: dict[str, str] = field(default_factory=dict)
    supported_release: bool = True

    @property
    def ok(self) -> bool:
        return not self.missing_by_command

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "site": {"name": self.site_name, "url": self.site_url, "release": self.release, "version": self.version,
                     "supported_release": self.supported_release},
            "user": {"username": self.username, "is_site_admin": self.is_site_admin},
            "missing_functions": self.missing_by_command,
            "missing_optional_functions": self.missing_optional,
        }


def _is_supported(release: str) -> bool:
    match = re.match(r"(\d+)\.(\d+)", release)
    return match is not None and (int(match.group(1)), int(match.group(2))) >= (4, 5)


def check_site(client: MoodleClient) -> CheckReport:
    """One site-information call, compared with every function lms-sync's commands need."""
    info = client.call(SITE_INFO)
    allowed = {entry["name"] for entry in info.get("functions", [])}
    missing = {
        command: sorted(set(names) - allowed)
        for command, names in FUNCTIONS_BY_COMMAND.items()
        if set(names) - allowed
    }
    release = str(info.get("release", ""))
    return CheckReport(
        site_name=str(info.get("sitename", "")),
        site_url=str(info.get("siteurl", client.url)),
        release=release,
        version=str(info.get("version", "")),
        username=str(info.get("username", "")),
        is_site_admin=bool(info.get("userissiteadmin", False)),
        missing_by_command=missing,
        missing_optional={name: why for name, why in OPTIONAL_FUNCTIONS.items() if name not in allowed},
        supported_release=_is_supported(release),
    )
