"""One sync, push or pull at a time per records database: a file lock beside SQLite, an advisory lock on PostgreSQL.

Both are released by the operating system or the server when the holder dies, so a stale lock never blocks.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

_ADVISORY_KEY = 0x6C6D7373796E63  # "lmssync": one key for every lms-sync sharing this database
_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: str
    command: str = "sync"

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started}"

    @classmethod
    def me(cls, command: str) -> Holder:
        return cls(os.getpid(), socket.gethostname(), datetime.now(UTC).isoformat(timespec="seconds"), command)


class LockHeld(Exception):
    """Another sync, push or pull holds the lock; exit code 4."""

    def __init__(self, holder: Holder | None, waited: float = 0) -> None:
        self.holder = holder
        what = holder.command if holder else "sync, push or pull"
        waiting = f"waited {waited:g} s; " if waited else ""
        super().__init__(f"another lms-sync {what} is running ({holder or 'holder unknown'}); {waiting}"
                         "not starting a second one (--wait SECONDS waits for it)")


def lock_path_for(records_url: str) -> Path | None:
    url = make_url(records_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).with_suffix(Path(url.database).suffix + ".lock")


@contextmanager
def _file_lock(path: Path, command: str) -> Iterator[Holder]:
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
        me = Holder.me(command)
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
def _advisory_lock(records_url: str, command: str) -> Iterator[Holder]:
    me = Holder.me(command)
    tag = f"lms-sync|{me.pid}|{me.started}|{me.command}|{me.host}"[:63]  # PostgreSQL keeps 63 characters
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


def _advisory_holder(connection: Connection) -> Holder | None:
    # Advisory locks belong to one database: another records database on the same server holds its own.
    row = connection.execute(text(
        "SELECT a.application_name, a.client_hostname, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND ((l.classid::bigint << 32) | l.objid::bigint) = :key"), {"key": _ADVISORY_KEY}).first()
    if row is None:
        return None
    parts = str(row[0] or "").split("|", 4)
    if len(parts) == 5 and parts[0] == "lms-sync" and parts[1].isdigit():
        return Holder(int(parts[1]), parts[4], parts[2], parts[3])
    return Holder(0, str(row[1] or "?"), str(row[2]), "run")


@contextmanager
def run_lock(records_url: str, command: str, *, wait: float = 0, sleep: Callable[[float], None] = time.sleep,
             clock: Callable[[], float] = time.monotonic) -> Iterator[Holder]:
    """Hold the lock for the `with` block, waiting up to `wait` seconds for a holder to finish.

    Raises `LockHeld` naming the holder when it is still taken after that.
    """
    path = lock_path_for(records_url)
    deadline = clock() + wait
    with ExitStack() as stack:
        while True:
            try:
                holder = stack.enter_context(_file_lock(path, command) if path is not None
                                             else _advisory_lock(records_url, command))
                break
            except LockHeld as held:
                if clock() >= deadline:
                    raise LockHeld(held.holder, wait) from None
                sleep(min(_POLL_SECONDS, max(0.0, deadline - clock())))
        yield holder
