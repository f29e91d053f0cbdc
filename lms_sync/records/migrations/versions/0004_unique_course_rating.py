"""A person has at most one rating per competency and course outside learning plans, enforced by the database

Revision ID: 0004; revises: 0003; a partial unique index (SQLite and PostgreSQL), checked by test_records_migrations.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COURSE_RATING = sa.text("plan_moodle_id IS NULL")


def upgrade() -> None:
    # The pull never wrote twins; should a database hold any, the newest row is the one a re-pull would keep.
    op.execute(
        "DELETE FROM competency_ratings WHERE plan_moodle_id IS NULL AND id NOT IN ("
        "SELECT MAX(id) FROM competency_ratings WHERE plan_moodle_id IS NULL "
        "GROUP BY person_id, course_id, competency_id)"
    )
    op.create_index("uq_competency_ratings_course_rating", "competency_ratings",
                    ["person_id", "course_id", "competency_id"], unique=True,
                    sqlite_where=_COURSE_RATING, postgresql_where=_COURSE_RATING)


def downgrade() -> None:
    op.drop_index("uq_competency_ratings_course_rating", table_name="competency_ratings")
