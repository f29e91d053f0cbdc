"""The run journal: one row per sync/push/pull invocation and one per course pulled, for `lms-sync runs`.

Counts, errors and warnings are stored as JSON text so every command can journal what matters to it without a migration;
their text holds no secret and no e-mail address (the journal outlives every person's erasure).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from lms_sync.records.schema import pull_journal, sync_runs
from lms_sync.redaction import redact

_EMAIL = re.compile(r"\w[\w.+'-]*@[\w-]+(?:\.[\w-]+)*\.[\w-]{2,}")
MASKED_EMAIL = "(an e-mail address)"
"""what the journal keeps where a message named an address ("sync-b.csv:3: e-mail … is listed twice" keeps its line)"""

RUN_STATUSES = ("running", "ok", "partial", "failed")
"""running: not finished (or the process died); ok: all good; partial: some runs failed; failed: nothing done."""


@dataclass(frozen=True)
class CoursePull:
    """One course's pull as journaled: counts on success, the error (first line, no data values) on failure."""

    site_url: str
    course_moodle_id: int
    course_idnumber: str | None
    started_at: datetime
    finished_at: datetime
    duration_seconds: float
    counts: dict[str, Any]
    error: str | None


@dataclass(frozen=True)
class SyncRun:
    """One journaled command run; `pulls` is filled by `get_sync_run` only."""

    id: int
    command: str
    status: str
    host: str
    pid: int
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, Any]
    ws_requests: int
    ws_retries: int
    errors: list[Any]
    warnings: list[str]
    """what the run warned about without failing (e.g. trainers who can read a named evaluation)"""
    pulls: tuple[CoursePull, ...] = ()


def _journal_text(value: Any) -> Any:
    """`value` with every string redacted (secrets) and its e-mail addresses masked, string by string: a secret
    escaped by JSON could not be found in the dumped text."""
    if isinstance(value, str):
        return _EMAIL.sub(MASKED_EMAIL, redact(value))
    if isinstance(value, Mapping):
        return {key: _journal_text(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_journal_text(item) for item in value]
    return value


def start_sync_run(connection: Connection, command: str, started_at: datetime, host: str, pid: int) -> int:
    values = {"command": command, "status": "running", "started_at": started_at, "host": host, "pid": pid}
    return connection.execute(insert(sync_runs).values(values).returning(sync_runs.c.id)).scalar_one()


def finish_sync_run(
    connection: Connection,
    run_id: int,
    status: str,
    finished_at: datetime,
    counts: Mapping[str, Any],
    errors: Sequence[Any],
    ws_requests: int,
    ws_retries: int,
    warnings: Sequence[str] = (),
) -> None:
    if status not in RUN_STATUSES[1:]:
        raise ValueError(f"status {status!r}: a finished run is one of {', '.join(RUN_STATUSES[1:])}")
    values = {
        "status": status,
        "finished_at": finished_at,
        "counts": json.dumps(counts, sort_keys=True),
        "errors": json.dumps(_journal_text(list(errors)), ensure_ascii=False),
        "warnings": json.dumps(_journal_text(list(warnings)), ensure_ascii=False),
        "ws_requests": ws_requests,
        "ws_retries": ws_retries,
    }
    result = connection.execute(update(sync_runs).where(sync_runs.c.id == run_id).values(values))
    if result.rowcount != 1:
        raise LookupError(f"no sync run with id {run_id}")


def record_course_pull(connection: Connection, sync_run_id: int | None, pull: CoursePull) -> None:
    values = vars(pull) | {"sync_run_id": sync_run_id, "counts": json.dumps(pull.counts, sort_keys=True),
                           "error": _journal_text(pull.error) if pull.error else None}
    connection.execute(insert(pull_journal).values(values))


def _sync_run(row: RowMapping, pulls: tuple[CoursePull, ...] = ()) -> SyncRun:
    return SyncRun(
        **{key: row[key] for key in ("id", "command", "status", "host", "pid", "started_at", "finished_at")},
        counts=json.loads(row["counts"]),
        ws_requests=row["ws_requests"],
        ws_retries=row["ws_retries"],
        errors=json.loads(row["errors"]),
        warnings=json.loads(row["warnings"]),
        pulls=pulls,
    )


def list_sync_runs(connection: Connection, limit: int) -> list[SyncRun]:
    """The newest `limit` runs, newest first."""
    query = select(sync_runs).order_by(sync_runs.c.id.desc()).limit(limit)
    return [_sync_run(row) for row in connection.execute(query).mappings()]


def get_sync_run(connection: Connection, run_id: int) -> SyncRun | None:
    row = connection.execute(select(sync_runs).where(sync_runs.c.id == run_id)).mappings().first()
    if row is None:
        return None
    pull_rows = connection.execute(
        select(pull_journal).where(pull_journal.c.sync_run_id == run_id).order_by(pull_journal.c.id)
    ).mappings()
    pulls = tuple(
        CoursePull(
            **{key: pull[key] for key in CoursePull.__dataclass_fields__ if key != "counts"},
            counts=json.loads(pull["counts"]),
        )
        for pull in pull_rows
    )
    return _sync_run(row, pulls)
