"""Anonymous feedback responses lose Moodle's attempt id, response number and time, and their rows are renumbered

Revision ID: 0005; revises: 0004. Moodle's feedback_completed row of an attempt id (and of feedback + random_response,
the "number") holds the user id of whoever answered, so a stored id links an anonymous answer to its person.
"""

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_responses = sa.table("feedback_responses", sa.column("id"), sa.column("instrument_id"), sa.column("anonymous"),
                      sa.column("moodle_attempt_id"), sa.column("submitted_at"))
_answers = sa.table("feedback_answers", sa.column("response_id"))


@contextmanager
def _answers_kept() -> Iterator[None]:
    """SQLite rebuilds feedback_responses by dropping it, and that drop cascades to feedback_answers: keep a copy."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMPORARY TABLE kept_answers AS SELECT * FROM feedback_answers")
    yield
    if sqlite:
        op.execute("INSERT INTO feedback_answers SELECT * FROM kept_answers "
                   "WHERE id NOT IN (SELECT id FROM feedback_answers)")
        op.execute("DROP TABLE kept_answers")


def _renumber_anonymous_rows() -> None:
    """New row ids in random order per instrument: ids given in Moodle's attempt order would keep that order."""
    bind = op.get_bind()
    shuffle = random.SystemRandom().shuffle
    anonymous = bind.execute(sa.select(_responses.c.id, _responses.c.instrument_id)
                             .where(_responses.c.anonymous.is_(True))).all()
    order = list(anonymous)
    shuffle(order)
    for old_id, instrument_id in order:
        new_id = bind.execute(sa.insert(_responses).values(instrument_id=instrument_id, anonymous=True)
                              .returning(_responses.c.id)).scalar_one()
        bind.execute(sa.update(_answers).where(_answers.c.response_id == old_id).values(response_id=new_id))
        bind.execute(sa.delete(_responses).where(_responses.c.id == old_id))


def upgrade() -> None:
    with _answers_kept(), op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.alter_column("moodle_attempt_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_column("number")
    op.execute(sa.update(_responses).where(_responses.c.anonymous.is_(True))
               .values(moodle_attempt_id=None, submitted_at=None))
    _renumber_anonymous_rows()
    with _answers_kept(), op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_feedback_responses_anonymous_no_moodle_ids"),
                                         "NOT anonymous OR (moodle_attempt_id IS NULL AND submitted_at IS NULL)")
        batch_op.create_check_constraint(op.f("ck_feedback_responses_named_has_attempt_id"),
                                         "anonymous OR moodle_attempt_id IS NOT NULL")


def downgrade() -> None:
    # The removed ids cannot come back: anonymous rows get their own negative row id, which no Moodle attempt has.
    with _answers_kept(), op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_feedback_responses_named_has_attempt_id"), type_="check")
        batch_op.drop_constraint(op.f("ck_feedback_responses_anonymous_no_moodle_ids"), type_="check")
    op.execute(sa.update(_responses).where(_responses.c.anonymous.is_(True))
               .values(moodle_attempt_id=-_responses.c.id))
    with _answers_kept(), op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.alter_column("moodle_attempt_id", existing_type=sa.Integer(), nullable=False)
