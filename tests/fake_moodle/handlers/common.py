"""Helpers the handler areas share: Moodle's text formatting, URLs, MUST_EXIST lookups, user details.

Kept here so every area renders a course, a user or a URL the same way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import missing, must_exist
from tests.fake_moodle.state import ROLES, Course, User

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

_BARE_AMPERSAND = re.compile(r"&(?!#?\w+;)")
THEME_REV = 1795594134


def format_string(text: str | None) -> str:
    """Moodle's format_string() for plain names: a bare `&` becomes `&amp;` (entities stay as they are)."""
    return _BARE_AMPERSAND.sub("&amp;", text or "")


def option_map(options: list[dict[str, Any]]) -> dict[str, Any]:
    """`options[i][name]` / `options[i][value]` pairs as a dict."""
    return {option["name"]: option["value"] for option in options}


def truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def image_url(fake: FakeMoodle, component: str, image: str) -> str:
    return f"{fake.url}/theme/image.php?theme=boost&component={component}&rev={THEME_REV}&image={image}"


def user_picture(fake: FakeMoodle, small: bool = False) -> str:
    return image_url(fake, "core", "u%2Ff2" if small else "u%2Ff1")


def get_course(fake: FakeMoodle, courseid: int) -> Course:
    return must_exist(fake.site.courses, "course", courseid, Course)


def get_user(fake: FakeMoodle, userid: int) -> User:
    user = fake.site.users.get(userid)
    if user is None or user.deleted:
        raise missing("user", "SELECT * FROM {user} WHERE id = ?", userid, errorcode="invaliduser",
                      message="Invalid user")
    return user


def user_details(fake: FakeMoodle, user: User) -> dict[str, Any]:
    """user_get_user_details(): optional profile fields appear only when set, as on a real site."""
    details: dict[str, Any] = {
        "id": user.id, "username": user.username, "firstname": user.firstname, "lastname": user.lastname,
        "fullname": user.fullname, "email": user.email, "department": user.department,
    }
    if user.institution:
        details["institution"] = user.institution
    if user.idnumber:
        details["idnumber"] = user.idnumber
    details.update(firstaccess=user.firstaccess, lastaccess=user.lastaccess)
    if user.description is not None:
        details.update(description=user.description, descriptionformat=1)
    if user.city:
        details["city"] = user.city
    if user.country:
        details["country"] = user.country
    details.update(profileimageurlsmall=user_picture(fake, small=True), profileimageurl=user_picture(fake))
    return details


def role_entry(roleid: int) -> dict[str, Any]:
    return {"roleid": roleid, "name": "", "shortname": ROLES.get(roleid, f"role{roleid}"), "sortorder": 0}
