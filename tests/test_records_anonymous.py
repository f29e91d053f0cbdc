"""Anonymous feedback responses hold nothing that joins them to Moodle's feedback_completed rows (whose userid names the
person who answered): no attempt id, number or time, row ids in random order; a re-pull stores no twin; migration
0005 removes what older versions stored."""

from __future__ import annotations

from collections import Counter
from typing import Any

from alembic import command
from sqlalchemy import Connection, inspect, select, text

from lms_sync.records.database import records_engine
from lms_sync.records.migrate import alembic_config
from lms_sync.records.schema import feedback_answers, feedback_instruments, feedback_items, feedback_responses
from lms_sync.records.snapshot import CourseSnapshot, FeedbackAnswer, FeedbackAttempt
from lms_sync.records.store import RecordsStore
from tests.records_samples import ROLES, course_snapshot

# Moodle's feedback_completed ids of the anonymous attempts as versions before 0005 stored them: unlike the records'
# own small row ids, they cannot appear by chance.
MOODLE_ATTEMPT_IDS = range(7001, 7021)


def _with_many_anonymous_answers(snapshot: CourseSnapshot) -> CourseSnapshot:
    """The anonymous feedback answered 20 times, each answer different, so an order would show."""
    named, anonymous = snapshot.feedback
    attempts = tuple(FeedbackAttempt(anonymous=True, answers=(FeedbackAnswer(item_id=13, text_value=f"Antwort {n}"),))
                     for n in range(len(MOODLE_ATTEMPT_IDS)))
    return snapshot.model_copy(update={"feedback": (named, anonymous.model_copy(update={"attempts": attempts}))})


def _anonymous(connection: Connection) -> list[dict[str, Any]]:
    """Every stored anonymous response with its answer texts, by row id."""
    rows = connection.execute(select(feedback_responses).where(feedback_responses.c.anonymous.is_(True))
                              .order_by(feedback_responses.c.id)).mappings().all()
    return [dict(row) | {"texts": sorted(connection.scalars(select(feedback_answers.c.text_value).where(
        feedback_answers.c.response_id == row["id"], feedback_answers.c.text_value.is_not(None))))} for row in rows]


def _assert_unjoinable(connection: Connection) -> None:
    anonymous = _anonymous(connection)
    assert len(anonymous) == len(MOODLE_ATTEMPT_IDS)
    assert all(row["moodle_attempt_id"] is None and row["submitted_at"] is None and row["person_id"] is None
               for row in anonymous)
    assert "number" not in {column["name"] for column in inspect(connection).get_columns("feedback_responses")}
    # No value of any column of an anonymous row (nor of its answers) is one of Moodle's attempt ids.
    answer_values = connection.execute(select(feedback_answers).join(feedback_responses)
                                       .where(feedback_responses.c.anonymous.is_(True))).all()
    values = {value for row in anonymous for value in row.values() if isinstance(value, int)}
    assert not values & set(MOODLE_ATTEMPT_IDS)
    assert not {value for row in answer_values for value in row if isinstance(value, int)} & set(MOODLE_ATTEMPT_IDS)
    # Row ids do not follow the order Moodle numbered the attempts in (1 in 20! to pass by chance).
    in_row_order = [row["texts"] for row in anonymous]
    assert in_row_order != [[f"Antwort {n}"] for n in range(len(MOODLE_ATTEMPT_IDS))]


def test_a_pull_stores_anonymous_answers_unjoinable_and_a_repull_stores_no_twin(records_store: RecordsStore) -> None:
    snapshot = _with_many_anonymous_answers(course_snapshot())
    records_store.replace_course_snapshot(snapshot)
    with records_store.engine.connect() as connection:
        _assert_unjoinable(connection)
        before = _anonymous(connection)

    again = records_store.replace_course_snapshot(snapshot)
    assert again.changed == 0 and again.tables["feedback_responses"].unchanged == 2 + 20
    with records_store.engine.connect() as connection:
        assert _anonymous(connection) == before


def test_a_new_or_withdrawn_anonymous_answer_replaces_the_set_without_twins(records_store: RecordsStore) -> None:
    snapshot = _with_many_anonymous_answers(course_snapshot())
    records_store.replace_course_snapshot(snapshot)
    named, anonymous = snapshot.feedback
    late = FeedbackAttempt(anonymous=True, answers=(FeedbackAnswer(item_id=11, numeric_value=5),))
    grown = anonymous.model_copy(update={"attempts": (*anonymous.attempts[1:], late)})

    counts = records_store.replace_course_snapshot(snapshot.model_copy(update={"feedback": (named, grown)}))

    assert (counts.tables["feedback_responses"].inserted, counts.tables["feedback_responses"].deleted) == (20, 20)
    with records_store.engine.connect() as connection:
        stored = Counter(tuple(row["texts"]) for row in _anonymous(connection))
    assert stored == Counter([(f"Antwort {n}",) for n in range(1, 20)] + [()])


def _stored_by_0004(url: str) -> Counter[tuple[Any, ...]]:
    """A database as lms-sync before 0005 left it: anonymous rows with Moodle's attempt ids, numbers and times.

    Returns the answers as (feedback, item, numeric, text) with how often each was stored.
    """
    with RecordsStore.open(url) as store:
        store.replace_course_snapshot(_with_many_anonymous_answers(course_snapshot()))
    engine = records_engine(url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0004")
            ids = connection.scalars(text("SELECT id FROM feedback_responses WHERE anonymous ORDER BY id")).all()
            for number, (row_id, attempt_id) in enumerate(zip(ids, MOODLE_ATTEMPT_IDS, strict=True), start=1):
                connection.execute(text("UPDATE feedback_responses SET moodle_attempt_id = :attempt, number = :number, "
                                        "submitted_at = '2026-03-19 10:00:00' WHERE id = :id"),
                                   {"attempt": attempt_id, "number": number, "id": row_id})
            return _answers(connection)
    finally:
        engine.dispose()


def _answers(connection: Connection) -> Counter[tuple[Any, ...]]:
    return Counter(connection.execute(
        select(feedback_instruments.c.moodle_feedback_id, feedback_items.c.moodle_item_id,
               feedback_answers.c.numeric_value, feedback_answers.c.text_value)
        .select_from(feedback_answers.join(feedback_responses).join(feedback_instruments).join(
            feedback_items, feedback_answers.c.item_id == feedback_items.c.id))).all())


def test_migration_0005_removes_stored_attempt_ids_keeps_every_answer_and_a_repull_adds_no_twin(
        empty_records_url: str) -> None:
    answers_before = _stored_by_0004(empty_records_url)
    assert sum(answers_before.values()) == 3 + 20  # named and anonymous; SQLite's table rebuilds must not cascade

    with RecordsStore.open(empty_records_url) as store:
        with store.engine.connect() as connection:
            _assert_unjoinable(connection)
            assert _answers(connection) == answers_before
            named = connection.scalars(select(feedback_responses.c.moodle_attempt_id)
                                       .where(feedback_responses.c.anonymous.is_(False))).all()
        assert sorted(named) == [4, 5]  # named responses keep their ids: they are keyed by them
        repull = store.replace_course_snapshot(_with_many_anonymous_answers(course_snapshot()))
        assert repull.changed == 0
        with store.engine.connect() as connection:
            assert _answers(connection) == answers_before


def test_reports_list_anonymous_responses_in_one_order_however_the_rows_were_shuffled(
        records_store: RecordsStore) -> None:
    snapshot = _with_many_anonymous_answers(course_snapshot())
    records_store.replace_course_snapshot(snapshot)
    first = records_store.evaluation_data(ROLES)
    named, anonymous = snapshot.feedback
    records_store.replace_course_snapshot(snapshot.model_copy(update={"feedback": (named,)}))
    records_store.replace_course_snapshot(snapshot)  # stored again, in another random order

    assert records_store.evaluation_data(ROLES) == first
    texts = [r.answers[13].text_value for e in first if e.anonymous for r in e.responses]
    assert texts == sorted(texts)
