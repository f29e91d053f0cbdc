"""One sync at a time, on SQLite (file lock) and PostgreSQL (advisory lock); a dead holder never blocks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lms_sync.sync.lock import LockHeld, lock_path_for, sync_lock


def test_a_second_sync_is_refused_and_told_who_holds_the_lock(records_url):
    with sync_lock(records_url) as holder:
        assert holder.pid == os.getpid()
        with pytest.raises(LockHeld) as caught, sync_lock(records_url):
            pass
        assert caught.value.holder is not None and caught.value.holder.pid == os.getpid()
        assert f"pid {os.getpid()}" in str(caught.value)
    with sync_lock(records_url):  # released afterwards
        pass


def test_a_lock_left_by_a_killed_process_is_taken_over(records_url):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom lms_sync.sync.lock import sync_lock\n"
         "with sync_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(60)\n", records_url],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld) as caught, sync_lock(records_url):
            pass
        assert caught.value.holder is not None and caught.value.holder.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()
    path = lock_path_for(records_url)
    if path is not None:
        assert path.exists()  # the dead holder's file is still there, yet it does not block
    with sync_lock(records_url) as me:
        assert me.pid == os.getpid()
