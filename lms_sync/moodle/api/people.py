"""People and enrolments: accounts by email, who is enrolled with which roles and groups, creating and enrolling.

Moodle 5.0 and 4.5 both offer the per-course listing; the all-courses-at-once function is optional (see `check`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import ArrayWrite, Call, created_ids, no_answer
from lms_sync.moodle.fields import Skip, reason, text, whole_number

ENROLLED_USERS = "core_enrol_get_enrolled_users"
ENROLLED_USERS_OF_COURSES = "core_enrol_get_enrolled_users_with_capability"
USERS_BY_FIELD = "core_user_get_users_by_field"
CREATE_USERS = ArrayWrite("core_user_create_users", "users", created_ids)
ENROL = ArrayWrite("enrol_manual_enrol_users", "enrolments", no_answer, repeat_safe=True)
"""enrolling an enrolled user again only sets the same role and status"""
# Moodle's get_enrolled_sql applies no capability filter for an empty capability: every enrolled user.
_ANY_CAPABILITY = ""
ACTIVE_IDS_ONLY = ({"name": "onlyactive", "value": 1}, {"name": "userfields", "value": "id"})
"""Moodle returns no enrolment status: who is missing from this listing is suspended or outside the enrolment's dates."""


@dataclass(frozen=True)
class User:
    id: int
    email: str
    """lower-cased"""
    username: str
    fullname: str


@dataclass(frozen=True)
class Enrolled:
    """One enrolled user of one course: roles and the groups they are in (id, unescaped name)."""

    courseid: int
    userid: int
    roleids: frozenset[int]
    groups: tuple[tuple[int, str], ...]
    user: User | None
    """the account, when Moodle sent its email"""


@dataclass(frozen=True)
class Member:
    """One user of a course's enrolled-users listing with what the pull keeps of them."""

    id: int
    email: str
    """lower-cased; always an address (a deleted user's hash is none)"""
    firstname: str
    lastname: str
    institution: str
    roles: tuple[str, ...]
    """role shortnames, sorted"""
    roleids: frozenset[int]
    groups: tuple[str, ...]
    """group names (unescaped), sorted"""
    lastaccess: int
    """the course's own last access (`lastcourseaccess`), else the site's; 0 = never"""


def enrolled_users(course_id: int, options: Iterable[dict[str, Any]] = ()) -> Call:
    """One course's enrolled users (`options`: Moodle's onlyactive, userfields, …)."""
    params: dict[str, Any] = {"courseid": course_id}
    if options := list(options):
        params["options"] = options
    return ENROLLED_USERS, params


def enrolled_users_of_courses(course_ids: Sequence[int],
                              capabilities: Mapping[int, Sequence[str]] | None = None) -> list[dict[str, Any]]:
    """The `coursecapabilities` entries of the all-courses-at-once listing (chunk them, then `enrolled_in`): everyone
    enrolled, and in the courses `capabilities` names also who holds each of its capabilities (`holders_from`)."""
    return [{"courseid": i, "capabilities": [_ANY_CAPABILITY, *(capabilities or {}).get(i, ())]} for i in course_ids]


def enrolled_in(chunk: Sequence[dict[str, Any]], options: Sequence[dict[str, Any]]) -> Call:
    return ENROLLED_USERS_OF_COURSES, {"coursecapabilities": list(chunk), "options": list(options)}


def courses_of(call: Call) -> list[int]:
    """The courses a listing of either kind asks about."""
    wsfunction, params = call
    if wsfunction == ENROLLED_USERS_OF_COURSES:
        return [int(entry["courseid"]) for entry in params["coursecapabilities"]]
    return [int(params["courseid"])]


def per_course(call: Call) -> list[Call]:
    """An all-courses-at-once listing as one listing per course: Moodle refuses the whole call for one course it
    will not show (without naming it), so this tells which one."""
    _, params = call
    return [enrolled_in([entry], params["options"]) for entry in params["coursecapabilities"]]


def enrolled_from(call: Call, answer: Any) -> list[Enrolled]:
    """Either listing's answer (per course, or all courses at once) as `Enrolled` entries (the holders of a
    capability asked along are left to `holders_from`)."""
    wsfunction, params = call
    entries = [entry for entry in answer if not entry.get("capability")] if wsfunction == ENROLLED_USERS_OF_COURSES \
        else [{"courseid": params["courseid"], "users": answer}]
    return [Enrolled(courseid=int(entry["courseid"]), userid=int(user["id"]),
                     roleids=frozenset(int(role["roleid"]) for role in user.get("roles", [])),
                     groups=tuple((int(g["id"]), text(g.get("name"))) for g in user.get("groups", [])),
                     user=user_from(user) if user.get("email") else None)
            for entry in entries for user in entry.get("users", [])]


def users_by_email(emails: Sequence[str]) -> Call:
    return USERS_BY_FIELD, {"field": "email", "values": list(emails)}


def users_matching_email(email: str) -> Call:
    """`core_user_get_users` matches email case-insensitively (SQL LIKE): filter the answer to the exact address."""
    return "core_user_get_users", {"criteria": [{"key": "email", "value": email}]}


def user_from(record: dict[str, Any]) -> User:
    return User(id=int(record["id"]), email=str(record.get("email", "")).lower(),
                username=str(record.get("username", "")), fullname=text(record.get("fullname")))


def users_from(answer: Any) -> list[User]:
    """A `users_by_email` answer (a list) or a `users_matching_email` one (`{"users": [...]}`)."""
    records = answer.get("users", []) if isinstance(answer, dict) else answer
    return [user_from(record) for record in records]


def members_from(answer: Any, skip: Skip) -> list[Member]:
    """An `enrolled_users` answer as `Member`s, once each; a record that cannot be read is skipped with a note."""
    members: dict[int, Member] = {}
    for record in answer or []:
        try:
            email = str(record.get("email") or "").strip().lower()
            if "@" not in email:
                raise ValueError(f"{email!r} is not an e-mail address")
            roles = record.get("roles") or []
            member = Member(
                id=int(record["id"]), email=email, firstname=text(record.get("firstname")),
                lastname=text(record.get("lastname")), institution=text(record.get("institution")),
                roles=tuple(sorted({str(role.get("shortname") or "") for role in roles} - {""})),
                roleids=frozenset(whole_number(role.get("roleid")) for role in roles) - {0},
                groups=tuple(sorted({text(group.get("name")) for group in record.get("groups") or []} - {""})),
                lastaccess=whole_number(record.get("lastcourseaccess", record.get("lastaccess"))),
            )
        except (KeyError, TypeError, ValueError) as error:
            skip(f"enrolled user {record.get('id', '?')} not stored (deleted or hidden in Moodle?): {reason(error)}")
            continue
        members[member.id] = member
    return list(members.values())


def active_ids_from(answer: Any) -> set[int]:
    """The ids of an `ACTIVE_IDS_ONLY` listing: users whose enrolment is active now."""
    return {user_id for user_id in (whole_number(record.get("id")) for record in answer or []) if user_id > 0}


def holders_of(course_ids: Sequence[int], capabilities: Sequence[str]) -> Call:
    """Who is enrolled in each course (capability "") and who holds each capability there, with their roles."""
    return enrolled_in(enrolled_users_of_courses(course_ids, dict.fromkeys(course_ids, capabilities)),
                       [{"name": "userfields", "value": "id,roles"}, {"name": "onlyactive", "value": 1}])


def holders_from(answer: Any) -> dict[tuple[int, str], dict[int, frozenset[int]]]:
    """(course id, capability) -> user id -> role ids; capability "" lists everyone enrolled."""
    return {(int(entry["courseid"]), str(entry.get("capability") or "")): {
        int(user["id"]): frozenset(int(role["roleid"]) for role in user.get("roles", []))
        for user in entry.get("users", [])} for entry in answer}
