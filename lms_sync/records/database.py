"""The SQLAlchemy engine of a records URL, one per URL for the life of the process, with each backend's settings.

SQLite gets foreign keys, WAL, a busy timeout and write-locking transactions, and a new database file is created
readable by its owner only (it holds personal data); PostgreSQL is used as configured.
"""

from __future__ import annotations

import logging
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from lms_sync.records.errors import RecordsUnavailable

SQLITE_BUSY_TIMEOUT_MS = 30_000
log = logging.getLogger("lms_sync.records")


def _private_file(path: Path) -> None:
    """Create `path` with mode 0600 if it is missing (SQLite gives its -wal/-shm files the same); warn if others may read it."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("records database %s can be read by other users (mode %o) and holds personal data: "
                        "run `chmod 600 %s`", path, mode, path)
    except OSError:
        pass  # a missing folder: SQLite's own error says so when it connects


def records_engine(url: str) -> Engine:
    """The engine for `url` (sqlite:///path or postgresql+psycopg://...), ready for concurrent use by pulls.

    The same engine each time for the same URL, as SQLAlchemy advises: it compiles each statement once and learns the
    server once, however many stores a command (or the test suite's commands) opens; `dispose()` closes its
    connections and keeps that. A SQLite file is made private whenever it is new, not only the first time.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not _in_memory(parsed) and not str(parsed.database).startswith("file:"):
        _private_file(Path(str(parsed.database)))
    return _engine(parsed)


def _in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:")


@lru_cache(maxsize=8)
def _engine(parsed: URL) -> Engine:
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    # `?timeout=SECONDS` in the URL sets how long a write waits for another program's write lock before failing.
    timeout = parsed.query.get("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        busy_timeout_ms = round(float(timeout) * 1000)  # type: ignore[arg-type]
    except ValueError:
        raise RecordsUnavailable(f"records.url: timeout={timeout!r} is not a number of seconds (e.g. ?timeout=60)") from None
    engine = create_engine(parsed, connect_args={"timeout": busy_timeout_ms / 1000})
    in_memory = _in_memory(parsed)

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so "begin" below decides how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        if not in_memory:
            # Readers (reports) do not block the writer (a pull) and vice versa.
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        # A deferred transaction that reads and then writes can fail at once with "database is locked" when two
        # pulls overlap; taking the write lock up front makes the second one wait for the busy timeout instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
