"""The fake's core_enrol_get_enrolled_users_with_capability: several courses and capabilities in one call, users as
core_enrol_get_enrolled_users describes them, filtered by capability, activity and fields, and Moodle's refusals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleError, MoodleInputError
from tests.fake_moodle import MOODLE_VERSIONS, FakeMoodle

pytestmark = pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
WITH_CAPABILITY = "core_enrol_get_enrolled_users_with_capability"


@dataclass(frozen=True)
class Site:
    first: int
    second: int
    anna: int  # student in both courses, group A of the first
    bert: int  # student of the first course, enrolment suspended
    carla: int  # editing teacher of the first course


@pytest.fixture
def site(fake_moodle: FakeMoodle) -> Site:
    first = fake_moodle.add_course("Beteiligung konkret", "BK-1")
    second = fake_moodle.add_course("Moderation", "MOD-1")
    anna = fake_moodle.add_user("anna", "Anna", "Schmidt")
    bert = fake_moodle.add_user("bert", "Bert", "Meier")
    carla = fake_moodle.add_user("carla", "Carla", "Trainerin")
    fake_moodle.enrol(carla.id, first.id, "editingteacher")
    fake_moodle.enrol(anna.id, first.id)
    fake_moodle.enrol(bert.id, first.id, suspended=True)
    fake_moodle.enrol(anna.id, second.id)
    fake_moodle.add_group(first.id, "Gruppe A", members=[anna.id])
    return Site(first.id, second.id, anna.id, bert.id, carla.id)


def _ids(entry: dict[str, object]) -> list[int]:
    return [user["id"] for user in entry["users"]]  # type: ignore[attr-defined]


def test_one_entry_per_course_and_capability_in_the_order_asked(moodle_client: MoodleClient, site: Site) -> None:
    answer = moodle_client.call(WITH_CAPABILITY, coursecapabilities=[
        {"courseid": site.first, "capabilities": ["", "mod/feedback:complete"]},
        {"courseid": site.second, "capabilities": [""]},
    ])

    assert [(e["courseid"], e["capability"]) for e in answer] == [
        (site.first, ""), (site.first, "mod/feedback:complete"), (site.second, "")]
    assert _ids(answer[0]) == sorted([site.anna, site.bert, site.carla])
    assert _ids(answer[1]) == [site.anna, site.bert]
    assert _ids(answer[2]) == [site.anna]


def test_an_empty_capability_lists_every_enrolled_user_as_get_enrolled_users_does(
    moodle_client: MoodleClient, site: Site
) -> None:
    [entry] = moodle_client.call(WITH_CAPABILITY, coursecapabilities=[{"courseid": site.first, "capabilities": [""]}])

    assert entry["users"] == moodle_client.call("core_enrol_get_enrolled_users", courseid=site.first)
    anna = next(user for user in entry["users"] if user["id"] == site.anna)
    assert [r["shortname"] for r in anna["roles"]] == ["student"]
    assert [g["name"] for g in anna["groups"]] == ["Gruppe A"]
    assert {c["shortname"] for c in anna["enrolledcourses"]} == {"BK-1", "MOD-1"}
    carla = next(user for user in entry["users"] if user["id"] == site.carla)
    assert [r["shortname"] for r in carla["roles"]] == ["editingteacher"]
    assert "groups" not in carla


def test_a_capability_keeps_only_the_roles_holding_it(moodle_client: MoodleClient, site: Site) -> None:
    students, editors = moodle_client.call(WITH_CAPABILITY, coursecapabilities=[
        {"courseid": site.first, "capabilities": ["mod/feedback:complete", "moodle/course:update"]}])

    assert {r["shortname"] for user in students["users"] for r in user["roles"]} == {"student"}
    assert _ids(editors) == [site.carla]


def test_onlyactive_drops_suspended_enrolments(moodle_client: MoodleClient, site: Site) -> None:
    [entry] = moodle_client.call(WITH_CAPABILITY, coursecapabilities=[{"courseid": site.first, "capabilities": [""]}],
                                 options=[{"name": "onlyactive", "value": 1}])

    assert site.bert not in _ids(entry)
    assert _ids(entry) == sorted([site.anna, site.carla])


def test_userfields_limits_the_fields_but_keeps_id_and_fullname(moodle_client: MoodleClient, site: Site) -> None:
    [entry] = moodle_client.call(WITH_CAPABILITY, coursecapabilities=[{"courseid": site.first, "capabilities": [""]}],
                                 options=[{"name": "userfields", "value": "email,roles"}])

    assert {frozenset(user) for user in entry["users"]} == {frozenset({"id", "fullname", "email", "roles"})}


def test_limitnumber_counts_per_course_and_capability(moodle_client: MoodleClient, site: Site) -> None:
    answer = moodle_client.call(WITH_CAPABILITY, coursecapabilities=[
        {"courseid": site.first, "capabilities": ["", "mod/feedback:complete"]},
        {"courseid": site.second, "capabilities": [""]},
    ], options=[{"name": "limitfrom", "value": 1}, {"name": "limitnumber", "value": 1}])

    assert [_ids(entry) for entry in answer] == [[sorted([site.anna, site.bert, site.carla])[1]], [site.bert], []]


def test_no_courses_is_an_invalid_parameter(fake_moodle: FakeMoodle, moodle_client: MoodleClient, site: Site) -> None:
    with pytest.raises(MoodleInputError) as caught:
        moodle_client.call(WITH_CAPABILITY, coursecapabilities=[])
    assert caught.value.errorcode == "invalidparameter"

    # a batched call can send the empty list itself; Moodle's function then refuses it
    answer = moodle_client.call("tool_mobile_call_external_functions", requests=[
        {"function": WITH_CAPABILITY, "arguments": json.dumps({"coursecapabilities": []})}])
    [response] = answer["responses"]
    assert response["error"] is True
    assert json.loads(response["exception"])["errorcode"] == "invalidparameter"


def test_an_unknown_course_fails_the_call_as_get_enrolled_users_does(moodle_client: MoodleClient, site: Site) -> None:
    with pytest.raises(MoodleError) as caught:
        moodle_client.call(WITH_CAPABILITY, coursecapabilities=[{"courseid": site.first, "capabilities": [""]},
                                                                {"courseid": 999, "capabilities": [""]}])
    with pytest.raises(MoodleError) as single:
        moodle_client.call("core_enrol_get_enrolled_users", courseid=999)

    assert caught.value.exception == "dml_missing_record_exception"
    assert (caught.value.errorcode, caught.value.message) == (single.value.errorcode, single.value.message)


@pytest.mark.parametrize("capability", ["not a capability", "moodle/course", "Moodle/Course:View", "mod/feedback:"])
def test_a_malformed_capability_is_an_invalid_parameter(fake_moodle: FakeMoodle, moodle_client: MoodleClient,
                                                        site: Site, capability: str) -> None:
    fake_moodle.debug = True

    with pytest.raises(MoodleInputError) as caught:
        moodle_client.call(WITH_CAPABILITY, coursecapabilities=[{"courseid": site.first, "capabilities": [capability]}])

    assert caught.value.errorcode == "invalidparameter"
    assert f'the value is "{capability}", the server was expecting "capability" type' in str(caught.value.debuginfo)


def test_a_well_formed_capability_the_fake_has_no_roles_for_lists_everyone_with_a_role(
    moodle_client: MoodleClient, site: Site
) -> None:
    [entry] = moodle_client.call(WITH_CAPABILITY, coursecapabilities=[
        {"courseid": site.second, "capabilities": ["moodle/course:viewparticipants"]}])

    assert entry["capability"] == "moodle/course:viewparticipants"
    assert _ids(entry) == [site.anna]
