"""push keeps what it last read of course contents and forum discussions, keyed by Moodle's change counters

Revision ID: 0003; revises: 0002; written by alembic autogenerate from schema.py, checked by test_records_migrations.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "observation_cache",
        sa.Column("site_url", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("moodle_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("site_url", "kind", "moodle_id", name=op.f("pk_observation_cache")),
    )


def downgrade() -> None:
    op.drop_table("observation_cache")
