"""`check`: what the site is, who the token belongs to, and which lms-sync commands its service can run.

Compares the token's allowed functions with `lms_sync.moodle.functions`, the single list of what each command calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lms_sync.moodle.api import site
from lms_sync.moodle.api.calls import ask
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.functions import FUNCTIONS_BY_COMMAND, OPTIONAL_FUNCTIONS
from lms_sync.trainer_rights import trainer_rights

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
    site_timezone: str = ""
    """the site's default time zone ("" when it could not be read)"""
    forced_timezone: str = ""
    catalogue_timezone: str = ""
    trainer_rights: str = ""
    """what Moodle says about the trainers' rights on the evaluation ("" when not asked)"""
    trainer_rights_warning: bool = False

    @property
    def timezone_warning(self) -> str | None:
        """What participants see when the site's zone is not the catalogue's, or None when they agree."""
        shown = self.forced_timezone or self.site_timezone
        if not shown or not self.catalogue_timezone or shown == self.catalogue_timezone:
            return None
        if self.forced_timezone:
            return (f"the site forces the time zone {shown}: everybody sees session times in {shown}, not in the "
                    f"catalogue's {self.catalogue_timezone}")
        return (f"the site's default time zone is {shown}, the catalogue's {self.catalogue_timezone}: accounts lms-sync "
                f"creates get {self.catalogue_timezone}, but every other user on the site default sees session times "
                f"and due dates in {shown}, and dates push moves keep their time of day in {shown} (Site "
                f"administration › Location › Location settings › Default timezone)")

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
            "timezone": {"site": self.site_timezone, "forced": self.forced_timezone,
                         "catalogue": self.catalogue_timezone, "warning": self.timezone_warning},
            "trainer_rights": {"finding": self.trainer_rights, "warning": self.trainer_rights_warning},
        }


def _is_supported(release: str) -> bool:
    match = re.match(r"(\d+)\.(\d+)", release)
    return match is not None and (int(match.group(1)), int(match.group(2))) >= (4, 5)


def check_site(client: MoodleClient, catalogue_timezone: str = "", run_courses: Sequence[str] = (),
               teacher_role_id: int = 3) -> CheckReport:
    """One site-information call, compared with every function lms-sync's commands need; with
    the mobile app's config read in the service also the site's time zone, compared with `catalogue_timezone`;
    with `run_courses` (idnumbers) what Moodle says about the rights of their trainers on the evaluation."""
    info = site.info_from(ask(client, site.info()))
    allowed = info.functions
    zones = ("", "")
    if site.LOCATION_SETTINGS in allowed:
        zones = site.time_zones_from(ask(client, site.location_settings()))
    missing = {
        command: sorted(set(names) - allowed)
        for command, names in FUNCTIONS_BY_COMMAND.items()
        if set(names) - allowed
    }
    release = info.release
    report = CheckReport(
        site_name=info.sitename,
        site_url=info.siteurl or client.url,
        release=release,
        version=info.version,
        username=info.username,
        is_site_admin=info.userissiteadmin,
        missing_by_command=missing,
        missing_optional={name: why for name, why in OPTIONAL_FUNCTIONS.items() if name not in allowed},
        supported_release=_is_supported(release),
        site_timezone=zones[0],
        forced_timezone=zones[1],
        catalogue_timezone=catalogue_timezone,
    )
    if run_courses and not missing.get("plan"):
        report.trainer_rights, report.trainer_rights_warning = trainer_rights(client, run_courses, teacher_role_id)
    return report
