"""One sync at a time: a second holder is turned away with the first one's pid and host; a killed holder frees it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from lms_sync.records.lock import SyncLocked
from lms_sync.records.store import RecordsStore

HOLD_LOCK = """
import sys, time
from lms_sync.records.lock import sync_lock
with sync_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_second_sync_is_refused_while_the_first_holds_the_lock(records_store: RecordsStore) -> None:
    with records_store.sync_lock() as holder:
        assert holder.pid == os.getpid()
        with pytest.raises(SyncLocked) as refused, records_store.sync_lock():
            pass
    assert refused.value.holder is not None
    assert refused.value.holder.pid == os.getpid()
    # PostgreSQL keeps 63 bytes of the holder label, so a very long host name may arrive cut short.
    assert refused.value.holder.host and socket.gethostname().startswith(refused.value.holder.host)
    assert f"pid {os.getpid()}" in str(refused.value)
    with records_store.sync_lock():
        pass  # released at the end of the first block


def test_a_killed_holder_leaves_no_stale_lock(records_store: RecordsStore, records_url: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, records_url], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(SyncLocked, match=f"pid {holder.pid} "), records_store.sync_lock():
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The OS (or PostgreSQL, on seeing the socket close) releases the lock; allow it a moment to notice.
    deadline = time.monotonic() + 10
    while True:
        try:
            with records_store.sync_lock() as me:
                assert me.pid == os.getpid()
            return
        except SyncLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
