"""Initial records schema: sites, courses, people, enrolments, completion, feedback, competencies, journal

Revision ID: 0001 (the first); written by alembic autogenerate from schema.py, checked by test_records_migrations.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("firstname", sa.String(length=100), server_default="", nullable=False),
        sa.Column("lastname", sa.String(length=100), server_default="", nullable=False),
        sa.Column("organisation", sa.String(length=255), server_default="", nullable=False),
        sa.Column("sector", sa.String(length=100), server_default="", nullable=False),
        sa.Column(
            "consultation_opt_in",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_people_email_lower_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email", name=op.f("uq_people_email")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=255), nullable=False),
        sa.Column("release", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("url", name=op.f("uq_sites_url")),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("command", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("counts", sa.Text(), server_default="{}", nullable=False),
        sa.Column("ws_requests", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ws_retries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("errors", sa.Text(), server_default="[]", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_table(
        "competency_frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("moodle_id", sa.Integer(), nullable=False),
        sa.Column("idnumber", sa.String(length=100), nullable=False),
        sa.Column("shortname", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_competency_frameworks_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_frameworks")),
        sa.UniqueConstraint("site_id", "moodle_id", name=op.f("uq_competency_frameworks_site_id")),
    )
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("moodle_id", sa.Integer(), nullable=False),
        sa.Column("idnumber", sa.String(length=100), nullable=True),
        sa.Column("shortname", sa.String(length=255), nullable=False),
        sa.Column("fullname", sa.String(length=255), nullable=False),
        sa.Column("run_id", sa.String(length=100), nullable=True),
        sa.Column("template", sa.String(length=100), nullable=True),
        sa.Column("startdate", sa.DateTime(), nullable=True),
        sa.Column("enddate", sa.DateTime(), nullable=True),
        sa.Column("last_pulled_at", sa.DateTime(), nullable=True),
        sa.Column("personal_data_purged_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_courses_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("site_id", "moodle_id", name=op.f("uq_courses_site_id")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_template"), ["template"], unique=False)

    op.create_table(
        "forgotten_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("moodle_user_id", sa.Integer(), nullable=False),
        sa.Column("forgotten_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_forgotten_accounts_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forgotten_accounts")),
        sa.UniqueConstraint("site_id", "moodle_user_id", name=op.f("uq_forgotten_accounts_site_id")),
    )
    op.create_table(
        "person_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("moodle_user_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_accounts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_person_accounts_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_accounts")),
        sa.UniqueConstraint("site_id", "moodle_user_id", name=op.f("uq_person_accounts_site_id")),
    )
    with op.batch_alter_table("person_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_accounts_person_id"), ["person_id"], unique=False)

    op.create_table(
        "pull_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sync_run_id", sa.Integer(), nullable=True),
        sa.Column("site_url", sa.String(length=255), nullable=False),
        sa.Column("course_moodle_id", sa.Integer(), nullable=False),
        sa.Column("course_idnumber", sa.String(length=100), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=False),
        sa.Column("counts", sa.Text(), server_default="{}", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sync_run_id"],
            ["sync_runs.id"],
            name=op.f("fk_pull_journal_sync_run_id_sync_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pull_journal")),
    )
    with op.batch_alter_table("pull_journal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pull_journal_sync_run_id"), ["sync_run_id"], unique=False)

    op.create_table(
        "activity_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cmid", sa.Integer(), nullable=False),
        sa.Column("modname", sa.String(length=50), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("timecompleted", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_activity_completion_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_activity_completion_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_completion")),
        sa.UniqueConstraint(
            "course_id",
            "person_id",
            "cmid",
            name=op.f("uq_activity_completion_course_id"),
        ),
    )
    with op.batch_alter_table("activity_completion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_completion_person_id"), ["person_id"], unique=False)

    op.create_table(
        "competencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("moodle_id", sa.Integer(), nullable=False),
        sa.Column("idnumber", sa.String(length=100), nullable=False),
        sa.Column("shortname", sa.String(length=255), nullable=False),
        sa.Column("parent_moodle_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["competency_frameworks.id"],
            name=op.f("fk_competencies_framework_id_competency_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competencies")),
        sa.UniqueConstraint("framework_id", "moodle_id", name=op.f("uq_competencies_framework_id")),
    )
    op.create_table(
        "course_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("timecompleted", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_completion_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_course_completion_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_completion")),
        sa.UniqueConstraint("course_id", "person_id", name=op.f("uq_course_completion_course_id")),
    )
    with op.batch_alter_table("course_completion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_completion_person_id"), ["person_id"], unique=False)

    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("roles", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("timestart", sa.DateTime(), nullable=True),
        sa.Column("timeend", sa.DateTime(), nullable=True),
        sa.Column("lastaccess", sa.DateTime(), nullable=True),
        sa.Column("groups", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_enrolments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_enrolments_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
        sa.UniqueConstraint("course_id", "person_id", name=op.f("uq_enrolments_course_id")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolments_person_id"), ["person_id"], unique=False)

    op.create_table(
        "feedback_instruments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("moodle_feedback_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("cmid", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_feedback_instruments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_feedback_instruments_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_instruments")),
        sa.UniqueConstraint(
            "site_id",
            "moodle_feedback_id",
            name=op.f("uq_feedback_instruments_site_id"),
        ),
    )
    with op.batch_alter_table("feedback_instruments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_instruments_course_id"), ["course_id"], unique=False)

    op.create_table(
        "competency_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("plan_moodle_id", sa.Integer(), nullable=True),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("proficient", sa.Boolean(), nullable=True),
        sa.Column("grade_label", sa.String(length=255), server_default="", nullable=False),
        sa.Column("evidence_note", sa.Text(), server_default="", nullable=False),
        sa.Column("rated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "course_id IS NOT NULL OR plan_moodle_id IS NOT NULL",
            name=op.f("ck_competency_ratings_in_course_or_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_competency_ratings_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_competency_ratings_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_competency_ratings_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_ratings")),
        sa.UniqueConstraint(
            "person_id",
            "course_id",
            "plan_moodle_id",
            "competency_id",
            name=op.f("uq_competency_ratings_person_id"),
        ),
    )
    with op.batch_alter_table("competency_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competency_ratings_person_id"), ["person_id"], unique=False)

    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("moodle_item_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=255), server_default="", nullable=False),
        sa.Column("typ", sa.String(length=50), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("presentation", sa.Text(), server_default="", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("scale_min", sa.Float(), nullable=True),
        sa.Column("scale_max", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["feedback_instruments.id"],
            name=op.f("fk_feedback_items_instrument_id_feedback_instruments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_items")),
        sa.UniqueConstraint(
            "instrument_id",
            "moodle_item_id",
            name=op.f("uq_feedback_items_instrument_id"),
        ),
    )
    op.create_table(
        "feedback_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("moodle_attempt_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "NOT anonymous OR person_id IS NULL",
            name=op.f("ck_feedback_responses_anonymous_unlinked"),
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["feedback_instruments.id"],
            name=op.f("fk_feedback_responses_instrument_id_feedback_instruments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_feedback_responses_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_responses")),
        sa.UniqueConstraint(
            "instrument_id",
            "moodle_attempt_id",
            name=op.f("uq_feedback_responses_instrument_id"),
        ),
    )
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_responses_person_id"), ["person_id"], unique=False)

    op.create_table(
        "feedback_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("numeric_value", sa.Float(), nullable=True),
        sa.Column("text_value", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "numeric_value IS NOT NULL OR text_value IS NOT NULL",
            name=op.f("ck_feedback_answers_has_value"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["feedback_items.id"],
            name=op.f("fk_feedback_answers_item_id_feedback_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["feedback_responses.id"],
            name=op.f("fk_feedback_answers_response_id_feedback_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_answers")),
        sa.UniqueConstraint("response_id", "item_id", name=op.f("uq_feedback_answers_response_id")),
    )
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_answers_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_answers_item_id"))

    op.drop_table("feedback_answers")
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_responses_person_id"))

    op.drop_table("feedback_responses")
    op.drop_table("feedback_items")
    with op.batch_alter_table("competency_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competency_ratings_person_id"))

    op.drop_table("competency_ratings")
    with op.batch_alter_table("feedback_instruments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_instruments_course_id"))

    op.drop_table("feedback_instruments")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolments_person_id"))

    op.drop_table("enrolments")
    with op.batch_alter_table("course_completion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_completion_person_id"))

    op.drop_table("course_completion")
    op.drop_table("competencies")
    with op.batch_alter_table("activity_completion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_completion_person_id"))

    op.drop_table("activity_completion")
    with op.batch_alter_table("pull_journal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pull_journal_sync_run_id"))

    op.drop_table("pull_journal")
    with op.batch_alter_table("person_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_accounts_person_id"))

    op.drop_table("person_accounts")
    op.drop_table("forgotten_accounts")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_template"))
        batch_op.drop_index(batch_op.f("ix_courses_run_id"))

    op.drop_table("courses")
    op.drop_table("competency_frameworks")
    op.drop_table("sync_runs")
    op.drop_table("sites")
    op.drop_table("people")
