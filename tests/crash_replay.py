"""Crash-before-request-n for every n, fast: record one uninterrupted run against the fake Moodle once, then answer
the first n requests of a crashed run from the recording (no handler runs) and leave the site as after those n.

The recording asserts that the crashed run sends exactly the recorded requests, so a replayed answer is the real one.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from tests.fake_moodle import FakeMoodle
from tests.fake_moodle.state import Site

SHARDS = 4
"""a crash sweep's crash points are split over this many test cases (index % SHARDS), so pytest-xdist spreads them"""


@dataclass(frozen=True)
class Exchange:
    body: bytes
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    site_after: Site


class CrashReplay:
    """The httpx handler in front of `fake`: live, recording, or replaying the recording up to a crash."""

    def __init__(self, fake: FakeMoodle) -> None:
        self.fake = fake
        self.exchanges: list[Exchange] = []
        self._start: Site | None = None
        self._crash_at: int | None = None
        self._recording = False
        self._next = 0

    def record(self) -> None:
        """Record the next run's requests, answers and the site after each request (call `stop` after the run)."""
        self.exchanges.clear()
        self._start = self.fake.site.snapshot()
        self._recording = True

    def stop(self) -> None:
        self._recording = False
        self._crash_at = None

    def crash_at(self, index: int) -> None:
        """Start the site as the recording did, answer requests 0..index-1 from it, fail every later one."""
        assert self._start is not None, "record a run first"
        self.fake.site = self._start.snapshot()
        self._crash_at, self._next = index, 0

    def recover(self) -> None:
        """Back to the live fake, whose site is now what the first `index` requests made of it."""
        self._crash_at = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self._crash_at is not None:
            return self._replay(request)
        response = self.fake(request)
        if self._recording:
            self.exchanges.append(Exchange(request.content, response.status_code, list(response.headers.multi_items()),
                                           response.read(), self.fake.site.snapshot()))
        return response

    def _replay(self, request: httpx.Request) -> httpx.Response:
        assert self._crash_at is not None
        index, self._next = self._next, self._next + 1
        if index >= self._crash_at:
            if index == self._crash_at and index > 0:
                self.fake.site = self.exchanges[index - 1].site_after.snapshot()
            raise httpx.ConnectError("[Errno 111] Connection refused (fake Moodle is down)", request=request)
        exchange = self.exchanges[index]
        assert request.content == exchange.body, f"request {index} differs from the recorded run: replay is invalid"
        return httpx.Response(exchange.status, headers=exchange.headers, content=exchange.content)
