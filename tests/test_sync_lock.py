"""One sync, push or pull at a time, on SQLite (file lock) and PostgreSQL (advisory lock); a dead holder never blocks;
`wait` waits for a holder to finish."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack

import pytest

from lms_sync.records.lock import LockHeld, lock_path_for, run_lock
from tests.records_fixtures import postgres_database


def test_a_second_sync_is_refused_and_told_who_holds_the_lock(records_url):
    with run_lock(records_url, "sync") as holder:
        assert holder.pid == os.getpid()
        with pytest.raises(LockHeld) as caught, run_lock(records_url, "sync"):
            pass
        assert caught.value.holder is not None and caught.value.holder.pid == os.getpid()
        assert f"pid {os.getpid()}" in str(caught.value)
    with run_lock(records_url, "sync"):  # released afterwards
        pass


def test_a_lock_left_by_a_killed_process_is_taken_over(records_url):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom lms_sync.records.lock import run_lock\n"
         "with run_lock(sys.argv[1], 'push'):\n    print('held', flush=True)\n    time.sleep(60)\n", records_url],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld) as caught, run_lock(records_url, "sync"):
            pass
        assert caught.value.holder is not None and caught.value.holder.pid == holder.pid
        assert "another lms-sync push is running" in str(caught.value)
    finally:
        holder.kill()
        holder.wait()
    path = lock_path_for(records_url)
    if path is not None:
        assert path.exists()  # the dead holder's file is still there, yet it does not block
    # PostgreSQL frees a dead client's advisory lock when its server process sees the connection gone: soon after
    # the kill, not at once (under load a test that asked at once found it still held).
    with run_lock(records_url, "sync", wait=10) as me:
        assert me.pid == os.getpid()


def test_waiting_gives_up_after_the_given_seconds_naming_the_holder(records_url):
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with (run_lock(records_url, "sync"), pytest.raises(LockHeld) as caught,
          run_lock(records_url, "push", wait=3, sleep=sleep, clock=lambda: now[0])):
        pass
    assert now[0] == 3
    assert "another lms-sync sync is running" in str(caught.value) and "waited 3 s" in str(caught.value)


def test_waiting_takes_the_lock_once_the_holder_is_done(records_url):
    held = ExitStack()
    held.enter_context(run_lock(records_url, "sync"))
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        held.close()  # the nightly sync finishes while push waits

    with run_lock(records_url, "push", wait=60, sleep=sleep) as me:
        assert me.command == "push"
    assert len(naps) == 1


def test_a_lock_in_another_records_database_on_the_same_server_is_neither_a_block_nor_the_named_holder(records_url):
    if not records_url.startswith("postgresql"):
        pytest.skip("SQLite databases are files: one lock file each")
    with (postgres_database(records_url, "lms_sync_other") as other_url,
          run_lock(other_url, "push"),  # another institute's push beside our sync
          run_lock(records_url, "sync"),
          pytest.raises(LockHeld) as caught,
          run_lock(records_url, "pull")):
        pass
    assert caught.value.holder is not None and caught.value.holder.command == "sync"
