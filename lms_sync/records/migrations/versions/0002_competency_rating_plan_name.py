"""Competency ratings keep the learning plan's name, so plan ratings can be stored next to course ratings

Revision ID: 0002; revises: 0001; written by alembic autogenerate from schema.py, checked by test_records_migrations.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The server default fills the column for ratings stored before: they are all course ratings (no plan).
    with op.batch_alter_table("competency_ratings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_name", sa.String(length=255), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("competency_ratings", schema=None) as batch_op:
        batch_op.drop_column("plan_name")
