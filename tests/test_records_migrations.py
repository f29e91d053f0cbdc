"""The records schema comes from Alembic migrations only, matches schema.py exactly, and re-opening is harmless."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from lms_sync.records.errors import RecordsUnavailable
from lms_sync.records.migrate import current_revision, head_revision
from lms_sync.records.schema import metadata
from lms_sync.records.store import RecordsStore
from tests.records_samples import course_snapshot


def test_open_migrates_an_empty_database_to_the_alembic_head(records_store: RecordsStore) -> None:
    assert head_revision() == "0001"
    assert current_revision(records_store.engine) == head_revision()
    tables = set(inspect(records_store.engine).get_table_names())
    assert set(metadata.tables) | {"alembic_version"} == tables


def test_migrated_schema_has_no_difference_from_schema_py(records_store: RecordsStore) -> None:
    with records_store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_reopening_keeps_data_and_revision(records_url: str) -> None:
    with RecordsStore.open(records_url) as store:
        store.replace_course_snapshot(course_snapshot())
    with RecordsStore.open(records_url) as store:
        assert current_revision(store.engine) == "0001"
        assert store.replace_course_snapshot(course_snapshot()).changed == 0


def test_unreachable_database_is_one_clear_error_without_the_password() -> None:
    with pytest.raises(RecordsUnavailable) as caught:
        RecordsStore.open("postgresql+psycopg://someone:s3cret-pw@127.0.0.1:9/records?connect_timeout=2")
    assert "records database" in str(caught.value)
    assert "s3cret-pw" not in str(caught.value)
