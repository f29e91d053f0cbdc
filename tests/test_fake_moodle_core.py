"""Behaviour of the fake Moodle that push, pull and sync tests rely on, checked through a real MoodleClient.

All-or-nothing batches, Moodle's error objects, call counting and the service's function list.
"""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleAuthError, MoodleError, MoodleInputError
from tests.fake_moodle import MOODLE_VERSIONS, FakeMoodle


def _course(shortname: str, **extra: object) -> dict[str, object]:
    return {"fullname": f"Kurs {shortname}", "shortname": shortname, "categoryid": 1, **extra}


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_create_courses_is_all_or_nothing(fake_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    moodle_client.call("core_course_create_courses", courses=[_course("A")])

    with pytest.raises(MoodleError) as caught:
        moodle_client.call("core_course_create_courses", courses=[_course("B"), _course("A")])

    assert caught.value.errorcode == "shortnametaken"
    assert "(A)" in caught.value.message
    found = moodle_client.call("core_course_get_courses_by_field", field="shortname", value="B")
    assert found == {"courses": [], "warnings": []}


def test_new_course_has_section_zero_a_news_forum_and_manual_enrolment(moodle_client: MoodleClient) -> None:
    [created] = moodle_client.call("core_course_create_courses", courses=[_course("A", idnumber="run-a")])

    [section] = moodle_client.call("core_course_get_contents", courseid=created["id"])
    [course] = moodle_client.call("core_course_get_courses_by_field", field="idnumber", value="run-a")["courses"]

    assert section["section"] == 0
    assert [(m["modname"], m["name"]) for m in section["modules"]] == [("forum", "Announcements")]
    assert course["enrollmentmethods"] == ["manual"]


def test_names_come_back_html_escaped(moodle_client: MoodleClient) -> None:
    moodle_client.call("core_course_create_courses", courses=[_course("A", fullname="Politik & Verwaltung")])

    [course] = moodle_client.call("core_course_get_courses_by_field", field="shortname", value="A")["courses"]

    assert course["fullname"] == "Politik &amp; Verwaltung"


def test_update_courses_reports_a_taken_shortname_as_warning(fake_moodle: FakeMoodle,
                                                              moodle_client: MoodleClient) -> None:
    first = fake_moodle.add_course("Eins", "ONE")
    fake_moodle.add_course("Zwei", "TWO")

    answer = moodle_client.call("core_course_update_courses", courses=[{"id": first.id, "shortname": "TWO"}])

    assert answer["warnings"][0]["warningcode"] == "shortnametaken"
    assert fake_moodle.site.courses[first.id].shortname == "ONE"


def test_enrol_is_idempotent_and_groups_need_enrolment(fake_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    course = fake_moodle.add_course("Kurs", "K")
    anna = fake_moodle.add_user("anna", "Anna", "Schmidt")
    bert = fake_moodle.add_user("bert", "Bert", "Meier")
    enrolment = {"roleid": 5, "userid": anna.id, "courseid": course.id}

    assert moodle_client.call("enrol_manual_enrol_users", enrolments=[enrolment]) is None
    assert moodle_client.call("enrol_manual_enrol_users", enrolments=[enrolment]) is None
    [group] = moodle_client.call("core_group_create_groups",
                                 groups=[{"courseid": course.id, "name": "A", "description": ""}])
    with pytest.raises(MoodleInputError):
        moodle_client.call("core_group_add_group_members", members=[{"groupid": group["id"], "userid": bert.id}])
    moodle_client.call("core_group_add_group_members", members=[{"groupid": group["id"], "userid": anna.id}])

    [user] = moodle_client.call("core_enrol_get_enrolled_users", courseid=course.id)
    assert user["id"] == anna.id
    assert [g["name"] for g in user["groups"]] == ["A"]
    assert [r["shortname"] for r in user["roles"]] == ["student"]


def test_users_by_email_omits_unknown_and_returns_every_account_sharing_an_email(
    fake_moodle: FakeMoodle, moodle_client: MoodleClient
) -> None:
    fake_moodle.add_user("anna1", "Anna", "Schmidt", "anna@example.org")
    fake_moodle.add_user("anna2", "Anna", "Schmidt", "anna@example.org")

    users = moodle_client.call("core_user_get_users_by_field", field="email",
                               values=["anna@example.org", "nobody@example.org"])

    assert [u["username"] for u in users] == ["anna1", "anna2"]


def test_calls_and_write_calls_are_counted(fake_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    moodle_client.call("core_webservice_get_site_info")
    moodle_client.call("core_course_create_courses", courses=[_course("A")])

    assert fake_moodle.calls["core_webservice_get_site_info"] == 1
    assert fake_moodle.write_calls() == 1
    fake_moodle.reset_counters()
    assert fake_moodle.write_calls() == 0 and fake_moodle.requests == []


def test_site_info_lists_the_allowed_functions(fake_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    fake_moodle.allowed_functions = {"core_webservice_get_site_info", "core_course_get_contents"}

    info = moodle_client.call("core_webservice_get_site_info")

    assert [f["name"] for f in info["functions"]] == ["core_course_get_contents", "core_webservice_get_site_info"]
    with pytest.raises(MoodleAuthError) as caught:
        moodle_client.call("core_course_get_courses_by_field", field="id", value="1")
    assert caught.value.errorcode == "accessexception"


def test_revoked_token_is_refused(fake_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    fake_moodle.revoke_token()

    with pytest.raises(MoodleAuthError) as caught:
        moodle_client.call("core_webservice_get_site_info")

    assert caught.value.errorcode == "invalidtoken"


def test_wrong_parameter_type_is_invalidparameter_with_debuginfo_when_debugging(fake_moodle: FakeMoodle) -> None:
    fake_moodle.debug = True
    client = MoodleClient(fake_moodle.url, SecretStr(fake_moodle.token), sleep=lambda _s: None)

    with pytest.raises(MoodleInputError) as caught:
        client.call("core_course_get_contents", courseid="abc")

    assert caught.value.debuginfo is not None and 'expecting "int" type' in caught.value.debuginfo
