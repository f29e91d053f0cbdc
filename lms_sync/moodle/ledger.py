"""The per-run call ledger: HTTP requests, retries, failures and time per web-service function.

Shown with `--verbose`, written to the run journal, and read by the benchmark and the idempotency tests.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lms_sync.moodle.functions import is_read_function


@dataclass
class LedgerEntry:
    calls: int = 0
    requests: int = 0
    retries: int = 0
    failures: int = 0
    inner_calls: int = 0
    seconds: float = 0.0


class CallLedger:
    """Thread-safe counters keyed by wsfunction (inner calls of a batched read are counted separately)."""

    def __init__(self) -> None:
        self._entries: dict[str, LedgerEntry] = {}
        self._lock = threading.Lock()

    def _entry(self, wsfunction: str) -> LedgerEntry:
        return self._entries.setdefault(wsfunction, LedgerEntry())

    def record_request(self, wsfunction: str) -> None:
        with self._lock:
            self._entry(wsfunction).requests += 1

    def record(self, wsfunction: str, seconds: float, *, failed: bool = False) -> None:
        with self._lock:
            entry = self._entry(wsfunction)
            entry.calls += 1
            entry.seconds += seconds
            entry.failures += int(failed)

    def record_retry(self, wsfunction: str) -> None:
        with self._lock:
            self._entry(wsfunction).retries += 1

    def record_inner(self, wsfunction: str) -> None:
        with self._lock:
            self._entry(wsfunction).inner_calls += 1

    def snapshot(self) -> dict[str, LedgerEntry]:
        with self._lock:
            return {name: LedgerEntry(**vars(entry)) for name, entry in self._entries.items()}

    @property
    def requests(self) -> int:
        return sum(entry.requests for entry in self.snapshot().values())

    @property
    def retries(self) -> int:
        return sum(entry.retries for entry in self.snapshot().values())

    def write_calls(self) -> int:
        """Calls of functions that change Moodle (everything that is not a getter/lister), inside batches too."""
        return sum(entry.calls + entry.inner_calls for name, entry in self.snapshot().items()
                   if not is_read_function(name))

    def render(self) -> str:
        rows = sorted(self.snapshot().items(), key=lambda item: -item[1].seconds)
        lines = [f"{'wsfunction':<48} {'calls':>6} {'reqs':>6} {'retry':>6} {'fail':>5} {'seconds':>8}"]
        lines += [
            f"{name:<48} {e.calls:>6} {e.requests:>6} {e.retries:>6} {e.failures:>5} {e.seconds:>8.3f}"
            for name, e in rows
        ]
        lines.append(f"{'total':<48} {sum(e.calls for _, e in rows):>6} {self.requests:>6} {self.retries:>6}")
        return "\n".join(lines)
