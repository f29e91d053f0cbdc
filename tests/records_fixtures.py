"""pytest plugin for records tests: `records_url` runs a test on a fresh SQLite file AND a fresh PostgreSQL schema.

PostgreSQL comes from LMS_SYNC_TEST_POSTGRES_URL (see .ci/postgres-up.sh); without it the postgresql case is skipped
locally and fails under CI=true, so CI can never silently test SQLite only.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from lms_sync.records.store import RecordsStore

POSTGRES_URL_ENV = "LMS_SYNC_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def records_postgres_database() -> Iterator[str | None]:
    """A uniquely named PostgreSQL database for this test session (dropped at the end), or None if not configured."""
    base_url = os.environ.get(POSTGRES_URL_ENV)
    if not base_url:
        yield None
        return
    name = f"lms_sync_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _fresh_postgres_schema(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def records_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty records database; the test runs once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    url = request.getfixturevalue("records_postgres_database")
    if url is None:
        message = f'{POSTGRES_URL_ENV} is not set; run: eval "$(.ci/postgres-up.sh)"'
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests must run in CI: {message}")
        pytest.skip(message)
    _fresh_postgres_schema(url)
    return url


@pytest.fixture
def records_store(records_url: str) -> Iterator[RecordsStore]:
    """A `RecordsStore` opened (and migrated) on `records_url`, closed after the test."""
    store = RecordsStore.open(records_url)
    try:
        yield store
    finally:
        store.close()
