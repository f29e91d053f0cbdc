"""Enrolments: enrol_manual_enrol_users (idempotent), enrol_manual_unenrol_users, core_enrol_get_enrolled_users,
core_enrol_get_course_enrolment_methods (manual instances are not listed, as on a real site).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_moodle import operations
from tests.fake_moodle.errors import MoodleException, moodle_exception
from tests.fake_moodle.handlers.common import format_string, get_course, get_user, option_map, role_entry, user_details
from tests.fake_moodle.state import EDITING_TEACHER, ROLES, STUDENT, TEACHER

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

# Which roles hold a capability, for `withcapability` (the default archetype permissions).
_CAPABILITY_ROLES = {
    "mod/feedback:complete": {STUDENT},
    "mod/assign:submit": {STUDENT},
    "mod/forum:replypost": {STUDENT, TEACHER, EDITING_TEACHER},
    "moodle/course:update": {EDITING_TEACHER},
    "mod/feedback:viewreports": {TEACHER, EDITING_TEACHER},
    "moodle/competency:coursecompetencygradable": {STUDENT},
}
_TYPE_ERROR_45 = (
    "core\\user::get_name_placeholders(): Argument #1 ($user) must be of type stdClass, bool given, "
    "called in [dirroot]/lib/enrollib.php on line 3674"
)


def enrol_users(fake: FakeMoodle, params: dict[str, Any]) -> None:
    for wanted in params["enrolments"]:
        if wanted["roleid"] not in ROLES:
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


def get_enrolled_users(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    course = get_course(fake, params["courseid"])
    options = option_map(params["options"])
    userids = fake.site.enrolled_userids(course.id)
    if "withcapability" in options:
        holders = _CAPABILITY_ROLES.get(options["withcapability"], set(ROLES))
        userids = [u for u in userids if holders & set(fake.site.roles_in(course.id, u))]
    if "groupid" in options and int(options["groupid"]):
        members = fake.site.groups[int(options["groupid"])].members
        userids = [u for u in userids if u in members]
    if options.get("onlyactive") in ("1", 1, True):
        userids = [u for u in userids if _active(fake, course.id, u)]
    fields = [f.strip() for f in str(options.get("userfields", "")).split(",") if f.strip()]
    start = int(options.get("limitfrom", 0))
    limit = int(options.get("limitnumber", 0))
    userids = userids[start:start + limit] if limit else userids[start:]
    result = []
    for userid in userids:
        user = fake.site.users[userid]
        record = user_details(fake, user)
        record["lastcourseaccess"] = 0
        groups = fake.site.user_groups(course.id, userid)
        if groups:
            record["groups"] = [{"id": g.id, "name": format_string(g.name), "description": g.description,
                                 "descriptionformat": g.descriptionformat} for g in sorted(groups, key=lambda g: g.id)]
        record["roles"] = [role_entry(r) for r in fake.site.roles_in(course.id, userid)]
        enrolled = _enrolled_courses(fake, userid)
        if enrolled:
            record["enrolledcourses"] = enrolled
        if fields:
            record = {key: value for key, value in record.items() if key in {"id", "fullname", *fields}}
        result.append(record)
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
    "core_enrol_get_course_enrolment_methods": get_course_enrolment_methods,
}
