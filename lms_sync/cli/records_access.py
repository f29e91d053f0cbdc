"""Open the records store for a command, turning records errors into the CLI's one-line input errors (exit 2).

Commands use `with open_records(app) as store:`; the URL comes from `records.url` in the settings. A lookup that
finds nothing (an unknown person, a report without data) is an input error too: its message says what to do.
push only wants the observation cache, which it can do without: `with observation_cache(app) as cache:`.
push and pull run `with journaled(app, "push", wait) as entry:` — under the lock sync takes, journaled like a sync.
Reports and certificates ask the records who is a participant or trainer with `course_roles(app)` (push's role ids).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from lms_sync.cli.app import AppContext, InputError
from lms_sync.records.errors import RecordsUnavailable, first_line
from lms_sync.records.lock import run_lock
from lms_sync.records.observation_cache import ObservationCache
from lms_sync.records.queries import CourseRoles
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


def course_roles(app: AppContext) -> CourseRoles:
    """Who the records count as participants and trainers: those holding the role ids push enrols them with."""
    return CourseRoles.enrolled_by(app.settings.push.student_role_id, app.settings.push.teacher_role_id)


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


@dataclass
class JournalEntry:
    """What a command tells the journal when it ends: status ok/partial/failed, counts, errors."""

    status: str = "ok"
    run_id: int | None = None
    """the journal's id for this run (None when it is not journaled)"""
    counts: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@contextmanager
def journaled(app: AppContext, command: str, wait: float) -> Iterator[JournalEntry]:
    """Hold the run lock that sync, push and pull share (waiting up to `wait` seconds), journaled like a sync.

    A fatal error is journaled as failed with its message. Without a usable records database (where the lock lives)
    push still runs, with a warning, neither locked nor journaled; pull then stops at opening the records.
    """
    url = app.settings.records.url
    entry = JournalEntry()
    try:
        store = RecordsStore.open(url)
    except RecordsUnavailable as error:
        click.echo(f"warning: {error}; this {command} runs without the run lock and the journal", err=True)
        yield entry
        return
    with ExitStack() as stack:
        stack.enter_context(store)
        try:
            holder = stack.enter_context(run_lock(url, command, wait=wait))
            entry.run_id = run_id = store.start_sync_run(command, host=holder.host, pid=holder.pid)
        except SQLAlchemyError as error:
            raise InputError(f"records database: cannot take the run lock or journal this {command} "
                             f"({first_line(error)}); check records.url (or LMS_SYNC_RECORDS_URL)") from None
        ledger = app.moodle().ledger
        requests, retries = ledger.requests, ledger.retries
        try:
            yield entry
        except BaseException as error:
            entry.status = "failed"
            entry.errors.append({"step": command, "run_id": None, "message": f"{type(error).__name__}: {error}"})
            raise
        finally:
            store.finish_sync_run(run_id, entry.status, entry.counts, entry.errors, warnings=entry.warnings,
                                  ws_requests=ledger.requests - requests, ws_retries=ledger.retries - retries)


wait_option = click.option(
    "--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
    help="If another sync, push or pull is running, wait up to SECONDS for it to finish, then exit 4.")
