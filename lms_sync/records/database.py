"""Create the SQLAlchemy engine for a records URL with the connection settings each backend needs.

SQLite gets foreign keys, WAL, a busy timeout and write-locking transactions; PostgreSQL is used as configured.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from lms_sync.records.errors import RecordsUnavailable

SQLITE_BUSY_TIMEOUT_MS = 30_000


def create_records_engine(url: str) -> Engine:
    """An engine for `url` (sqlite:///path or postgresql+psycopg://...), ready for concurrent use by pulls."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    # `?timeout=SECONDS` in the URL sets how long a write waits for another program's write lock before failing.
    timeout = parsed.query.get("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        busy_timeout_ms = round(float(timeout) * 1000)  # type: ignore[arg-type]
    except ValueError:
        raise RecordsUnavailable(f"records.url: timeout={timeout!r} is not a number of seconds (e.g. ?timeout=60)") from None
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
    in_memory = parsed.database in (None, "", ":memory:")

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
