"""The run journal keeps each run's warnings (column sync_runs.warnings, a JSON list of lines)

Revision ID: 0008; revises: 0007. A warning changes no exit code (nothing failed), so the journal was the only place
where a cron run's "evaluation not private" could be read the next morning; runs journaled before hold none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.Text(), server_default="[]", nullable=False))


def downgrade() -> None:
    # Not as a batch: on SQLite a batch rebuilds sync_runs, and dropping the old table cascades into pull_journal.
    op.execute("ALTER TABLE sync_runs DROP COLUMN warnings")  # SQLite 3.35 and newer, PostgreSQL
