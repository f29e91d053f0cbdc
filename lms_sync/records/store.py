"""`RecordsStore`: the one door to the records database for pull, reports, data-protection commands and the journal.

Each public method runs in its own transaction; `open` migrates the database to the newest schema first.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from lms_sync.records import gdpr, journal, queries
from lms_sync.records.course_writer import SnapshotCounts, write_course_snapshot
from lms_sync.records.database import records_engine
from lms_sync.records.errors import RecordsUnavailable, RecordsWriteError, first_line
from lms_sync.records.journal import CoursePull, SyncRun
from lms_sync.records.migrate import upgrade_to_head
from lms_sync.records.people import Participant, opted_in_emails, upsert_people
from lms_sync.records.queries import CourseEvaluation, CourseRoles, ParticipationRow, RatingRow
from lms_sync.records.rows import TableCounts
from lms_sync.records.snapshot import CourseSnapshot


def _now() -> datetime:
    return datetime.now(UTC)


class RecordsStore:
    """The institute's records in SQLite or PostgreSQL. Thread-safe: concurrent pulls may share one store."""

    def __init__(self, engine: Engine) -> None:
        """Wrap an engine whose database is already at the newest schema; use `RecordsStore.open` instead."""
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> RecordsStore:
        """Connect to `url` (`sqlite:///path.db` or `postgresql+psycopg://user:pw@host/db`) and migrate it to head.

        Raises `RecordsUnavailable` with a one-line reason when the database cannot be reached or migrated.
        """
        try:
            engine = records_engine(url)
        except (SQLAlchemyError, ImportError) as exc:  # an unparsable URL, an unknown dialect, a missing driver
            raise RecordsUnavailable(f"records.url is not a database lms-sync can use ({first_line(exc)}): use "
                                     "sqlite:///path/to/records.db or postgresql+psycopg://user@host/db") from None
        try:
            upgrade_to_head(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            where = engine.url.render_as_string(hide_password=True)
            raise RecordsUnavailable(f"records database {where}: {first_line(exc)}") from None
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> RecordsStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- pull -------------------------------------------------------------------------------------------------

    def replace_course_snapshot(
        self,
        snapshot: CourseSnapshot,
        *,
        sync_run_id: int | None = None,
        pull_started_at: datetime | None = None,
    ) -> SnapshotCounts:
        """Make the stored state of one course equal to `snapshot`, in ONE transaction, and journal the pull.

        Rows are matched by Moodle ids scoped by site: new ones inserted, changed ones updated, rows of this course
        that are no longer in Moodle deleted; writing the same snapshot again changes nothing (`counts.changed == 0`).
        Competency ratings are stored only for people who opted in to the consultation. Anonymous attempts are stored
        without any link to a person. On failure the course keeps its previous state, the failure is journaled
        (with `sync_run_id`) and `RecordsWriteError` is raised. `pull_started_at` (when reading Moodle began) makes
        the journaled duration cover the whole pull of the course.
        """
        started_at = pull_started_at or _now()
        clock = time.monotonic()
        try:
            with self.engine.begin() as connection:
                counts = write_course_snapshot(connection, snapshot)
        except SQLAlchemyError as exc:
            error = first_line(exc)
            self.record_course_pull(
                snapshot.site_url,
                snapshot.course_id,
                snapshot.idnumber,
                started_at,
                None,
                error=error,
                sync_run_id=sync_run_id,
                write_seconds=time.monotonic() - clock,
            )
            raise RecordsWriteError(
                f"course {snapshot.idnumber or snapshot.course_id} was not written, its previous records are intact: {error}"
            ) from exc
        self.record_course_pull(
            snapshot.site_url,
            snapshot.course_id,
            snapshot.idnumber,
            started_at,
            counts.as_dict(),
            sync_run_id=sync_run_id,
            write_seconds=time.monotonic() - clock,
        )
        return counts

    def record_course_pull(
        self,
        site_url: str,
        course_moodle_id: int,
        course_idnumber: str | None,
        started_at: datetime,
        counts: Mapping[str, Any] | None,
        *,
        error: str | None = None,
        sync_run_id: int | None = None,
        write_seconds: float = 0.0,
    ) -> None:
        """Journal one course's pull, e.g. one that failed while reading Moodle (`error`, no counts)."""
        finished_at = _now()
        duration = max((finished_at - started_at).total_seconds(), write_seconds)
        pull = CoursePull(
            site_url=site_url,
            course_moodle_id=course_moodle_id,
            course_idnumber=course_idnumber,
            started_at=started_at,
            finished_at=finished_at,
            duration_seconds=duration,
            counts=dict(counts or {}),
            error=error,
        )
        with self.engine.begin() as connection:
            journal.record_course_pull(connection, sync_run_id, pull)

    def upsert_people(self, participants: Iterable[Participant], *, now: datetime | None = None) -> TableCounts:
        """Store catalogue participants by e-mail: new ones inserted, changed names/organisation/opt-in updated."""
        with self.engine.begin() as connection:
            return upsert_people(connection, participants, now or _now())

    def opted_in_emails(self, emails: Iterable[str]) -> set[str]:
        """The addresses among `emails` whose person opted in to the consultation (competency ratings are kept)."""
        with self.engine.connect() as connection:
            return opted_in_emails(connection, emails)

    # --- reports ----------------------------------------------------------------------------------------------

    def evaluation_data(
        self,
        roles: CourseRoles,
        *,
        run_ids: Sequence[str] | None = None,
        template: str | None = None,
        trainer_email: str | None = None,
    ) -> list[CourseEvaluation]:
        """Feedback items and anonymised responses of the selected courses (filters combine; none = all); participants
        and trainers are who holds `roles`' role ids."""
        with self.engine.connect() as connection:
            return queries.evaluation_data(connection, roles, run_ids=run_ids, template=template,
                                           trainer_email=trainer_email)

    def participation(self, roles: CourseRoles, *, run_ids: Sequence[str] | None = None) -> list[ParticipationRow]:
        """Who took part in which course, with course and activity completion; participants hold `roles.participant`."""
        with self.engine.connect() as connection:
            return queries.participation(connection, roles, run_ids=run_ids)

    def person_names(self, emails: Iterable[str]) -> dict[str, str]:
        """E-mail -> "Vorname Nachname" for every address given (the address itself when no name is stored)."""
        with self.engine.connect() as connection:
            return queries.person_names(connection, list(emails))

    def person_ratings(self, email: str) -> list[RatingRow]:
        """The person's competency ratings over time (empty for unknown people)."""
        with self.engine.connect() as connection:
            return queries.person_ratings(connection, email)

    # --- data protection --------------------------------------------------------------------------------------

    def export_person(self, email: str) -> dict[str, Any]:
        """Everything stored about the person as JSON-serialisable data; `PersonNotFound` if unknown."""
        with self.engine.connect() as connection:
            return gdpr.export_person(connection, email)

    def forget_person(self, email: str, *, now: datetime | None = None) -> dict[str, int]:
        """Erase the person (rows per table in the result); anonymous aggregates stay; `PersonNotFound` if unknown."""
        with self.engine.begin() as connection:
            return gdpr.forget_person(connection, email, now or _now())

    def purge_older_than(self, months: int, now: datetime | None = None) -> dict[str, int]:
        """Purge personal data of courses that ended more than `months` months ago; 0 keeps everything."""
        with self.engine.begin() as connection:
            return gdpr.purge_older_than(connection, months, now or _now())

    # --- run journal ------------------------------------------------------------------------------------------

    def start_sync_run(
        self, command: str, *, host: str | None = None, pid: int | None = None, started_at: datetime | None = None
    ) -> int:
        """Journal the start of a command run (status "running"); returns its id for `finish_sync_run`."""
        with self.engine.begin() as connection:
            return journal.start_sync_run(
                connection, command, started_at or _now(), host or socket.gethostname(), pid or os.getpid()
            )

    def finish_sync_run(
        self,
        run_id: int,
        status: str,
        counts: Mapping[str, Any],
        errors: Sequence[Any] = (),
        *,
        ws_requests: int = 0,
        ws_retries: int = 0,
        warnings: Sequence[str] = (),
        finished_at: datetime | None = None,
    ) -> None:
        """Journal the end of a run: status "ok", "partial" or "failed"; counts and errors must be JSON-serialisable."""
        with self.engine.begin() as connection:
            journal.finish_sync_run(connection, run_id, status, finished_at or _now(), counts, errors, ws_requests,
                                    ws_retries, warnings)

    def list_sync_runs(self, limit: int = 20) -> list[SyncRun]:
        """The newest runs first."""
        with self.engine.connect() as connection:
            return journal.list_sync_runs(connection, limit)

    def get_sync_run(self, run_id: int) -> SyncRun | None:
        """One run with the courses it pulled, or None."""
        with self.engine.connect() as connection:
            return journal.get_sync_run(connection, run_id)
