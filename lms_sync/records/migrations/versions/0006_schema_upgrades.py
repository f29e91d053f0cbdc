"""The records remember which lms-sync version migrated them to which revision (table schema_upgrades)

Revision ID: 0006; revises: 0005. migrate.upgrade_to_head adds a row after every upgrade, this one included.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schema_upgrades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.String(length=32), nullable=False),
        sa.Column("lms_sync_version", sa.String(length=50), nullable=False),
        sa.Column("upgraded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schema_upgrades")),
    )


def downgrade() -> None:
    op.drop_table("schema_upgrades")
