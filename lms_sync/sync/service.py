"""`run_sync`: check → push → pull for the catalogue's active runs, one sync at a time, journaled in the records.

A failing run is reported and skipped; a site-wide Moodle failure stops the sync, leaving only whole courses written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import get_args

from sqlalchemy.exc import SQLAlchemyError

from lms_sync.check import check_site
from lms_sync.config import Settings, SyncStep
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleError, WriteOutcomeUnknown
from lms_sync.pull import catalogue_people, pull_courses, run_targets
from lms_sync.push.apply import push
from lms_sync.push.desired import DesiredCourse
from lms_sync.records.errors import RecordsWriteError, first_line
from lms_sync.records.lock import Holder, run_lock
from lms_sync.records.observation_cache import ObservationCache
from lms_sync.records.store import RecordsStore
from lms_sync.redaction import redact
from lms_sync.sync.active import split_active
from lms_sync.sync.report import Step, SyncError, SyncReport
from lms_sync.workspace import Workspace, load_workspace

log = logging.getLogger("lms_sync.sync")
STEPS: tuple[SyncStep, ...] = get_args(SyncStep)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SyncOptions:
    """What this sync runs: the configured steps minus those switched off on the command line."""

    steps: tuple[SyncStep, ...] = STEPS

    @classmethod
    def from_settings(cls, settings: Settings, *, push: bool = True, pull: bool = True) -> SyncOptions:
        switched_off = {step for step, wanted in (("push", push), ("pull", pull)) if not wanted}
        return cls(tuple(step for step in STEPS if step in settings.sync.steps and step not in switched_off))


class _Stop(Exception):
    """The site, token or connection failed, or a write's outcome is unknown: no later step can do better."""

    def __init__(self, message: str, *, outcome_unknown: bool = False) -> None:
        super().__init__(message)
        self.outcome_unknown = outcome_unknown


def _utc_now() -> datetime:
    return datetime.now(UTC)


def run_sync(settings: Settings, client: MoodleClient, open_store: Callable[[], AbstractContextManager[RecordsStore]],
             options: SyncOptions, *, clock: Callable[[], datetime] = _utc_now,
             progress: Progress = lambda label: None, wait: float = 0) -> SyncReport:
    """Run one sync under the run lock; returns its report (also journaled in the records).

    Raises `LockHeld` when another sync, push or pull still runs after `wait` seconds, `WorkspaceError` for an
    unusable catalogue or templates folder (journaled as failed), and `RecordsError` when the records database
    refuses the journal.
    Moodle failures never raise: a run's failure is in `report.errors`, a site-wide one in `report.stopped`.
    """
    with run_lock(settings.records.url, "sync", wait=wait) as holder, open_store() as store:
        report = _start(store, holder, options, clock())
        requests, retries = client.ledger.requests, client.ledger.retries
        try:
            _Sync(settings, client, store, report, clock, progress).run()
        except _Stop as stop:
            report.stopped, report.outcome_unknown = str(stop), stop.outcome_unknown
            log.error("sync stopped: %s", stop)
        except SQLAlchemyError as error:  # the records refused a write (locked, full disk): no later step can help
            report.stopped = f"records database: {_first_line(error)}"
            raise RecordsWriteError(report.stopped) from None
        except BaseException as error:
            report.stopped = redact(f"{type(error).__name__}: {error}")
            raise
        finally:
            report.finished_at = clock()
            report.ws_requests = client.ledger.requests - requests
            report.ws_retries = client.ledger.retries - retries
            _finish(store, report)
            log.info("sync %d finished: %s, %d run(s) failed, %d requests, %d retries, %.1f s", report.journal_id,
                     report.status, len(report.failed_runs), report.ws_requests, report.ws_retries, report.seconds)
    return report


def _start(store: RecordsStore, holder: Holder, options: SyncOptions, now: datetime) -> SyncReport:
    try:
        journal_id = store.start_sync_run("sync", host=holder.host, pid=holder.pid, started_at=now)
    except SQLAlchemyError as error:
        raise RecordsWriteError(f"cannot journal the sync's start: {_first_line(error)}") from None
    return SyncReport(journal_id=journal_id, started_at=now, steps=options.steps)


def _finish(store: RecordsStore, report: SyncReport) -> None:
    try:
        store.finish_sync_run(report.journal_id, report.status, report.counts(), report.journal_errors(),
                              ws_requests=report.ws_requests, ws_retries=report.ws_retries,
                              warnings=report.push_warnings, finished_at=report.finished_at)
    except SQLAlchemyError as error:
        raise RecordsWriteError(f"cannot journal the end of sync {report.journal_id}: {_first_line(error)}") from None


def _first_line(error: SQLAlchemyError) -> str:
    return f"{first_line(error)} (is another program writing to it?)"


class _Sync:
    def __init__(self, settings: Settings, client: MoodleClient, store: RecordsStore, report: SyncReport,
                 clock: Callable[[], datetime], progress: Progress) -> None:
        self.settings, self.client, self.store, self.report = settings, client, store, report
        self.clock, self.progress = clock, progress

    def fail(self, step: Step, run_id: str | None, message: str) -> None:
        self.report.errors.append(SyncError(step, run_id, redact(message)))

    def run(self) -> None:
        workspace = self.workspace()
        catalogue = self.settings.catalogue
        active, inactive = split_active(workspace.courses, now=self.report.started_at,
                                        days_before_start=catalogue.active_days_before_start,
                                        days_after_end=catalogue.active_days_after_end)
        self.report.active_runs = [course.run_id for course in active]
        self.report.inactive_runs = [course.run_id for course in inactive]
        log.info("sync %d started: steps %s; active runs: %s", self.report.journal_id, ", ".join(self.report.steps),
                 ", ".join(self.report.active_runs) or "none")
        steps = self.report.steps
        if "check" in steps:
            self.check(steps)
        if "push" in steps and active:
            self.push(active)
        if "pull" in steps and active:
            self.pull(workspace, active)
        months = self.settings.records.retention_months
        if months:
            self.progress("purging old personal data")
            self.report.purged = self.store.purge_older_than(months, self.clock())

    def workspace(self) -> Workspace:
        workspace = load_workspace(self.settings)
        self.report.warnings = list(workspace.warnings)
        for run_id, message in workspace.skipped():
            self.fail("catalogue", run_id, message)
        return workspace

    def check(self, steps: Sequence[str]) -> None:
        self.progress("checking the site")
        try:
            self.report.check = check_site(self.client)
        except MoodleError as error:
            raise _Stop(str(error)) from None
        blocked = {command: missing for command, missing in self.report.check.missing_by_command.items()
                   if command in steps}
        if blocked:
            names = "; ".join(f"{command} needs {', '.join(missing)}" for command, missing in blocked.items())
            raise _Stop(f"the token's web service lacks functions: {names} — add them to the external service "
                        "(see `lms-sync check`)")

    def push(self, active: Sequence[DesiredCourse]) -> None:
        try:
            report = push(self.client, active, self.settings.push,
                          cache=ObservationCache(self.store.engine, self.settings.moodle.url), step=self.progress)
        except WriteOutcomeUnknown as error:
            raise _Stop(f"during push: {error}", outcome_unknown=True) from None
        except MoodleError as error:
            raise _Stop(f"during push: {error}") from None
        self.report.push = report
        self.report.warnings += self.report.push_warnings
        for run_id, messages in report.failures.items():
            for message in messages:
                self.fail("push", None if run_id == "-" else run_id, message)

    def pull(self, workspace: Workspace, active: Sequence[DesiredCourse]) -> None:
        self.progress("pulling courses")
        report = pull_courses(self.client, self.store, run_targets(active, required=False),
                              catalogue_courses=workspace.courses, people=catalogue_people(active),
                              student_role_id=self.settings.push.student_role_id, sync_run_id=self.report.journal_id,
                              on_course_done=lambda result: self.progress(f"pulled {result.label}"))
        self.report.pull = report
        for course in report.failed:
            self.fail("pull", course.run_id, course.error or "failed")
        if report.aborted is not None:
            raise _Stop(f"during pull: {report.aborted}")
