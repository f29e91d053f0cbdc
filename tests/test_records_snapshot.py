"""Writing a pulled course: idempotent upserts by Moodle id, exact change counts, anonymity, one transaction per course."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from lms_sync.records.errors import RecordsWriteError
from lms_sync.records.schema import (
    competency_ratings,
    course_completion,
    enrolments,
    feedback_answers,
    feedback_instruments,
    feedback_responses,
    metadata,
    people,
)
from lms_sync.records.snapshot import (
    ActivityCompletion,
    CompetencyRating,
    CompletionRecord,
    FeedbackAnswer,
    FeedbackAttempt,
)
from lms_sync.records.store import RecordsStore
from tests.records_samples import ANNA, LUKAS, course_snapshot, participants

JOURNAL_TABLES = {"sync_runs", "pull_journal"}


def _row_counts(store: RecordsStore) -> dict[str, int]:
    """Rows per records table (the journal grows with every write by design, so it is left out)."""
    tables = {name: table for name, table in metadata.tables.items() if name not in JOURNAL_TABLES}
    with store.engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(t)).scalar_one() for name, t in tables.items()}


def _enrolment_roles(store: RecordsStore) -> dict[str, str]:
    with store.engine.connect() as connection:
        return dict(connection.execute(select(people.c.email, enrolments.c.roles).join_from(enrolments, people)).all())


def test_second_identical_write_changes_nothing(records_store: RecordsStore) -> None:
    first = records_store.replace_course_snapshot(course_snapshot())
    rows_after_first = _row_counts(records_store)
    second = records_store.replace_course_snapshot(course_snapshot())

    assert first.tables["enrolments"].inserted == 3
    assert first.tables["feedback_answers"].inserted == 6
    assert second.changed == 0
    assert second.tables["feedback_answers"].unchanged == 6
    assert _row_counts(records_store) == rows_after_first


def test_changed_snapshot_updates_only_changed_rows_and_deletes_vanished_ones(records_store: RecordsStore) -> None:
    records_store.replace_course_snapshot(course_snapshot())
    original = course_snapshot()
    anna, _lukas, trainer = original.users
    named, anonymous = original.feedback
    changed_attempt = named.attempts[1].model_copy(update={"answers": (FeedbackAnswer(item_id=6, numeric_value=2),)})
    changed = original.model_copy(
        update={
            # Lukas left the course; Anna moved groups; Lukas's named response stays (he answered before leaving).
            "users": (anna.model_copy(update={"groups": ("Gruppe B – Zivilgesellschaft",)}), trainer),
            "completions": (original.completions[0],),
            "competency_ratings": (original.competency_ratings[0],),
            "feedback": (named.model_copy(update={"attempts": (named.attempts[0], changed_attempt)}), anonymous),
        }
    )

    counts = records_store.replace_course_snapshot(changed)

    assert (counts.tables["enrolments"].updated, counts.tables["enrolments"].deleted) == (1, 1)
    assert counts.tables["enrolments"].unchanged == 1
    assert (counts.tables["course_completion"].deleted, counts.tables["activity_completion"].deleted) == (1, 2)
    assert (counts.tables["feedback_answers"].updated, counts.tables["feedback_answers"].unchanged) == (1, 5)
    assert counts.tables["feedback_responses"].changed == 0
    assert counts.changed == 1 + 1 + 1 + 2 + 1
    assert set(_enrolment_roles(records_store)) == {ANNA, "petra.wagner@example.org"}


def test_anonymous_attempts_are_stored_without_any_link_to_a_person(records_store: RecordsStore) -> None:
    records_store.replace_course_snapshot(course_snapshot())
    with records_store.engine.connect() as connection:
        anonymous_responses = (
            connection.execute(
                select(feedback_responses).join(feedback_instruments).where(feedback_instruments.c.moodle_feedback_id == 3)
            )
            .mappings()
            .all()
        )
        named_links = connection.scalars(
            select(feedback_responses.c.person_id).where(feedback_responses.c.anonymous.is_(False))
        ).all()
    assert len(anonymous_responses) == 2
    assert all(row["person_id"] is None and row["anonymous"] for row in anonymous_responses)
    assert all(person_id is not None for person_id in named_links)
    # Nothing else in these tables could carry an identity: their only person reference is person_id.
    assert {c.name for c in feedback_responses.c} == {
        "id",
        "instrument_id",
        "moodle_attempt_id",
        "person_id",
        "anonymous",
        "submitted_at",
    }
    assert all(row["moodle_attempt_id"] is None and row["submitted_at"] is None for row in anonymous_responses)
    assert {c.name for c in feedback_answers.c} == {"id", "response_id", "item_id", "numeric_value", "text_value"}


def test_the_database_itself_refuses_to_link_an_anonymous_response(records_store: RecordsStore) -> None:
    records_store.replace_course_snapshot(course_snapshot())
    with records_store.engine.connect() as connection:
        instrument_id = connection.scalar(select(feedback_instruments.c.id).where(feedback_instruments.c.moodle_feedback_id == 3))
        person_id = connection.scalar(select(people.c.id).limit(1))
        with pytest.raises(IntegrityError):
            connection.execute(
                insert(feedback_responses).values(
                    instrument_id=instrument_id, moodle_attempt_id=99, person_id=person_id, anonymous=True
                )
            )


@pytest.mark.parametrize("link", [{"user_id": 5}, {"attempt_id": 9}, {"submitted_at": 1773900000}])
def test_an_anonymous_attempt_cannot_carry_a_user_id_or_moodles_attempt_id(link: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="an anonymous attempt carries a user id, Moodle's attempt id or a time"):
        FeedbackAttempt(anonymous=True, **link)


def test_a_rating_may_appear_once_in_the_course_and_once_per_plan_but_never_twice_in_one_place() -> None:
    snapshot = course_snapshot()
    anna = snapshot.competency_ratings[0]
    in_plan = anna.model_copy(update={"plan_id": 77, "plan_name": "Mein Lernplan", "rating": 4})
    assert len(snapshot.model_validate({**snapshot.model_dump(), "competency_ratings": (anna, in_plan)})
               .competency_ratings) == 2
    with pytest.raises(ValidationError, match=r"competency ratings \(user, competency, plan\) appear more than once"):
        snapshot.model_validate({**snapshot.model_dump(), "competency_ratings": (anna, in_plan, in_plan)})
    with pytest.raises(ValidationError, match="names plan 'Mein Lernplan' but has no plan id"):
        CompetencyRating(user_id=5, competency_id=21, plan_name="Mein Lernplan")


def test_failed_write_leaves_the_previous_snapshot_of_that_course_intact(records_store: RecordsStore) -> None:
    records_store.replace_course_snapshot(course_snapshot())
    before = _row_counts(records_store)
    roles_before = _enrolment_roles(records_store)
    original = course_snapshot()
    named, anonymous = original.feedback
    # Data that slipped past validation (model_construct skips it): an answer with no value. The enrolment change
    # and the new attempt are written first, then the database refuses the empty answer and all must roll back.
    empty_answer = FeedbackAnswer.model_construct(item_id=6, numeric_value=None, text_value=None)
    bad_attempt = FeedbackAttempt(attempt_id=40, anonymous=False, user_id=5).model_copy(update={"answers": (empty_answer,)})
    bad = original.model_copy(
        update={
            "users": (original.users[0].model_copy(update={"roles": ("student", "teacher")}), *original.users[1:]),
            "feedback": (named.model_copy(update={"attempts": (*named.attempts, bad_attempt)}), anonymous),
        }
    )

    with pytest.raises(RecordsWriteError, match="previous records are intact"):
        records_store.replace_course_snapshot(bad, sync_run_id=records_store.start_sync_run("pull"))

    assert _row_counts(records_store) == before
    assert _enrolment_roles(records_store) == roles_before
    other = course_snapshot(course_id=4, idnumber="bip-kvz-2026-02").model_copy(update={"feedback": ()})
    other_course = records_store.replace_course_snapshot(other)
    assert other_course.tables["enrolments"].inserted == 3
    failed_run = records_store.get_sync_run(records_store.list_sync_runs(1)[0].id)
    assert failed_run is not None
    (failed_pull,) = failed_run.pulls
    assert failed_pull.course_idnumber == "bip-kvz-2026-01"
    assert failed_pull.error is not None and "has_value" in failed_pull.error


def test_competency_ratings_are_stored_only_for_people_who_opted_in(records_store: RecordsStore) -> None:
    records_store.upsert_people(participants())
    counts = records_store.replace_course_snapshot(course_snapshot())
    with records_store.engine.connect() as connection:
        rated = connection.scalars(select(people.c.email).join_from(competency_ratings, people)).all()
    assert rated == [ANNA]
    assert counts.ratings_skipped_without_opt_in == 1


def test_people_are_linked_by_email_and_catalogue_names_win(records_store: RecordsStore) -> None:
    records_store.upsert_people(participants())
    counts = records_store.replace_course_snapshot(course_snapshot())
    with records_store.engine.connect() as connection:
        stored = dict(connection.execute(select(people.c.email, people.c.organisation)).all())
        completed = connection.scalar(select(func.count()).select_from(course_completion))
    # Anna's Moodle address is mixed case; she is still the catalogue's Anna, with the catalogue's organisation.
    assert counts.tables["people"].inserted == 1
    assert stored[ANNA] == "Bezirksamt Mitte"
    assert stored[LUKAS] == "Stadtteilverein Nord"
    assert completed == 2


def test_upsert_people_updates_changed_participants_only(records_store: RecordsStore) -> None:
    assert records_store.upsert_people(participants()).inserted == 2
    anna, lukas = participants()
    counts = records_store.upsert_people([anna, lukas.model_copy(update={"consultation_opt_in": True})])
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 1)


def test_moodle_times_are_unix_seconds_and_zero_means_never() -> None:
    record = CompletionRecord.model_validate({"user_id": 5, "completed": False, "timecompleted": 0})
    activity = ActivityCompletion.model_validate({"cmid": 7, "modname": "page", "state": 1, "timecompleted": 1773800000})
    assert record.timecompleted is None
    assert activity.timecompleted == datetime(2026, 3, 18, 2, 13, 20, tzinfo=UTC)
