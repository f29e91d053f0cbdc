"""One sync at a time: a file lock beside a SQLite database, an advisory lock on PostgreSQL.

Both are released by the operating system or the server when the holder dies, so a stale lock never blocks.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_ADVISORY_KEY = 0x6C6D7373796E63  # "lmssync": one key for every lms-sync sharing this database


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: str

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started}"

    @classmethod
    def me(cls) -> Holder:
        return cls(os.getpid(), socket.gethostname(), datetime.now(UTC).isoformat(timespec="seconds"))


class LockHeld(Exception):
    """Another sync holds the lock; exit code 4."""

    def __init__(self, holder: Holder | None) -> None:
        self.holder = holder
        super().__init__(f"another lms-sync sync is running ({holder or 'holder unknown'}); not starting a second one")


def lock_path_for(records_url: str) -> Path | None:
    url = make_url(records_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).with_suffix(Path(url.database).suffix + ".lock")


@contextmanager
def _file_lock(path: Path) -> Iterator[Holder]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the whole sync
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                holder: Holder | None = Holder(**json.loads(handle.read() or "{}"))
            except (TypeError, ValueError):
                holder = None
            raise LockHeld(holder) from None
        me = Holder.me()
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(me.__dict__))
        handle.flush()
        try:
            yield me
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


@contextmanager
def _advisory_lock(records_url: str) -> Iterator[Holder]:
    me = Holder.me()
    tag = f"lms-sync|{me.pid}|{me.started}|{me.host}"[:63]  # PostgreSQL keeps 63 characters
    engine = create_engine(records_url, connect_args={"application_name": tag})
    try:
        with engine.connect() as connection:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _ADVISORY_KEY}).scalar()
            connection.commit()  # the lock is per session; do not sit idle in a transaction for the whole sync
            if not got:
                raise LockHeld(_advisory_holder(connection))
            try:
                yield me
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
                connection.commit()
    finally:
        engine.dispose()


def _advisory_holder(connection: object) -> Holder | None:
    row = connection.execute(text(  # type: ignore[attr-defined]
        "SELECT a.application_name, a.client_hostname, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND ((l.classid::bigint << 32) | l.objid::bigint) = :key"), {"key": _ADVISORY_KEY}).first()
    if row is None:
        return None
    parts = str(row[0] or "").split("|", 3)
    if len(parts) == 4 and parts[0] == "lms-sync" and parts[1].isdigit():
        return Holder(int(parts[1]), parts[3], parts[2])
    return Holder(0, str(row[1] or "?"), str(row[2]))


@contextmanager
def sync_lock(records_url: str) -> Iterator[Holder]:
    """Hold the lock for the duration of the `with` block; raises `LockHeld` naming the holder if it is taken."""
    path = lock_path_for(records_url)
    manager = _file_lock(path) if path is not None else _advisory_lock(records_url)
    with manager as holder:
        yield holder
