"""Which web-service functions lms-sync called on the live site during this test session (mobile batches opened).

Recorded at httpx's transport, for lms-sync's own requests only (its User-Agent); the tests' admin calls are not.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl

import httpx
import pytest

SUBSET = pytest.StashKey[str]()
"""why this session runs only part of the live suite ("" when it runs all of it); set by tests/live/conftest.py"""


def called_functions(request: httpx.Request) -> set[str]:
    """The functions a request calls: its wsfunction and, for a mobile batch request, each call inside it."""
    fields = parse_qsl(request.content.decode())
    return {value for name, value in fields if name == "wsfunction" or (name.startswith("requests[") and
                                                                        name.endswith("][function]"))}


@contextmanager
def recording() -> Iterator[Counter[str]]:
    """Count every function lms-sync sends through httpx's real transport while the block runs."""
    original = httpx.HTTPTransport.handle_request
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def handle(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        if request.headers.get("User-Agent") == "lms-sync":
            with lock:
                calls.update(called_functions(request))
        return original(transport, request)

    httpx.HTTPTransport.handle_request = handle  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        httpx.HTTPTransport.handle_request = original  # type: ignore[method-assign]
