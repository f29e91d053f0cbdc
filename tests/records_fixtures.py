"""pytest plugin for records tests: `records_url` runs a test on a SQLite file AND a PostgreSQL database, each at the
newest schema and holding no data; `empty_records_url` gives databases without any schema, for migration tests.

PostgreSQL comes from LMS_SYNC_TEST_POSTGRES_URL (see .ci/postgres-up.sh); without it the postgresql case is skipped
locally and fails under CI=true, so CI can never silently test SQLite only. Migrating costs 60-300 ms a database, so
each test worker migrates once: SQLite tests get a copy of a migrated file, PostgreSQL tests the worker's database
with every row deleted (or dropped and migrated anew when a test changed its schema).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from lms_sync.records.migrate import head_revision
from lms_sync.records.schema import metadata, schema_upgrades
from lms_sync.records.store import RecordsStore

POSTGRES_URL_ENV = "LMS_SYNC_TEST_POSTGRES_URL"
_INSUFFICIENT_PRIVILEGE = "42501"


@contextmanager
def postgres_database(base_url: str, prefix: str) -> Iterator[str]:
    """A new, uniquely named database on `base_url`'s server (its URL), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)


def _drop_database(admin: Engine, name: str, attempts: int = 50) -> None:
    """Drop `name`, ending the connections left to it. FORCE may not end an autovacuum worker that is busy on the new
    database (it runs as the superuser: "must be a member of the role whose process is being terminated"), so a
    refusal is tried again: the worker gives way to a waiting DROP within moments."""
    for attempt in range(attempts):
        try:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except ProgrammingError as error:
            if getattr(error.orig, "sqlstate", None) != _INSUFFICIENT_PRIVILEGE or attempt == attempts - 1:
                raise
            time.sleep(0.1)
        admin.dispose()


@pytest.fixture(scope="session")
def records_postgres_database() -> Iterator[str | None]:
    """A uniquely named PostgreSQL database for this test worker (dropped at the end), or None if not configured."""
    base_url = os.environ.get(POSTGRES_URL_ENV)
    if not base_url:
        yield None
        return
    with postgres_database(base_url, "lms_sync_test") as url:
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite records file migrated to the newest schema once per worker; tests get copies of it."""
    path = tmp_path_factory.mktemp("records-template") / "records.db"
    RecordsStore.open(f"sqlite:///{path}").close()
    return path


def _postgres_url(request: pytest.FixtureRequest) -> str:
    url: str | None = request.getfixturevalue("records_postgres_database")
    if url is None:
        message = f'{POSTGRES_URL_ENV} is not set; run: eval "$(.ci/postgres-up.sh)"'
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests must run in CI: {message}")
        pytest.skip(message)
    return url


def drop_postgres_schema(url: str) -> None:
    """Leave the database without any schema: an empty `public`."""
    with _cleaning_engine(url).begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


@cache
def _cleaning_engine(url: str) -> Engine:
    """The worker's connection for emptying or dropping a database between tests, kept open (that is most of a setup).

    Its statements are never prepared, so a schema dropped and made anew by a test cannot meet a stale plan.
    """
    return create_engine(url, connect_args={"prepare_threshold": None})


def _as_migrated(connection: Connection) -> bool:
    """True when the database has exactly the newest schema and the one upgrade row migrating it wrote."""
    tables = set(connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
    if tables != set(metadata.tables) | {"alembic_version"}:
        return False
    revision, upgrades = connection.execute(text(
        "SELECT (SELECT max(version_num) FROM alembic_version), (SELECT count(*) FROM schema_upgrades)")).one()
    return bool(revision == head_revision() and upgrades == 1)


def _emptied_postgres(url: str) -> None:
    """Leave the database at the newest schema with no data: delete every row (one round trip), or migrate anew if
    a test left another schema."""
    with _cleaning_engine(url).begin() as connection:
        if _as_migrated(connection):
            connection.exec_driver_sql("; ".join(f'DELETE FROM "{table.name}"' for table in reversed(metadata.sorted_tables)
                                                 if table is not schema_upgrades))
            return
    drop_postgres_schema(url)
    RecordsStore.open(url).close()


@pytest.fixture(params=["sqlite", "postgresql"])
def records_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a records database at the newest schema holding no data; the test runs once per backend."""
    if request.param == "sqlite":
        path = tmp_path / "records.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
        return f"sqlite:///{path}"
    url = _postgres_url(request)
    _emptied_postgres(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_records_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a database without any schema (for migration tests); the test runs once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    url = _postgres_url(request)
    drop_postgres_schema(url)
    return url


@pytest.fixture
def records_store(records_url: str) -> Iterator[RecordsStore]:
    """A `RecordsStore` opened on `records_url`, closed after the test."""
    store = RecordsStore.open(records_url)
    try:
        yield store
    finally:
        store.close()
