"""Users: core_user_get_users_by_field and core_user_create_users (all-or-nothing, Moodle's checks).

Values are matched exactly, as Moodle's get_records_list does (on PostgreSQL email case matters; on MySQL it
would not — lms-sync must not rely on either).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import invalid_parameter, moodle_exception
from tests.fake_moodle.handlers.common import user_details
from tests.fake_moodle.state import User

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_AUTH_PLUGINS = {"manual", "nologin", "email", "ldap", "oauth2", "saml2", "shibboleth", "cas", "db", "lti"}
_PASSWORD_RULES = (
    (lambda p: len(p) >= 8, "<div>Passwords must be at least 8 characters long.</div>"),
    (lambda p: re.search(r"\d", p), "<div>Passwords must have at least 1 digit(s).</div>"),
    (lambda p: re.search(r"[A-Z]", p), "<div>Passwords must have at least 1 upper case letter(s).</div>"),
    (lambda p: re.search(r"[^a-zA-Z0-9]", p),
     "<div>The password must have at least 1 special character(s) such as *, -, or #.</div>"),
)


def _admin_fields(user: User) -> dict[str, Any]:
    return {"auth": user.auth, "suspended": user.suspended, "confirmed": user.confirmed, "lang": user.lang,
            "theme": "", "timezone": user.timezone, "mailformat": 1, "trackforums": 0}


def _described(fake: FakeMoodle, users: list[User]) -> list[dict[str, Any]]:
    """Users as Moodle describes them to this caller (admins also see the identity fields)."""
    return [user_details(fake, user) | (_admin_fields(user) if fake.is_admin() else {}) for user in users]


def get_users_by_field(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    field, values = params["field"], params["values"]
    if field not in ("id", "idnumber", "username", "email"):
        raise invalid_parameter(f"The search field '{field}' is not supported, look at the web service documentation")
    if field == "email":
        for value in values:
            if not _EMAIL.fullmatch(value):
                raise invalid_parameter(f"The field 'email' value is invalid: {value}(cleaned value: )")
    wanted = set(values)
    found = [u for u in sorted(fake.site.users.values(), key=lambda u: u.id)
             if not u.deleted and str(getattr(u, field)) in wanted]
    return _described(fake, found)


def create_users(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    created = []
    for wanted in params["users"]:
        username = wanted["username"]
        if any(u.username == username and not u.deleted for u in fake.site.users.values()):
            raise invalid_parameter(f"Username already exists: {username}")
        if wanted["auth"] not in _AUTH_PLUGINS:
            raise invalid_parameter(f"Invalid authentication type: {wanted['auth']}")
        email = wanted["email"]
        if not _EMAIL.fullmatch(email):
            raise invalid_parameter(f"Email address is invalid: {email}")
        if not fake.allow_accounts_same_email and any(
            u.email.lower() == email.lower() and not u.deleted for u in fake.site.users.values()
        ):
            raise invalid_parameter(f"Email address already exists: {email}")
        password = wanted.get("password", "")
        broken = "".join(message for rule, message in _PASSWORD_RULES if not rule(password))
        if wanted["auth"] == "manual" and not wanted.get("createpassword") and broken:
            raise moodle_exception(broken, f"error/{broken}")
        user = User(
            fake.site.new_id("user"), username, wanted["firstname"], wanted["lastname"], email,
            auth=wanted["auth"], idnumber=wanted["idnumber"], city=wanted.get("city", ""),
            country=wanted.get("country", ""), lang=wanted["lang"], timezone=wanted.get("timezone", "99"),
            description=wanted.get("description"),
        )
        fake.site.users[user.id] = user
        created.append({"id": user.id, "username": user.username})
    return created


def get_users(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    """Criteria are ANDed; `email` is a case-insensitive SQL LIKE, as in Moodle (so `_` and `%` are wildcards)."""
    found = [u for u in sorted(fake.site.users.values(), key=lambda u: u.id) if not u.deleted]
    for criterion in params["criteria"]:
        key, value = criterion["key"], str(criterion["value"]).strip()
        if key == "email":
            pattern = re.compile("".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in value),
                                 re.IGNORECASE)
            found = [u for u in found if pattern.fullmatch(u.email)]
        elif key in ("id", "idnumber", "username", "firstname", "lastname", "auth"):
            found = [u for u in found if str(getattr(u, key)) == value]
        else:
            raise invalid_parameter(f"invalid parameter: {key}")
    return {"users": _described(fake, found), "warnings": []}


HANDLERS = {"core_user_get_users_by_field": get_users_by_field, "core_user_get_users": get_users,
            "core_user_create_users": create_users}
