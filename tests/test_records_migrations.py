"""The records schema comes from Alembic migrations only, matches schema.py exactly, re-opening is harmless, and an
older database is upgraded with its data kept."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.metadata import version

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from lms_sync.records.errors import RecordsUnavailable
from lms_sync.records.migrate import alembic_config, current_revision, head_revision, last_upgrade
from lms_sync.records.people import Participant
from lms_sync.records.schema import (
    competencies,
    competency_frameworks,
    competency_ratings,
    courses,
    enrolments,
    metadata,
    people,
    pull_journal,
    schema_upgrades,
    sites,
)
from lms_sync.records.snapshot import CompetencyRating
from lms_sync.records.store import RecordsStore
from tests.records_fixtures import drop_postgres_schema
from tests.records_samples import ANNA, LUKAS, ROLES, TRAINER, course_snapshot


def test_open_migrates_an_empty_database_to_the_alembic_head(empty_records_url: str) -> None:
    with RecordsStore.open(empty_records_url) as store:
        assert head_revision() == "0008"
        assert current_revision(store.engine) == head_revision()
        tables = set(inspect(store.engine).get_table_names())
    assert set(metadata.tables) | {"alembic_version"} == tables


def test_the_database_notes_which_lms_sync_migrated_it_and_a_reopen_adds_nothing(empty_records_url: str) -> None:
    with RecordsStore.open(empty_records_url) as store:
        noted = last_upgrade(store.engine)
    assert noted is not None
    assert (noted.revision, noted.lms_sync_version) == (head_revision(), version("lms-sync"))
    with RecordsStore.open(empty_records_url) as store:
        assert last_upgrade(store.engine) == noted


def test_an_upgrade_is_noted_with_its_version(empty_records_url: str) -> None:
    _database_at_0001_with_a_course_rating(empty_records_url)
    with RecordsStore.open(empty_records_url) as store:
        noted = last_upgrade(store.engine)
    assert noted is not None and noted.revision == head_revision() and noted.lms_sync_version == version("lms-sync")


def test_the_migrations_one_after_another_make_the_schema_a_new_database_gets_at_once(empty_records_url: str) -> None:
    engine = create_engine(empty_records_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    assert differences == []


def _reflected(url: str) -> dict[str, dict[str, object]]:
    """Every table's columns (name, type, nullability, default; in any order: a migration appends its new columns),
    indexes, unique, foreign-key and check constraints."""
    engine = create_engine(url)
    try:
        schema = inspect(engine)
        return {table: {
            "columns": sorted((c["name"], str(c["type"]), c["nullable"], c.get("default"))
                              for c in schema.get_columns(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in schema.get_indexes(table)),
            "unique": sorted((u["name"], tuple(u["column_names"])) for u in schema.get_unique_constraints(table)),
            "foreign": sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"])
                              for f in schema.get_foreign_keys(table)),
            "checks": sorted((c["name"], c["sqltext"]) for c in schema.get_check_constraints(table)),
        } for table in sorted(schema.get_table_names()) if table != schema_upgrades.name}
    finally:
        engine.dispose()


def test_a_new_database_and_one_migrated_step_by_step_have_the_same_tables_keys_and_checks(
        empty_records_url: str, tmp_path) -> None:
    RecordsStore.open(empty_records_url).close()
    at_once = _reflected(empty_records_url)
    other = f"sqlite:///{tmp_path / 'stepwise.db'}"
    if empty_records_url.startswith("postgresql"):
        drop_postgres_schema(empty_records_url)
        other = empty_records_url
    engine = create_engine(other)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    engine.dispose()
    assert _reflected(other) == at_once


def test_reopening_keeps_data_and_revision(empty_records_url: str) -> None:
    with RecordsStore.open(empty_records_url) as store:
        store.replace_course_snapshot(course_snapshot())
    with RecordsStore.open(empty_records_url) as store:
        assert current_revision(store.engine) == head_revision()
        assert store.replace_course_snapshot(course_snapshot()).changed == 0


def test_unreachable_database_is_one_clear_error_without_the_password() -> None:
    with pytest.raises(RecordsUnavailable) as caught:
        RecordsStore.open("postgresql+psycopg://someone:s3cret-pw@127.0.0.1:9/records?connect_timeout=2")
    assert "records database" in str(caught.value)
    assert "s3cret-pw" not in str(caught.value)


def _database_at_0001_with_a_course_rating(url: str) -> None:
    """A records database as lms-sync with only revision 0001 left it: Anna's course rating of one competency."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0001")
            site = connection.execute(sites.insert().values(url="https://moodle.example.org")).inserted_primary_key[0]
            course = connection.execute(courses.insert().values(
                site_id=site, moodle_id=42, shortname="KVZ-2026-01", fullname="Kommune und Zivilgesellschaft",
                run_id="kvz-2026-01")).inserted_primary_key[0]
            person = connection.execute(people.insert().values(
                email=ANNA, consultation_opt_in=True, created_at=datetime(2026, 3, 1, tzinfo=UTC))).inserted_primary_key[0]
            framework = connection.execute(competency_frameworks.insert().values(
                site_id=site, moodle_id=4, idnumber="bip-kompetenzen", shortname="BIP Kompetenzen")).inserted_primary_key[0]
            competency = connection.execute(competencies.insert().values(
                framework_id=framework, moodle_id=21, idnumber="bip-k-vertrauen",
                shortname="Vertrauen aufbauen und sichern")).inserted_primary_key[0]
            # Only the columns 0001 has: plan_name does not exist yet.
            connection.execute(competency_ratings.insert().values(
                person_id=person, course_id=course, competency_id=competency, rating=3, proficient=True,
                grade_label="sicher", evidence_note="Moderation der Konfliktübung"))
    finally:
        engine.dispose()


def test_a_0001_database_is_upgraded_and_keeps_its_ratings(empty_records_url: str) -> None:
    _database_at_0001_with_a_course_rating(empty_records_url)

    with RecordsStore.open(empty_records_url) as store:
        assert current_revision(store.engine) == head_revision()
        (rating,) = store.person_ratings(ANNA)
        assert (rating.competency_idnumber, rating.rating, rating.evidence_note) == (
            "bip-k-vertrauen", 3, "Moderation der Konfliktübung")
        assert (rating.plan_moodle_id, rating.plan_name) == (None, "")
        assert rating.course is not None and rating.course.run_id == "kvz-2026-01"
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
        assert differences == []


def test_an_upgraded_database_takes_a_plan_rating_next_to_the_course_rating(empty_records_url: str) -> None:
    _database_at_0001_with_a_course_rating(empty_records_url)
    snapshot = course_snapshot()
    anna = snapshot.competency_ratings[0]
    in_plan = CompetencyRating(user_id=anna.user_id, competency_id=anna.competency_id, plan_id=77,
                               plan_name="Mein Lernplan", rating=4, proficient=True)
    snapshot = snapshot.model_copy(update={"course_id": 42, "competency_ratings": (anna, in_plan)})

    with RecordsStore.open(empty_records_url) as store:
        store.upsert_people([Participant(email=ANNA, consultation_opt_in=True)])
        store.replace_course_snapshot(snapshot)
        rows = store.person_ratings(ANNA)
    assert sorted((row.plan_name, row.rating) for row in rows) == [("", 3), ("Mein Lernplan", 4)]


def test_the_database_refuses_a_second_course_rating_of_one_competency(empty_records_url: str) -> None:
    """NULL plan ids never compare equal, so only the partial unique index of 0004 catches this twin."""
    _database_at_0001_with_a_course_rating(empty_records_url)
    with RecordsStore.open(empty_records_url) as store, store.engine.connect() as connection:
        row = connection.execute(select(competency_ratings)).mappings().one()
        twin = {key: value for key, value in row.items() if key != "id"}
        with pytest.raises(IntegrityError):
            connection.execute(competency_ratings.insert().values(twin))
        connection.rollback()
        connection.execute(competency_ratings.insert().values(twin | {"plan_moodle_id": 77}))  # a plan's rating: fine


def test_upgrading_a_database_with_twin_course_ratings_keeps_the_newest(empty_records_url: str) -> None:
    _database_at_0001_with_a_course_rating(empty_records_url)
    engine = create_engine(empty_records_url)
    try:
        with engine.begin() as connection:
            row = connection.execute(select(competency_ratings.c.person_id, competency_ratings.c.course_id,
                                            competency_ratings.c.competency_id)).mappings().one()
            connection.execute(competency_ratings.insert().values(dict(row) | {"rating": 4, "proficient": True}))
    finally:
        engine.dispose()
    with RecordsStore.open(empty_records_url) as store:
        assert [(r.rating, r.plan_moodle_id) for r in store.person_ratings(ANNA)] == [(4, None)]


def _stored_by_0006(url: str, roles: dict[str, str]) -> None:
    """The sample course as lms-sync before 0007 left it: enrolments with role shortnames (`roles`: e-mail ->
    shortnames, else the sample's) and no role ids."""
    with RecordsStore.open(url) as store:
        store.replace_course_snapshot(course_snapshot())
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0006")
            for email, shortnames in roles.items():
                person = connection.scalar(select(people.c.id).where(people.c.email == email))
                connection.execute(text("UPDATE enrolments SET roles = :roles WHERE person_id = :person"),
                                   {"roles": shortnames, "person": person})
    finally:
        engine.dispose()


def _role_ids(store: RecordsStore) -> dict[str, str]:
    with store.engine.connect() as connection:
        return dict(connection.execute(select(people.c.email, enrolments.c.role_ids).join(people)).all())


def test_migration_0007_gives_old_enrolments_the_ids_of_moodles_standard_roles(empty_records_url: str) -> None:
    _stored_by_0006(empty_records_url, {ANNA: "student", LUKAS: "student,teacher", TRAINER: "editingteacher,teilnehmende"})

    with RecordsStore.open(empty_records_url) as store:
        # A role lms-sync cannot name by its standard shortname gets no id until the course is pulled again.
        assert _role_ids(store) == {ANNA: "5", LUKAS: "4,5", TRAINER: "3"}
        named, _ = store.evaluation_data(ROLES, run_ids=["kvz-2026-01"])
        assert (named.participants, named.trainer_emails) == (2, (TRAINER,))
        repull = store.replace_course_snapshot(course_snapshot())
        assert repull.tables["enrolments"].updated == 2  # Lukas and Petra: Moodle's roles, as pulled now
        assert _role_ids(store) == {ANNA: "5", LUKAS: "5", TRAINER: "3"}


def test_migration_0007_downgrades_to_the_shortnames_alone(empty_records_url: str) -> None:
    _stored_by_0006(empty_records_url, {})
    engine = create_engine(empty_records_url)
    try:
        with engine.connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("enrolments")}
            kept = connection.execute(select(enrolments.c.roles)).scalars().all()
    finally:
        engine.dispose()
    assert "role_ids" not in columns and sorted(kept) == ["editingteacher", "student", "student"]


def test_migration_0008_downgrades_without_touching_the_courses_pulled(empty_records_url: str) -> None:
    with RecordsStore.open(empty_records_url) as store:
        run_id = store.start_sync_run("sync")
        store.replace_course_snapshot(course_snapshot(), sync_run_id=run_id)
        store.finish_sync_run(run_id, "ok", {}, warnings=["push: evaluation not private: …"])
        with store.engine.begin() as connection:  # the records' own engine: SQLite enforces its foreign keys
            command.downgrade(alembic_config(connection), "0007")
            columns = {column["name"] for column in inspect(connection).get_columns("sync_runs")}
            pulls = connection.scalar(select(func.count()).select_from(pull_journal))
    assert "warnings" not in columns and pulls == 1

