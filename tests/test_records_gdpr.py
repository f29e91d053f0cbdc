"""Data protection: export everything about a person, forget them without losing anonymous aggregates, purge old runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import String, Text, func, select

from lms_sync.records.errors import PersonNotFound
from lms_sync.records.gdpr import months_before
from lms_sync.records.schema import enrolments, feedback_answers, feedback_responses, metadata, people
from lms_sync.records.store import RecordsStore
from tests.records_samples import ANNA, LUKAS, course_snapshot, participants

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def _text_columns_containing(store: RecordsStore, needle: str) -> list[str]:
    """Every table.column whose stored text contains `needle` (case-insensitive), across the whole database."""
    found = []
    with store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for column in table.c:
                if isinstance(column.type, (String, Text)):
                    hits = connection.scalar(
                        select(func.count()).where(func.lower(column).contains(needle.lower())).select_from(table)
                    )
                    if hits:
                        found.append(f"{table.name}.{column.name}")
    return found


def _answer_count(store: RecordsStore) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(feedback_answers)).scalar_one()


def test_export_contains_the_persons_enrolments_completion_responses_and_ratings(records_store: RecordsStore) -> None:
    records_store.upsert_people(participants())
    records_store.replace_course_snapshot(course_snapshot())

    exported = json.loads(json.dumps(records_store.export_person("ANNA.Schmidt@example.org")))

    assert exported["person"]["email"] == ANNA
    assert exported["person"]["organisation"] == "Bezirksamt Mitte"
    assert exported["moodle_accounts"] == [{"site_url": "https://moodle.example.org", "moodle_user_id": 5}]
    assert [(e["course_idnumber"], e["roles"]) for e in exported["enrolments"]] == [("bip-kvz-2026-01", "student")]
    assert exported["course_completion"][0]["completed"] is True
    assert {a["cmid"] for a in exported["activity_completion"]} == {7, 9}
    (response,) = exported["feedback_responses"]
    assert response["feedback"] == "Evaluation des Workshops"
    assert [a["text_value"] for a in response["answers"]] == [None, "Der Teil zum Haushaltsrecht war mir zu knapp."]
    assert exported["competency_ratings"][0]["evidence_note"] == "Moderation der Konfliktübung"


def test_export_of_an_anonymous_respondent_contains_no_anonymous_answer(records_store: RecordsStore) -> None:
    records_store.replace_course_snapshot(course_snapshot())
    exported = json.dumps(records_store.export_person(LUKAS), ensure_ascii=False)
    assert "Zwischenfeedback" not in exported
    assert "rechtlichen Grundlagen" not in exported


def test_forget_removes_every_trace_of_the_person_and_keeps_anonymous_aggregates(records_store: RecordsStore) -> None:
    records_store.upsert_people(participants())
    records_store.replace_course_snapshot(course_snapshot())
    answers_before = _answer_count(records_store)
    assert _text_columns_containing(records_store, ANNA) == ["people.email"]

    counts = records_store.forget_person(ANNA)

    assert counts["people"] == 1
    assert counts["feedback_responses_unlinked"] == 1
    assert counts["enrolments"] == 1 and counts["competency_ratings"] == 1
    assert _text_columns_containing(records_store, ANNA) == []
    assert _text_columns_containing(records_store, "Schmidt") == []
    assert _text_columns_containing(records_store, "Bezirksamt") == []
    assert _answer_count(records_store) == answers_before
    with records_store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).where(feedback_responses.c.person_id.is_(None))) == 3
    with pytest.raises(PersonNotFound):
        records_store.export_person(ANNA)


def test_plan_ratings_are_exported_with_the_plan_and_forgotten_with_the_person(records_store: RecordsStore) -> None:
    records_store.upsert_people(participants())
    snapshot = course_snapshot()
    anna = snapshot.competency_ratings[0]
    # Plan names are written by the person or the adviser and may well name the person.
    in_plan = anna.model_copy(update={"plan_id": 77, "plan_name": "Lernplan Anna S.", "rating": 4, "evidence_note": ""})
    records_store.replace_course_snapshot(
        snapshot.model_copy(update={"competency_ratings": (*snapshot.competency_ratings, in_plan)}))

    exported = records_store.export_person(ANNA)["competency_ratings"]
    assert sorted((e["plan_moodle_id"] or 0, e["plan_name"], e["rating"], e["course_idnumber"]) for e in exported) == [
        (0, "", 3, "bip-kvz-2026-01"), (77, "Lernplan Anna S.", 4, "bip-kvz-2026-01")]

    assert records_store.forget_person(ANNA)["competency_ratings"] == 2
    assert _text_columns_containing(records_store, "Lernplan Anna") == []


def test_a_re_pull_after_forget_does_not_bring_the_person_back(records_store: RecordsStore) -> None:
    records_store.replace_course_snapshot(course_snapshot())
    records_store.forget_person(ANNA)

    counts = records_store.replace_course_snapshot(course_snapshot())

    assert counts.changed == 0
    assert _text_columns_containing(records_store, ANNA) == []


def test_forgetting_an_unknown_person_is_a_clear_error(records_store: RecordsStore) -> None:
    with pytest.raises(PersonNotFound, match="no person"):
        records_store.forget_person("nobody@example.org")


def test_retention_purge_removes_personal_data_of_old_runs_only(records_store: RecordsStore) -> None:
    records_store.upsert_people(participants())
    old_course = course_snapshot()  # ended 2026-03-20
    recent = course_snapshot(course_id=4, idnumber="bip-kvz-2026-09", run_id="kvz-2026-09", enddate=1790000000)
    records_store.replace_course_snapshot(old_course)
    # Only Anna takes part in the recent run.
    records_store.replace_course_snapshot(
        recent.model_copy(update={"users": recent.users[:1], "completions": (), "feedback": (), "competency_ratings": ()})
    )
    answers_before = _answer_count(records_store)

    assert records_store.purge_older_than(12, now=NOW)["enrolments"] == 0
    counts = records_store.purge_older_than(6, now=NOW)

    assert counts["enrolments"] == 3
    assert counts["feedback_responses_unlinked"] == 2
    assert _answer_count(records_store) == answers_before
    with records_store.engine.connect() as connection:
        remaining = connection.scalars(select(people.c.email).order_by(people.c.email)).all()
        enrolled = connection.scalar(select(func.count()).select_from(enrolments))
        linked = connection.scalar(select(func.count()).where(feedback_responses.c.person_id.is_not(None)))
    # Anna still has the recent run; Lukas and the trainer had only the old one.
    assert remaining == [ANNA]
    assert enrolled == 1
    assert linked == 0


def test_zero_retention_keeps_everything(records_store: RecordsStore) -> None:
    records_store.replace_course_snapshot(course_snapshot())
    assert records_store.purge_older_than(0, now=NOW) == {}


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 11, 25, tzinfo=UTC), 6, datetime(2026, 5, 25, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
    ],
)
def test_months_before_counts_calendar_months(moment: datetime, months: int, expected: datetime) -> None:
    assert months_before(moment, months) == expected
