"""Open the records store for a command, turning records errors into the CLI's one-line input errors (exit 2).

Commands use `with open_records(app) as store:`; the URL comes from `records.url` in the settings. A lookup that
finds nothing (an unknown person, a report without data) is an input error too: its message says what to do.
push only wants the observation cache, which it can do without: `with observation_cache(app) as cache:`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from lms_sync.cli.app import AppContext, InputError
from lms_sync.records.errors import RecordsUnavailable
from lms_sync.records.observation_cache import ObservationCache
from lms_sync.records.store import RecordsStore


@contextmanager
def open_records(app: AppContext) -> Iterator[RecordsStore]:
    try:
        store = RecordsStore.open(app.settings.records.url)
    except RecordsUnavailable as error:
        raise InputError(f"{error}; check records.url in the settings (or LMS_SYNC_RECORDS_URL)") from None
    try:
        yield store
    except LookupError as error:
        raise InputError(str(error)) from None
    finally:
        store.close()


@contextmanager
def observation_cache(app: AppContext) -> Iterator[ObservationCache | None]:
    """The records database's observation cache, or None (with a warning) when the database cannot be opened."""
    try:
        store = RecordsStore.open(app.settings.records.url)
    except RecordsUnavailable as error:
        click.echo(f"warning: {error}; reading everything from Moodle instead of using the observation cache", err=True)
        yield None
        return
    try:
        yield ObservationCache(store.engine, app.settings.moodle.url)
    finally:
        store.close()
