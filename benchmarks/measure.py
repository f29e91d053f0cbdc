"""Measuring one benchmark phase: HTTP requests and write calls from the client's ledger, wall time, peak resident
memory (RSS) of the process during the phase, and the largest request in form fields (a wrapping transport).

Peak RSS: Linux's high-water mark VmHWM is reset (`/proc/self/clear_refs` ← 5) when a phase starts and read when it
ends; where that is not possible, `ru_maxrss` (peak of the whole process so far) is reported and marked as such.
"""

from __future__ import annotations

import re
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import httpx
from pydantic import SecretStr

from lms_sync.moodle.client import MoodleClient
from tests.fake_moodle import FakeMoodle

T = TypeVar("T")
_PROC_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")
_RESET_PEAK_RSS = "5"  # see proc(5), /proc/pid/clear_refs


class FormFieldGuard(httpx.BaseTransport):
    """Passes requests on and remembers the largest form body, counted in fields as PHP's max_input_vars counts."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.largest = 0
        self.largest_function = ""
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fields = parse_qsl(request.content.decode("utf-8"), keep_blank_values=True)
        with self._lock:
            if len(fields) > self.largest:
                self.largest = len(fields)
                self.largest_function = next((value for name, value in fields if name == "wsfunction"), "")
        return self.inner.handle_request(request)


def client_for(fake: FakeMoodle, guard: FormFieldGuard, *, concurrency: int, max_form_fields: int,
               batch_reads: bool = True) -> MoodleClient:
    return MoodleClient(fake.url, SecretStr(fake.token), transport=guard, concurrency=concurrency,
                        max_form_fields=max_form_fields, batch_reads=batch_reads)


def guarded_transport(fake: FakeMoodle) -> FormFieldGuard:
    return FormFieldGuard(httpx.MockTransport(fake))


def reset_peak_rss() -> bool:
    try:
        _CLEAR_REFS.write_text(_RESET_PEAK_RSS)
    except OSError:
        return False
    return True


def peak_rss_mb(reset_worked: bool) -> tuple[float, str]:
    if reset_worked:
        match = re.search(r"VmHWM:\s+(\d+) kB", _PROC_STATUS.read_text())
        if match:
            return int(match.group(1)) / 1024, "phase"
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "process"


@dataclass
class PhaseResult:
    """One measured phase; `calls` is the ledger per web-service function (HTTP requests, inner batched calls)."""

    name: str
    requests: int
    write_calls: int
    seconds: float
    peak_rss_mb: float
    rss_scope: str
    """"phase": peak during this phase; "process": peak of the whole process (reset not possible here)"""
    largest_request_fields: int = 0
    largest_request_function: str = ""
    calls: dict[str, tuple[int, int]] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)


def measure(name: str, fake: FakeMoodle, client: MoodleClient, guard: FormFieldGuard,
            work: Callable[[], T]) -> tuple[PhaseResult, T]:
    """Run `work` with a fresh peak-RSS mark; requests come from `client`'s ledger, write calls from the fake
    (functions Moodle declares as writes, inner calls of a batch included)."""
    before = client.ledger.snapshot()
    writes_before = fake.write_calls()
    guard.largest, guard.largest_function = 0, ""
    reset = reset_peak_rss()
    started = time.perf_counter()
    outcome = work()
    seconds = time.perf_counter() - started
    peak, scope = peak_rss_mb(reset)
    calls = {}
    for function, entry in client.ledger.snapshot().items():
        earlier = before.get(function)
        requests = entry.requests - (earlier.requests if earlier else 0)
        inner = entry.inner_calls - (earlier.inner_calls if earlier else 0)
        if requests or inner:
            calls[function] = (requests, inner)
    result = PhaseResult(name, sum(r for r, _ in calls.values()), fake.write_calls() - writes_before, seconds, peak, scope,
                         guard.largest, guard.largest_function, calls)
    return result, outcome
