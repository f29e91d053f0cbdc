"""Reading Moodle's recorded answers (both versions) through `moodle.api` into snapshot objects: typed answers, scales,
anonymity, skips."""

from __future__ import annotations

from typing import Any

import pytest

from lms_sync.moodle.api import completion, people
from lms_sync.moodle.api.feedback import Choices, Feedback, feedbacks_from, items_from, page_from
from lms_sync.pull.enrolment_reading import completion_record, enrolled_users, students
from lms_sync.pull.feedback_reading import instrument
from lms_sync.records.snapshot import FeedbackInstrument
from tests.contract import VERSIONS, needs_shared, recordings

pytestmark = needs_shared


def _recorded(version: str) -> dict[str, Any]:
    return {r.name.split("-", 1)[0]: r.response for r in recordings(version)}


@pytest.fixture(params=VERSIONS)
def recorded(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _recorded(request.param)


def _feedback(recorded: dict[str, Any], feedback_id: int) -> Feedback:
    return next(f for f in feedbacks_from(recorded["057"])[0] if f.id == feedback_id)


def _instrument(feedback: Feedback | dict[str, Any], items: list[dict[str, Any]], pages: list[dict[str, Any]],
                skip: Any) -> FeedbackInstrument | None:
    """What the pull makes of Moodle's answers: parsed by `moodle.api.feedback`, stored by `instrument`."""
    if isinstance(feedback, dict):
        feedback = feedbacks_from({"feedbacks": [feedback]})[0][0]
    return instrument(feedback, items_from({"items": items}, skip), [page_from(page) for page in pages], skip)


def test_rated_answers_are_the_option_values_and_labels_the_option_texts(recorded: dict[str, Any]) -> None:
    notes: list[str] = []
    evaluation = _instrument(_feedback(recorded, 2), recorded["058"]["items"], [recorded["060"]], notes.append)

    assert evaluation is not None and not evaluation.anonymous and notes == []
    satisfaction = next(item for item in evaluation.items if item.label == "zufriedenheit")
    assert (satisfaction.typ, satisfaction.scale_min, satisfaction.scale_max) == ("multichoicerated", 1, 5)
    assert len(evaluation.attempts) == recorded["060"]["totalattempts"] == 7
    by_attempt = {a["id"]: {r["id"]: r for r in a["responses"]} for a in recorded["060"]["attempts"]}
    for attempt in evaluation.attempts:
        assert attempt.user_id is not None and attempt.submitted_at is not None
        answers = {answer.item_id: answer for answer in attempt.answers}
        recorded_answers = by_attempt[attempt.attempt_id]
        assert answers[satisfaction.item_id].numeric_value == float(recorded_answers[satisfaction.item_id]["rawval"])
        assert answers[satisfaction.item_id].text_value == recorded_answers[satisfaction.item_id]["printval"]
        channel = recorded_answers[9]
        assert answers[9].text_value == channel["printval"] and answers[9].numeric_value == float(channel["rawval"])
        free_text = recorded_answers[10]["rawval"]
        assert (answers[10].text_value if 10 in answers else None) == (free_text or None)


def test_rated_value_comes_from_the_presentation_not_the_option_position() -> None:
    items = [{"id": 1, "typ": "multichoicerated", "name": "Wie?", "label": "wie", "position": 1,
              "presentation": "r>>>>>0####gar nicht|5####etwas|10####sehr<<<<<1"}]
    page = {"attempts": [{"id": 7, "userid": 5, "timemodified": 1795593746,
                          "responses": [{"id": 1, "rawval": "3", "printval": "sehr"}]}], "totalattempts": 1}
    found = _instrument({"id": 9, "name": "F", "anonymous": 2}, items, [page], lambda note: None)

    assert found is not None
    assert (found.items[0].scale_min, found.items[0].scale_max) == (0, 10)
    assert found.attempts[0].answers[0].numeric_value == 10
    assert Choices.parse(items[0]["presentation"]).labels == ("gar nicht", "etwas", "sehr")


def test_anonymous_attempts_carry_no_user_even_when_moodle_lists_them_as_named(recorded: dict[str, Any]) -> None:
    anonymous = _feedback(recorded, 3)
    # Answers given while the feedback was still named: Moodle lists them with user ids.
    named_page = {"attempts": [dict(a, id=a["id"] + 100) for a in recorded["060"]["attempts"][:2]]}
    found = _instrument(anonymous, recorded["059"]["items"], [recorded["061"], named_page], lambda note: None)

    assert found is not None and found.anonymous
    assert len(found.attempts) == recorded["061"]["totalanonattempts"] + 2
    assert all(a.anonymous and a.user_id is None and a.attempt_id is None and a.submitted_at is None
               for a in found.attempts)


def test_pages_overlapping_by_one_attempt_store_it_once(recorded: dict[str, Any]) -> None:
    attempts = recorded["060"]["attempts"]
    pages = [{"attempts": attempts[:4]}, {"attempts": attempts[3:]}]
    found = _instrument(_feedback(recorded, 2), recorded["058"]["items"], pages, lambda note: None)

    assert found is not None and len(found.attempts) == len(attempts)


def test_unknown_item_types_and_bad_values_are_skipped_with_a_note(recorded: dict[str, Any]) -> None:
    items = [*recorded["058"]["items"], {"id": 99, "typ": "ranking", "name": "Neu", "position": 6},
             {"id": 98, "typ": "label", "name": "<p>Danke</p>", "position": 7}]
    attempt = dict(recorded["060"]["attempts"][0])
    attempt["responses"] = [dict(r, rawval="9") if r["id"] == 6 else r for r in attempt["responses"]]
    attempt["responses"].append({"id": 99, "rawval": "1", "printval": "x"})
    notes: list[str] = []
    found = _instrument(_feedback(recorded, 2), items, [{"attempts": [attempt]}], notes.append)

    assert found is not None
    assert [item.item_id for item in found.items] == [6, 7, 8, 9, 10]
    assert 6 not in {answer.item_id for answer in found.attempts[0].answers}
    assert len(notes) == 2 and "ranking" in notes[0] and "item 6" in notes[1]


def test_a_feedback_without_responses_is_an_instrument_without_attempts(recorded: dict[str, Any]) -> None:
    found = _instrument(_feedback(recorded, 2), recorded["058"]["items"],
                       [{"attempts": [], "totalattempts": 0, "anonattempts": [], "totalanonattempts": 0}],
                       lambda note: None)
    assert found is not None and found.attempts == () and len(found.items) == 5


def test_enrolled_users_with_roles_groups_and_a_deleted_user_skipped(recorded: dict[str, Any]) -> None:
    deleted = {"id": 99, "username": "deleted", "fullname": " ", "email": "d41d8cd98f00b204e9800998ecf8427e",
               "roles": [], "groups": []}
    notes: list[str] = []
    # The onlyactive listing with userfields=id, shaped like recording 040 (userfields keeps id and fullname).
    active = people.active_ids_from([{"id": 5, "fullname": "Anna Schmidt"}])
    users = enrolled_users(people.members_from([*recorded["039"], deleted], notes.append), active=active)

    assert len(users) == len(recorded["039"]) and len(notes) == 1 and "99" in notes[0]
    anna = next(user for user in users if user.user_id == 5)
    assert (anna.email, anna.roles, anna.groups) == ("anna.schmidt@example.org", ("student",), ("Gruppe A – Verwaltung",))
    assert anna.status == 0 and {user.status for user in users if user.user_id != 5} == {1}
    assert {user.status for user in enrolled_users(people.members_from(recorded["039"], notes.append))} == {None}
    recorded_students = [u["id"] for u in recorded["039"] if any(r["roleid"] == 5 for r in u["roles"])]
    members = people.members_from(recorded["039"], notes.append)
    assert students(members, users, 5) == [5], "Moodle answers usernotenroled for a suspended student's completion"
    unknown = enrolled_users(members)
    assert students(members, unknown, 5) == recorded_students and 15 not in recorded_students
    assert students(members, unknown, 3) == [u["id"] for u in recorded["039"] if any(r["roleid"] == 3 for r in u["roles"])]


def test_completion_from_course_and_activity_status(recorded: dict[str, Any]) -> None:
    done = completion_record(5, completion.course_completion_from(recorded["068"]),
                             completion.activity_states_from(recorded["071"], lambda note: None))
    open_ = completion_record(14, completion.course_completion_from(recorded["069"]), [])

    assert done.completed and done.timecompleted is not None
    assert {(a.cmid, a.modname, a.state) for a in done.activities} >= {(10, "feedback", 1), (9, "assign", 0)}
    assert not open_.completed and open_.timecompleted is None


def test_an_anonymous_attempt_is_read_without_its_user_whatever_moodle_sends() -> None:
    page = page_from({"anonattempts": [{"id": 4, "number": 2, "userid": 7, "timemodified": 1795593746,
                                        "responses": [{"id": 1, "rawval": 3}]}], "totalanonattempts": "1"})

    assert [(a.anonymous, a.userid, a.timemodified, a.responses) for a in page.attempts] == [
        (True, 0, 0, ((1, "3"),))]
    assert page.total == 1


def test_unreadable_records_are_skipped_with_a_note_naming_them() -> None:
    notes: list[str] = []
    states = completion.activity_states_from({"statuses": [{"cmid": "x"}, {"cmid": 3, "state": 1},
                                                           {"cmid": 4, "tracking": 0}]}, notes.append)
    members = people.members_from([{"email": "a@example.org"}, {"id": 8, "email": "b@example.org"}], notes.append)

    assert [s.cmid for s in states] == [3] and [m.id for m in members] == [8]
    assert notes == ["unreadable status (invalid literal for int() with base 10: 'x')",
                     "enrolled user ? not stored (deleted or hidden in Moodle?): missing field 'id'"]
