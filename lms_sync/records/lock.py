"""One sync at a time: an exclusive lock tied to the records database, released by the OS if the holder dies.

SQLite: flock on a file next to the database. PostgreSQL: a session advisory lock whose holder is named in the
session's application_name. Both vanish with the process, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from lms_sync.records.errors import RecordsError

# Arbitrary but fixed: every lms-sync process on one PostgreSQL database contends for this advisory key.
ADVISORY_LOCK_KEY = 0x6C6D_7353  # "lmsS"
_HOLDER_PREFIX = "lms-sync "


@dataclass(frozen=True)
class LockHolder:
    """Who holds the sync lock."""

    pid: int
    host: str
    started_at: datetime

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, since {self.started_at.isoformat(timespec='seconds')}"

    def to_label(self) -> str:
        """Compact "pid epoch host": PostgreSQL keeps only 63 bytes of an application_name (the host may be cut)."""
        return f"{self.pid} {int(self.started_at.timestamp())} {self.host}"

    @classmethod
    def from_label(cls, label: str) -> LockHolder | None:
        try:
            pid, epoch, host = label.split(" ", 2)
            return cls(int(pid), host, datetime.fromtimestamp(int(epoch), UTC))
        except ValueError:
            return None


class SyncLocked(RecordsError):
    """Another lms-sync run holds the lock; the message names it (exit code 4)."""

    def __init__(self, holder: LockHolder | None) -> None:
        self.holder = holder
        who = holder.describe() if holder else "an unknown process"
        super().__init__(f"another lms-sync run holds the lock ({who}); try again when it has finished")


def _me() -> LockHolder:
    return LockHolder(os.getpid(), socket.gethostname(), datetime.now(UTC).replace(microsecond=0))


@contextmanager
def _file_lock(path: Path) -> Iterator[LockHolder]:
    me = _me()
    # Opened without truncating: the holder's details must stay readable for the process that is turned away.
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncLocked(LockHolder.from_label(path.read_text(encoding="utf-8"))) from None
        os.ftruncate(descriptor, 0)
        os.write(descriptor, me.to_label().encode())
        yield me
    finally:
        # Closing releases the flock; the file stays (removing it would race with a process about to lock it).
        os.close(descriptor)


def _postgres_holder(engine: Engine) -> LockHolder | None:
    query = text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :key AND l.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    with engine.connect() as connection:
        name = connection.scalar(query, {"key": ADVISORY_LOCK_KEY})
    return LockHolder.from_label(name[len(_HOLDER_PREFIX) :]) if name and name.startswith(_HOLDER_PREFIX) else None


@contextmanager
def _advisory_lock(url: str) -> Iterator[LockHolder]:
    me = _me()
    # A connection of its own, outside the pool: the lock lives exactly as long as this session.
    engine = create_engine(url, poolclass=NullPool, connect_args={"application_name": _HOLDER_PREFIX + me.to_label()})
    try:
        with engine.connect() as connection:
            if not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}):
                raise SyncLocked(_postgres_holder(engine))
            connection.commit()
            try:
                yield me
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()


@contextmanager
def sync_lock(url: str) -> Iterator[LockHolder]:
    """Hold the sync lock of the records database at `url` for the `with` block, or raise `SyncLocked` at once."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        with _advisory_lock(url) as holder:
            yield holder
        return
    if parsed.database in (None, "", ":memory:"):
        # An in-memory database belongs to one process: nobody else can sync against it.
        yield _me()
        return
    with _file_lock(Path(f"{parsed.database}.lock")) as holder:
        yield holder
