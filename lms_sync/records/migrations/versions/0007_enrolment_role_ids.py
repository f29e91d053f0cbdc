"""Enrolments keep Moodle's role ids (column role_ids), so reports know participants by push's configured role id

Revision ID: 0007; revises: 0006. Rows pulled before get the ids a Moodle install gives its standard roles (by their
shortnames; another role's id stays unknown until the course is pulled again: `lms-sync pull --course ID`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Moodle's lib/db/install.php creates these roles first, in this order, on every new site.
_STANDARD_ROLE_IDS = {"manager": 1, "coursecreator": 2, "editingteacher": 3, "teacher": 4, "student": 5, "guest": 6,
                      "user": 7, "frontpage": 8}
_enrolments = sa.table("enrolments", sa.column("roles"), sa.column("role_ids"))


def _standard_ids(roles: str) -> str:
    """The comma-separated shortnames of one enrolment as its sorted, comma-separated standard role ids."""
    ids = sorted(_STANDARD_ROLE_IDS[role] for role in roles.split(",") if role in _STANDARD_ROLE_IDS)
    return ",".join(map(str, ids))


def upgrade() -> None:
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role_ids", sa.Text(), server_default="", nullable=False))
    bind = op.get_bind()
    for (roles,) in bind.execute(sa.select(_enrolments.c.roles).distinct()).all():
        if ids := _standard_ids(roles):
            bind.execute(sa.update(_enrolments).where(_enrolments.c.roles == roles).values(role_ids=ids))


def downgrade() -> None:
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_column("role_ids")
