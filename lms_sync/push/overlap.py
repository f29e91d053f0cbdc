"""Blueprint imports in the background: up to `push.import_concurrency` at once while the push goes on with accounts,
enrolments, groups, dates and competency links (each import keeps a Moodle worker busy for seconds).

A site-wide error in one import cancels the imports not yet begun and is raised when the push waits for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

K = TypeVar("K")


class ImportPool(Generic[K]):
    """`submit(key, work)` starts `work` (true when it imported); `wait()` returns the keys of those that did.

    With 0 workers every `work` runs at once in the caller's thread: nothing overlaps (one request at a time).
    """

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lms-sync-import") if workers else None
        self._submitted: list[tuple[K, Future[bool]]] = []
        self._stopped = threading.Event()

    def submit(self, key: K, work: Callable[[], bool]) -> None:
        if self._pool is None:
            done: Future[bool] = Future()
            done.set_result(work())  # an exception propagates at once, as without the pool
            self._submitted.append((key, done))
        else:
            self._submitted.append((key, self._pool.submit(self._unless_stopped, work)))

    def _unless_stopped(self, work: Callable[[], bool]) -> bool:
        if self._stopped.is_set():
            return False
        try:
            return work()
        except BaseException:
            self._stopped.set()  # the imports still waiting do not begin
            raise

    def wait(self) -> list[K]:
        """Keys whose import succeeded, in submission order; the first import's exception is raised."""
        try:
            return [key for key, future in self._submitted if future.result()]
        finally:
            self.close()

    def close(self) -> None:
        """Cancel what has not begun and wait for what runs (an HTTP request in flight cannot be taken back)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ImportPool[K]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
