"""The records database schema as SQLAlchemy Core tables: sites, courses, people, enrolments, completion, feedback,
competencies, the run journal and push's observation cache. Alembic migrations in `migrations/versions/` create it.

Rows pulled from Moodle are keyed by Moodle ids scoped by site, so a re-pull upserts instead of duplicating.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator

# Stable constraint names so later migrations can alter them on SQLite (batch mode) and PostgreSQL alike.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time stored as naive UTC and read back timezone-aware, identically on SQLite and PostgreSQL.

    SQLite has no time zones, so storing naive UTC everywhere keeps comparisons and upsert diffs exact.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: records store only timezone-aware times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _cascade_fk(target: str) -> ForeignKey:
    return ForeignKey(target, ondelete="CASCADE")


sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", String(255), nullable=False, unique=True),
    Column("release", String(100)),
)

courses = Table(
    "courses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, _cascade_fk("sites.id"), nullable=False),
    Column("moodle_id", Integer, nullable=False),
    Column("idnumber", String(100)),
    Column("shortname", String(255), nullable=False),
    Column("fullname", String(255), nullable=False),
    Column("run_id", String(100), index=True),
    Column("template", String(100), index=True),
    Column("startdate", UtcDateTime),
    Column("enddate", UtcDateTime),
    Column("last_pulled_at", UtcDateTime),
    # Set by the retention purge: the course's personal data is gone, its anonymous aggregates remain.
    Column("personal_data_purged_at", UtcDateTime),
    UniqueConstraint("site_id", "moodle_id"),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(255), nullable=False, unique=True),
    Column("firstname", String(100), nullable=False, server_default=""),
    Column("lastname", String(100), nullable=False, server_default=""),
    Column("organisation", String(255), nullable=False, server_default=""),
    Column("sector", String(100), nullable=False, server_default=""),
    Column("consultation_opt_in", Boolean, nullable=False, server_default=false()),
    Column("created_at", UtcDateTime, nullable=False),
    # One spelling per address, so lookups and the unique constraint cannot be dodged by case.
    CheckConstraint("email = lower(email)", name="email_lower_case"),
)

person_accounts = Table(
    "person_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, _cascade_fk("sites.id"), nullable=False),
    Column("moodle_user_id", Integer, nullable=False),
    Column("person_id", Integer, _cascade_fk("people.id"), nullable=False, index=True),
    UniqueConstraint("site_id", "moodle_user_id"),
)

# Moodle accounts of people who asked to be forgotten: a re-pull must not bring them back. Holds no personal data
# beyond the site-local account number.
forgotten_accounts = Table(
    "forgotten_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, _cascade_fk("sites.id"), nullable=False),
    Column("moodle_user_id", Integer, nullable=False),
    Column("forgotten_at", UtcDateTime, nullable=False),
    UniqueConstraint("site_id", "moodle_user_id"),
)

enrolments = Table(
    "enrolments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("course_id", Integer, _cascade_fk("courses.id"), nullable=False),
    Column("person_id", Integer, _cascade_fk("people.id"), nullable=False, index=True),
    Column("roles", Text, nullable=False, server_default=""),
    # Moodle's role ids, comma-separated and sorted: what reports select participants and trainers by (the shortnames
    # in `roles` may be renamed). Rows pulled before migration 0007 got the ids of Moodle's standard roles.
    Column("role_ids", Text, nullable=False, server_default=""),
    Column("status", Integer),
    Column("timestart", UtcDateTime),
    Column("timeend", UtcDateTime),
    Column("lastaccess", UtcDateTime),
    Column("groups", Text, nullable=False, server_default=""),
    UniqueConstraint("course_id", "person_id"),
)

course_completion = Table(
    "course_completion",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("course_id", Integer, _cascade_fk("courses.id"), nullable=False),
    Column("person_id", Integer, _cascade_fk("people.id"), nullable=False, index=True),
    Column("completed", Boolean, nullable=False),
    Column("timecompleted", UtcDateTime),
    UniqueConstraint("course_id", "person_id"),
)

activity_completion = Table(
    "activity_completion",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("course_id", Integer, _cascade_fk("courses.id"), nullable=False),
    Column("person_id", Integer, _cascade_fk("people.id"), nullable=False, index=True),
    Column("cmid", Integer, nullable=False),
    Column("modname", String(50), nullable=False),
    Column("state", Integer, nullable=False),
    Column("timecompleted", UtcDateTime),
    UniqueConstraint("course_id", "person_id", "cmid"),
)

feedback_instruments = Table(
    "feedback_instruments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, _cascade_fk("sites.id"), nullable=False),
    Column("moodle_feedback_id", Integer, nullable=False),
    Column("course_id", Integer, _cascade_fk("courses.id"), nullable=False, index=True),
    Column("cmid", Integer),
    Column("name", String(255), nullable=False),
    Column("anonymous", Boolean, nullable=False),
    UniqueConstraint("site_id", "moodle_feedback_id"),
)

feedback_items = Table(
    "feedback_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instrument_id", Integer, _cascade_fk("feedback_instruments.id"), nullable=False),
    Column("moodle_item_id", Integer, nullable=False),
    Column("label", String(255), nullable=False, server_default=""),
    Column("typ", String(50), nullable=False),
    Column("question", Text, nullable=False),
    Column("presentation", Text, nullable=False, server_default=""),
    Column("position", Integer, nullable=False),
    Column("scale_min", Float),
    Column("scale_max", Float),
    UniqueConstraint("instrument_id", "moodle_item_id"),
)

feedback_responses = Table(
    "feedback_responses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instrument_id", Integer, _cascade_fk("feedback_instruments.id"), nullable=False),
    # Named responses only: Moodle's feedback_completed row of this id names the user, even for anonymous ones.
    Column("moodle_attempt_id", Integer),
    # SET NULL, not CASCADE: erasing a person keeps their answers in the aggregates, unlinked.
    Column("person_id", Integer, ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("anonymous", Boolean, nullable=False),
    Column("submitted_at", UtcDateTime),
    UniqueConstraint("instrument_id", "moodle_attempt_id"),
    # The database itself refuses to link an anonymous attempt to anybody, or to Moodle's attempt and its time.
    CheckConstraint("NOT anonymous OR person_id IS NULL", name="anonymous_unlinked"),
    CheckConstraint("NOT anonymous OR (moodle_attempt_id IS NULL AND submitted_at IS NULL)", name="anonymous_no_moodle_ids"),
    CheckConstraint("anonymous OR moodle_attempt_id IS NOT NULL", name="named_has_attempt_id"),
)

feedback_answers = Table(
    "feedback_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("response_id", Integer, _cascade_fk("feedback_responses.id"), nullable=False),
    Column("item_id", Integer, _cascade_fk("feedback_items.id"), nullable=False, index=True),
    Column("numeric_value", Float),
    Column("text_value", Text),
    UniqueConstraint("response_id", "item_id"),
    CheckConstraint("numeric_value IS NOT NULL OR text_value IS NOT NULL", name="has_value"),
)

competency_frameworks = Table(
    "competency_frameworks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, _cascade_fk("sites.id"), nullable=False),
    Column("moodle_id", Integer, nullable=False),
    Column("idnumber", String(100), nullable=False),
    Column("shortname", String(255), nullable=False),
    UniqueConstraint("site_id", "moodle_id"),
)

competencies = Table(
    "competencies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("framework_id", Integer, _cascade_fk("competency_frameworks.id"), nullable=False),
    Column("moodle_id", Integer, nullable=False),
    Column("idnumber", String(100), nullable=False),
    Column("shortname", String(255), nullable=False),
    Column("parent_moodle_id", Integer),
    UniqueConstraint("framework_id", "moodle_id"),
)

competency_ratings = Table(
    "competency_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, _cascade_fk("people.id"), nullable=False, index=True),
    Column("course_id", Integer, _cascade_fk("courses.id")),
    # A plan rating is stored with the course it was pulled through, so the course's pull keeps it current and the
    # retention purge of the course removes it.
    Column("plan_moodle_id", Integer),
    Column("plan_name", String(255), nullable=False, server_default=""),
    Column("competency_id", Integer, _cascade_fk("competencies.id"), nullable=False),
    Column("rating", Integer),
    Column("proficient", Boolean),
    Column("grade_label", String(255), nullable=False, server_default=""),
    Column("evidence_note", Text, nullable=False, server_default=""),
    Column("rated_at", UtcDateTime),
    UniqueConstraint("person_id", "course_id", "plan_moodle_id", "competency_id"),
    CheckConstraint("course_id IS NOT NULL OR plan_moodle_id IS NOT NULL", name="in_course_or_plan"),
)
# The unique constraint above cannot catch two course ratings (plan_moodle_id NULL: NULLs never equal in SQL).
Index("uq_competency_ratings_course_rating", competency_ratings.c.person_id, competency_ratings.c.course_id,
      competency_ratings.c.competency_id, unique=True,
      sqlite_where=competency_ratings.c.plan_moodle_id.is_(None),
      postgresql_where=competency_ratings.c.plan_moodle_id.is_(None))

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("command", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("counts", Text, nullable=False, server_default="{}"),
    Column("ws_requests", Integer, nullable=False, server_default="0"),
    Column("ws_retries", Integer, nullable=False, server_default="0"),
    Column("errors", Text, nullable=False, server_default="[]"),
    Column("warnings", Text, nullable=False, server_default="[]"),
)

pull_journal = Table(
    "pull_journal",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sync_run_id", Integer, _cascade_fk("sync_runs.id"), index=True),
    Column("site_url", String(255), nullable=False),
    Column("course_moodle_id", Integer, nullable=False),
    Column("course_idnumber", String(100)),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=False),
    Column("duration_seconds", Float, nullable=False),
    Column("counts", Text, nullable=False, server_default="{}"),
    Column("error", Text),
)

# What push last read of a course's contents or a forum's discussions, valid while Moodle's own change counter
# (`version`: the course's cacherev, the forum's number of discussions) is unchanged. No personal data.
observation_cache = Table(
    "observation_cache",
    metadata,
    Column("site_url", String(255), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("moodle_id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Column("stored_at", UtcDateTime, nullable=False),
)

# Which lms-sync brought the database to which schema revision, and when: an older lms-sync meeting a newer schema can
# name the version to upgrade to. No personal data.
schema_upgrades = Table(
    "schema_upgrades",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("revision", String(32), nullable=False),
    Column("lms_sync_version", String(50), nullable=False),
    Column("upgraded_at", UtcDateTime, nullable=False),
)
