"""Moodle's recorded write answers (both versions) read by the typed writes of `moodle.api`: what push uses of them —
the ids of what was created and the warnings about refused items — comes typed, in the order the items were sent."""

from __future__ import annotations

from typing import Any

import pytest

from lms_sync.moodle.api import calendar, competencies, courses, groups, people
from lms_sync.moodle.api.calls import ArrayWrite, send_array
from lms_sync.moodle.api.groups import Group
from lms_sync.moodle.api.warnings import AnswerWarning
from tests.contract import VERSIONS, needs_shared, recordings

pytestmark = needs_shared


@pytest.fixture(params=VERSIONS)
def recorded(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {r.name.split("-", 1)[0]: r for r in recordings(request.param)}


def _read(write: ArrayWrite[Any], recorded: dict[str, Any], number: str) -> Any:
    recording = recorded[number]
    assert recording.wsfunction == write.wsfunction and recording.outcome == "ok"
    return write.answer(recording.response)


def test_creates_answer_the_new_ids_in_the_order_sent(recorded: dict[str, Any]) -> None:
    assert _read(courses.CREATE_COURSES, recorded, "009") == [4]
    assert _read(people.CREATE_USERS, recorded, "032") == [18, 19]
    assert _read(groups.CREATE_GROUPS, recorded, "042") == [
        Group(id=3, name="Gruppe C – Nachrücker", idnumber="kvz-2026-01-c", courseid=3)]
    # Not recorded; Moodle's documented answer, the same shape as the course create's: [{"id", "name"}].
    assert courses.CREATE_CATEGORIES.answer([{"id": "7", "name": "Workshops 2027"}]) == [7]


def test_a_refused_course_update_is_a_warning_naming_the_course(recorded: dict[str, Any]) -> None:
    assert _read(courses.UPDATE_COURSES, recorded, "012") == []
    assert _read(courses.UPDATE_COURSES, recorded, "013") == [
        AnswerWarning("Short name is already used for another course (KVZ-2026-01) [shortnametaken]", course_id=4)]


def test_event_creates_answer_warnings_and_the_rest_nothing(recorded: dict[str, Any]) -> None:
    assert _read(calendar.CREATE_EVENTS, recorded, "048") == []
    assert calendar.CREATE_EVENTS.answer({"events": [], "warnings": [
        {"item": "Präsenztag 1", "warningcode": "nopermissions", "message": "you do not have permissions"}]}) == [
        AnswerWarning("you do not have permissions [nopermissions]", course_id=0)]
    assert _read(people.ENROL, recorded, "036") is None
    assert _read(groups.ADD_MEMBERS, recorded, "044") is None


def test_competency_creates_answer_the_created_record(recorded: dict[str, Any]) -> None:
    assert competencies.framework_from(recorded["052"].response).id == 1
    competency = competencies.competency_from(recorded["053"].response)
    assert (competency.id, competency.idnumber, competency.frameworkid) == (1, "bip-k-beteiligung", 1)


def test_send_array_sends_the_items_under_the_list_key_and_reads_the_answer() -> None:
    sent: list[tuple[str, bool, dict[str, Any]]] = []

    class Client:
        def call(self, wsfunction: str, *, repeat_safe: bool = False, **params: Any) -> Any:
            sent.append((wsfunction, repeat_safe, params))
            return {"warnings": []}

    client: Any = Client()
    assert send_array(client, courses.SET_IDNUMBER, [{"id": 4, "idnumber": "bp"}]) == []
    assert sent == [("core_course_update_courses", True, {"courses": [{"id": 4, "idnumber": "bp"}]})]
