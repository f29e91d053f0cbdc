"""Stateful behaviour of the fake site that push and pull depend on: imports, batched reads, feedback anonymity,
completion, competencies, and the 4.5-vs-5.0 differences the contract README lists.
"""

from __future__ import annotations

import json

import pytest

from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleError
from tests.fake_moodle import MOODLE_VERSIONS, FakeMoodle, rated_presentation

BATCH = "tool_mobile_call_external_functions"


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_import_into_a_new_course_brings_sections_activities_and_a_second_news_forum(
    contract_moodle: FakeMoodle, moodle_client: MoodleClient
) -> None:
    [new] = moodle_client.call("core_course_create_courses",
                               courses=[{"fullname": "Neu", "shortname": "NEU", "categoryid": 2}])

    moodle_client.call("core_course_import_course", importfrom=2, importto=new["id"], deletecontent=0)

    sections = moodle_client.call("core_course_get_contents", courseid=new["id"])
    assert [s["name"] for s in sections][1:] == ["Einführung &amp; Kennenlernen",
                                                 "Grundlagen der kommunalen Selbstverwaltung",
                                                 "Bürgerbeteiligung in der Praxis", "Evaluation &amp; Abschluss"]
    assert [m["name"] for m in sections[0]["modules"]] == ["Announcements", "Ankündigungen"]
    forums = moodle_client.call("mod_forum_get_forums_by_courses", courseids=[new["id"]])
    assert sorted(f["type"] for f in forums) == ["general", "news", "news"]
    [feedback] = moodle_client.call("mod_feedback_get_feedbacks_by_courses", courseids=[new["id"]])["feedbacks"]
    assert len(moodle_client.call("mod_feedback_get_items", feedbackid=feedback["id"])["items"]) == 5


def test_batched_reads_answer_each_call_and_stop_at_the_first_error(
    contract_moodle: FakeMoodle, moodle_client: MoodleClient
) -> None:
    requests = [
        {"function": "core_course_get_courses_by_field", "arguments": json.dumps({"field": "id", "value": "3"})},
        {"function": "core_course_get_contents", "arguments": json.dumps({"courseid": 999999})},
        {"function": "core_webservice_get_site_info", "arguments": "{}"},
    ]

    answer = moodle_client.call(BATCH, requests=requests)

    first, second = answer["responses"]
    assert json.loads(first["data"])["courses"][0]["shortname"] == "KVZ-2026-01"
    assert second["error"] is True and json.loads(second["exception"])["errorcode"] == "invalidrecordunknown"
    assert contract_moodle.calls["core_course_get_courses_by_field"] == 1
    assert contract_moodle.calls["core_webservice_get_site_info"] == 0


def test_batched_call_outside_the_service_is_an_access_exception(
    contract_moodle: FakeMoodle, moodle_client: MoodleClient
) -> None:
    contract_moodle.allowed_functions.discard("core_course_get_contents")

    [answer] = moodle_client.call(BATCH, requests=[{"function": "core_course_get_contents",
                                                    "arguments": json.dumps({"courseid": 3})}])["responses"]

    assert json.loads(answer["exception"])["errorcode"] == "accessexception"


def test_client_read_many_goes_through_the_batch_function(contract_moodle: FakeMoodle,
                                                          moodle_client: MoodleClient) -> None:
    results = moodle_client.read_many([("core_group_get_course_groups", {"courseid": 3}),
                                       ("core_enrol_get_enrolled_users", {"courseid": 3})])

    assert [g["idnumber"] for g in results[0]] == ["kvz-2026-01-a", "kvz-2026-01-b"]
    assert len(results[1]) == 12
    assert contract_moodle.calls[BATCH] == 1


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_anonymous_feedback_has_no_user_data_and_no_non_respondents(
    contract_moodle: FakeMoodle, moodle_client: MoodleClient
) -> None:
    analysis = moodle_client.call("mod_feedback_get_responses_analysis", feedbackid=3)

    assert analysis["attempts"] == [] and analysis["totalanonattempts"] == 5
    assert all(set(a) == {"id", "courseid", "number", "responses"} for a in analysis["anonattempts"])
    with pytest.raises(MoodleError) as caught:
        moodle_client.call("mod_feedback_get_non_respondents", feedbackid=3)
    assert caught.value.errorcode == "anonymous"


def test_named_feedback_pages_and_analysis_count_answers(contract_moodle: FakeMoodle,
                                                         moodle_client: MoodleClient) -> None:
    pages = [moodle_client.call("mod_feedback_get_responses_analysis", feedbackid=2, page=page, perpage=3)
             for page in range(3)]
    analysis = moodle_client.call("mod_feedback_get_analysis", feedbackid=2)

    assert [len(p["attempts"]) for p in pages] == [3, 3, 1] and pages[0]["totalattempts"] == 7
    satisfaction = [json.loads(entry) for entry in analysis["itemsdata"][0]["data"]]
    assert [entry["answercount"] for entry in satisfaction] == [0, 1, 1, 3, 2]
    respondents = {a["userid"] for p in pages for a in p["attempts"]}
    assert respondents == set(range(5, 12))


def test_built_feedback_and_attempts(fake_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    course = fake_moodle.add_course("Kurs", "K")
    feedback = fake_moodle.add_feedback(course.id, "Evaluation", anonymous=False, items=[
        {"name": "Wie war es?", "label": "gesamt", "presentation": rated_presentation()},
        {"name": "Was noch?", "label": "text", "typ": "textarea", "presentation": "40|5", "required": False},
    ])
    user = fake_moodle.add_user("anna", "Anna", "Schmidt")
    fake_moodle.enrol(user.id, course.id)
    fake_moodle.add_feedback_attempt(feedback.id, {"gesamt": 4, "text": "Gut"}, userid=user.id)

    [attempt] = moodle_client.call("mod_feedback_get_responses_analysis", feedbackid=feedback.id)["attempts"]

    assert attempt["userid"] == user.id
    assert [(r["rawval"], r["printval"]) for r in attempt["responses"]] == [("4", "trifft eher zu"), ("Gut", "Gut")]


def test_completion_and_not_enrolled(contract_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    done = moodle_client.call("core_completion_get_course_completion_status", courseid=3, userid=5)
    open_ = moodle_client.call("core_completion_get_course_completion_status", courseid=3, userid=14)

    assert done["completionstatus"]["completed"] is True
    assert open_["completionstatus"]["completed"] is False
    with pytest.raises(MoodleError) as caught:
        moodle_client.call("core_completion_get_course_completion_status", courseid=2, userid=14)
    assert caught.value.errorcode == "usernotenroled"


def test_competency_framework_and_course_links(fake_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    course = fake_moodle.add_course("Kurs", "K")
    framework = moodle_client.call("core_competency_create_competency_framework", competencyframework={
        "shortname": "Rahmen", "idnumber": "rahmen", "scaleid": 2, "contextid": 1,
        "scaleconfiguration": '[{"scaleid":"2"},{"id":1,"scaledefault":1,"proficient":1}]'})
    competency = moodle_client.call("core_competency_create_competency", competency={
        "shortname": "Vertrauen", "idnumber": "k-vertrauen", "competencyframeworkid": framework["id"]})

    assert moodle_client.call("core_competency_add_competency_to_course", courseid=course.id,
                              competencyid=competency["id"]) is True
    assert moodle_client.call("core_competency_add_competency_to_course", courseid=course.id,
                              competencyid=competency["id"]) is False
    [link] = moodle_client.call("core_competency_list_course_competencies", id=course.id)
    assert link["competency"]["idnumber"] == "k-vertrauen"
    listed = moodle_client.call("core_competency_list_competencies",
                                filters=[{"column": "idnumber", "value": "k-vertrauen"}])
    assert [c["id"] for c in listed] == [competency["id"]]
    with pytest.raises(MoodleError):
        moodle_client.call("core_competency_create_competency_framework", competencyframework={
            "shortname": "Doppelt", "idnumber": "rahmen", "scaleid": 2, "contextid": 1,
            "scaleconfiguration": "[]"})


def test_calendar_events_by_course(fake_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    course = fake_moodle.add_course("Kurs", "K")
    moodle_client.call("core_calendar_create_calendar_events", events=[
        {"name": "Tag 1", "courseid": course.id, "eventtype": "course", "timestart": 1000, "timeduration": 60},
        {"name": "Tag 2", "courseid": course.id, "eventtype": "course", "timestart": 5000}])

    found = moodle_client.call("core_calendar_get_calendar_events", events={"courseids": [course.id]},
                               options={"timestart": 0, "timeend": 2000, "userevents": 0, "siteevents": 0})

    assert [e["name"] for e in found["events"]] == ["Tag 1"]


def test_version_differences(httpx_mock: object) -> None:
    old, new = FakeMoodle.contract_site("4.5"), FakeMoodle.contract_site("5.0")

    assert "core_courseformat_new_module" not in old.handlers and "core_courseformat_new_module" in new.handlers
    assert "nameformat" not in old.call_function("mod_feedback_get_items", {"feedbackid": 2})["items"][0]
    assert "nameformat" in new.call_function("mod_feedback_get_items", {"feedbackid": 2})["items"][0]
    assert "candisplay" not in old.call_function("core_course_get_contents", {"courseid": 3})[0]["modules"][0]
