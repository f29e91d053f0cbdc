"""Enrolments: enrol_manual_enrol_users (idempotent), enrol_manual_unenrol_users, core_enrol_get_enrolled_users and
get_enrolled_users_with_capability (one listing underneath), core_enrol_get_course_enrolment_methods (no manual ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fake_moodle import operations
from tests.fake_moodle.errors import MoodleException, invalid_parameter, moodle_exception
from tests.fake_moodle.handlers.common import format_string, get_course, get_user, option_map, role_entry, user_details
from tests.fake_moodle.state import EDITING_TEACHER, ROLES, STUDENT, TEACHER, Course

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

# Which roles hold a capability (the default archetype permissions); other well-formed ones: any role.
_CAPABILITY_ROLES = {
    "mod/feedback:complete": {STUDENT},
    "mod/assign:submit": {STUDENT},
    "mod/forum:replypost": {STUDENT, TEACHER, EDITING_TEACHER},
    "moodle/course:update": {EDITING_TEACHER},
    "mod/feedback:viewreports": {TEACHER, EDITING_TEACHER},
    "mod/feedback:edititems": {EDITING_TEACHER},
    "mod/feedback:deletesubmissions": {EDITING_TEACHER},
    "moodle/competency:coursecompetencygradable": {STUDENT},
}
_TYPE_ERROR_45 = (
    "core\\user::get_name_placeholders(): Argument #1 ($user) must be of type stdClass, bool given, "
    "called in [dirroot]/lib/enrollib.php on line 3674"
)


def enrol_users(fake: FakeMoodle, params: dict[str, Any]) -> None:
    for wanted in params["enrolments"]:
        if wanted["roleid"] not in fake.site.site_roles:
            raise moodle_exception("wsusercannotassign",
                                   "You don't have the permission to assign this role to this user in this course.")
        get_course(fake, wanted["courseid"])
        if fake.site.manual_instance(wanted["courseid"]) is None:
            raise moodle_exception("wsnoinstance",
                                   "Manual enrolment plugin instance doesn't exist or is disabled for the course")
        user = fake.site.users.get(wanted["userid"])
        if user is None and fake.version == "4.5":
            raise MoodleException("TypeError", None, _TYPE_ERROR_45)
        get_user(fake, wanted["userid"])
        operations.enrol_user(fake.site, wanted["courseid"], wanted["userid"], wanted["roleid"],
                              timestart=wanted.get("timestart", 0), timeend=wanted.get("timeend", 0),
                              suspend=bool(wanted.get("suspend", 0)))


def unenrol_users(fake: FakeMoodle, params: dict[str, Any]) -> None:
    for wanted in params["enrolments"]:
        get_course(fake, wanted["courseid"])
        get_user(fake, wanted["userid"])
        operations.unenrol_user(fake.site, wanted["courseid"], wanted["userid"])


def _active(fake: FakeMoodle, courseid: int, userid: int) -> bool:
    enrolment = fake.site.enrolment(courseid, userid)
    return enrolment is not None and operations.is_active_enrolment(enrolment)


def _enrolled_courses(fake: FakeMoodle, userid: int) -> list[dict[str, Any]]:
    courses = []
    for enrolment in fake.site.user_enrolments.values():
        instance = fake.site.enrol_instances[enrolment.enrolid]
        if enrolment.userid == userid and operations.is_active_enrolment(enrolment):
            course = fake.site.courses[instance.courseid]
            courses.append({"id": course.id, "fullname": format_string(course.fullname),
                            "shortname": format_string(course.shortname)})
    return sorted(courses, key=lambda c: -c["id"])  # newer courses sort first in a category, as in Moodle


@dataclass(frozen=True)
class _Listing:
    """The options both enrolled-user functions read the same way (core_enrol_external parses each alike)."""

    groupid: int = 0
    onlyactive: bool = False
    fields: tuple[str, ...] = ()
    limitfrom: int = 0
    limitnumber: int = 0

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> _Listing:
        return cls(
            groupid=int(options.get("groupid") or 0),
            onlyactive=options.get("onlyactive") not in (None, "", "0", 0, False),  # PHP's !empty()
            fields=tuple(f.strip() for f in str(options.get("userfields", "")).split(",") if f.strip()),
            limitfrom=int(options.get("limitfrom") or 0), limitnumber=int(options.get("limitnumber") or 0),
        )


def _enrolled_userids(fake: FakeMoodle, courseid: int, capability: str, listing: _Listing) -> list[int]:
    """get_enrolled_sql(): an empty capability means no capability filter, so every enrolled user."""
    userids = fake.site.enrolled_userids(courseid)
    if capability:
        holders = _CAPABILITY_ROLES.get(capability, set(ROLES))
        userids = [u for u in userids if holders & set(fake.site.roles_in(courseid, u))]
    if listing.groupid:
        group = fake.site.groups.get(listing.groupid)
        userids = [u for u in userids if group is not None and u in group.members]
    if listing.onlyactive:
        userids = [u for u in userids if _active(fake, courseid, u)]
    end = listing.limitfrom + listing.limitnumber if listing.limitnumber else None
    return userids[listing.limitfrom:end]


def _enrolled_user(fake: FakeMoodle, courseid: int, userid: int, fields: tuple[str, ...]) -> dict[str, Any]:
    """user_get_user_details() in a course: groups, roles, enrolled courses; `fields` always keeps id and fullname."""
    record = user_details(fake, fake.site.users[userid])
    record["lastcourseaccess"] = 0
    groups = fake.site.user_groups(courseid, userid)
    if groups:
        record["groups"] = [{"id": g.id, "name": format_string(g.name), "description": g.description,
                             "descriptionformat": g.descriptionformat} for g in sorted(groups, key=lambda g: g.id)]
    record["roles"] = [role_entry(r) for r in fake.site.roles_in(courseid, userid)]
    enrolled = _enrolled_courses(fake, userid)
    if enrolled:
        record["enrolledcourses"] = enrolled
    if fields:
        record = {key: value for key, value in record.items() if key in {"id", "fullname", *fields}}
    return record


def _enrolled_users(fake: FakeMoodle, course: Course, capability: str, listing: _Listing) -> list[dict[str, Any]]:
    return [_enrolled_user(fake, course.id, userid, listing.fields)
            for userid in _enrolled_userids(fake, course.id, capability, listing)]


def get_enrolled_users(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    course = get_course(fake, params["courseid"])
    options = option_map(params["options"])
    return _enrolled_users(fake, course, str(options.get("withcapability", "")), _Listing.from_options(options))


def get_enrolled_users_with_capability(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per course and capability, users ordered by id; limitnumber counts per course and capability."""
    if not params["coursecapabilities"]:
        raise invalid_parameter("Parameter can not be empty")
    listing = _Listing.from_options(option_map(params["options"]))
    result = []
    for wanted in params["coursecapabilities"]:
        course = get_course(fake, wanted["courseid"])
        result += [{"courseid": course.id, "capability": capability,
                    "users": _enrolled_users(fake, course, capability, listing)}
                   for capability in wanted["capabilities"]]
    return result


def get_course_enrolment_methods(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    course = get_course(fake, params["courseid"])
    return [
        {"id": e.id, "courseid": course.id, "type": e.enrol, "name": e.enrol.capitalize(), "status": str(e.status),
         "wsfunction": f"enrol_{e.enrol}_get_instance_info"}
        for e in fake.site.enrol_instances.values() if e.courseid == course.id and e.enrol in ("self", "guest")
    ]


HANDLERS = {
    "enrol_manual_enrol_users": enrol_users,
    "enrol_manual_unenrol_users": unenrol_users,
    "core_enrol_get_enrolled_users": get_enrolled_users,
    "core_enrol_get_enrolled_users_with_capability": get_enrolled_users_with_capability,
    "core_enrol_get_course_enrolment_methods": get_course_enrolment_methods,
}
