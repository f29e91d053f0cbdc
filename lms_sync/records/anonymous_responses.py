"""Store a feedback's anonymous responses with nothing that leads back to Moodle's feedback_completed rows.

No attempt id, response number or time is kept, and the rows are written in random order, so neither a column nor
the order of row ids can be joined to Moodle's table (which holds the user id of every anonymous attempt).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, and_, delete, insert, select

from lms_sync.records.rows import TableCounts
from lms_sync.records.schema import feedback_answers, feedback_items, feedback_responses
from lms_sync.records.snapshot import FeedbackAttempt

Answers = frozenset[tuple[int, float | None, str | None]]
"""One response as the set of its (Moodle item id, numeric value, text value): what identifies it without any id."""

_shuffle = random.SystemRandom().shuffle


def _stored(connection: Connection, instrument_id: int) -> tuple[list[int], Counter[Answers]]:
    of_instrument = and_(feedback_responses.c.instrument_id == instrument_id, feedback_responses.c.anonymous.is_(True))
    response_ids = list(connection.scalars(select(feedback_responses.c.id).where(of_instrument)))
    values: dict[int, set[tuple[int, float | None, str | None]]] = {response_id: set() for response_id in response_ids}
    query = (
        select(feedback_answers.c.response_id, feedback_items.c.moodle_item_id, feedback_answers.c.numeric_value,
               feedback_answers.c.text_value)
        .join_from(feedback_answers, feedback_items)
        .where(feedback_answers.c.response_id.in_(select(feedback_responses.c.id).where(of_instrument)))
    )
    for response_id, item, numeric, text in connection.execute(query):
        values[response_id].add((item, numeric, text))
    return response_ids, Counter(frozenset(answers) for answers in values.values())


def _answers(attempt: FeedbackAttempt) -> Answers:
    return frozenset((a.item_id, a.numeric_value, a.text_value) for a in attempt.answers)


def replace(connection: Connection, instrument_id: int, item_ids: Mapping[int, int],
            attempts: Sequence[FeedbackAttempt]) -> tuple[TableCounts, TableCounts]:
    """Make the instrument's stored anonymous responses equal to `attempts`; returns (responses, answers) counts.

    Without ids a response cannot be matched one by one, so the set is compared as a whole (the answers of every
    response, as a multiset): unchanged, nothing is written (a re-pull stays a no-op); changed, every anonymous row of
    the instrument is replaced in random order (a re-pull never leaves a twin). `item_ids` maps Moodle item ids to
    the instrument's feedback_items rows.
    """
    stored_ids, stored = _stored(connection, instrument_id)
    wanted = Counter(_answers(attempt) for attempt in attempts)
    if stored == wanted:
        answers = sum(len(answer_set) * times for answer_set, times in wanted.items())
        return TableCounts(unchanged=len(attempts)), TableCounts(unchanged=answers)
    deleted_answers = 0
    if stored_ids:
        deleted_answers = connection.execute(
            delete(feedback_answers).where(feedback_answers.c.response_id.in_(stored_ids))).rowcount
        connection.execute(delete(feedback_responses).where(feedback_responses.c.id.in_(stored_ids)))
    order = list(attempts)
    _shuffle(order)
    inserted_answers = 0
    for attempt in order:
        response_id = connection.execute(
            insert(feedback_responses).values(instrument_id=instrument_id, anonymous=True)
            .returning(feedback_responses.c.id)).scalar_one()
        rows = [{"response_id": response_id, "item_id": item_ids[a.item_id], "numeric_value": a.numeric_value,
                 "text_value": a.text_value} for a in attempt.answers]
        if rows:
            connection.execute(insert(feedback_answers), rows)
        inserted_answers += len(rows)
    return (TableCounts(inserted=len(order), deleted=len(stored_ids)),
            TableCounts(inserted=inserted_answers, deleted=deleted_answers))
