"""Groups: core_group_create_groups (unique names per course, all-or-nothing), core_group_get_course_groups,
core_group_get_groups (by ids), core_group_add_group_members (only enrolled users), core_group_delete_groups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import invalid_parameter, missing, must_exist
from tests.fake_moodle.handlers.common import get_course
from tests.fake_moodle.state import Group

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle


def group_record(group: Group) -> dict[str, Any]:
    return {"id": group.id, "courseid": group.courseid, "name": group.name, "description": group.description,
            "descriptionformat": group.descriptionformat, "enrolmentkey": group.enrolmentkey,
            "idnumber": group.idnumber, "visibility": group.visibility, "participation": group.participation}


def create_groups(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    created = []
    for wanted in params["groups"]:
        get_course(fake, wanted["courseid"])
        siblings = [g for g in fake.site.groups.values() if g.courseid == wanted["courseid"]]
        if any(g.name == wanted["name"] for g in siblings):
            raise invalid_parameter("Group with the same name already exists in the course")
        idnumber = wanted.get("idnumber", "")
        if idnumber and any(g.idnumber == idnumber for g in siblings):
            raise invalid_parameter("Group with the same idnumber already exists in the course")
        group = Group(fake.site.new_id("groups"), wanted["courseid"], wanted["name"], idnumber,
                      wanted["description"], wanted["descriptionformat"], wanted.get("enrolmentkey"),
                      wanted.get("visibility", 0), bool(wanted.get("participation", True)))
        fake.site.groups[group.id] = group
        # the answer echoes the request, so an unset key comes back as "" (get_course_groups then says null)
        created.append({**group_record(group), "enrolmentkey": wanted.get("enrolmentkey", "")})
    return created


def get_course_groups(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    course = get_course(fake, params["courseid"])
    return [group_record(g) for g in sorted(fake.site.groups.values(), key=lambda g: g.id) if g.courseid == course.id]


def get_groups(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    """core_group_external::get_groups: each id must exist (MUST_EXIST), in the order asked."""
    return [group_record(_group(fake, groupid)) for groupid in params["groupids"]]


def _group(fake: FakeMoodle, groupid: int) -> Group:
    return must_exist(fake.site.groups, "groups", groupid, Group)


def add_group_members(fake: FakeMoodle, params: dict[str, Any]) -> None:
    for member in params["members"]:
        group = _group(fake, member["groupid"])
        user = fake.site.users.get(member["userid"])
        if user is None or user.deleted:
            raise missing("user", "SELECT * FROM {user} WHERE id = ? AND deleted = ? AND mnethostid = ?",
                          member["userid"], 0, "1", errorcode="invaliduser", message="Invalid user")
        if not fake.site.is_enrolled(group.courseid, user.id):
            raise invalid_parameter("Only enrolled users may be members of groups")
        group.members.add(user.id)


def delete_groups(fake: FakeMoodle, params: dict[str, Any]) -> None:
    """Moodle loads every group with MUST_EXIST inside one transaction: an unknown id deletes nothing."""
    for group_id in params["groupids"]:
        _group(fake, group_id)
    for group_id in params["groupids"]:
        del fake.site.groups[group_id]
    return None


HANDLERS = {
    "core_group_create_groups": create_groups,
    "core_group_delete_groups": delete_groups,
    "core_group_get_course_groups": get_course_groups,
    "core_group_get_groups": get_groups,
    "core_group_add_group_members": add_group_members,
}
