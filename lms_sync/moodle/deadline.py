"""An overall deadline per request (connect + TLS + send + every byte of the answer), which httpx's timeouts lack.

httpx times each socket operation alone, so a server dripping one byte per read timeout is never cut off; here every
socket operation of the calling thread gets at most the time left until that thread's deadline.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

_local = threading.local()


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        self.received = 0

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _bounded(timeout, httpcore.ReadTimeout, self.received) as limit:
            data = self._inner.read(max_bytes, limit)
        self.received += len(data)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        with _bounded(timeout, httpcore.WriteTimeout, self.received) as limit:
            self._inner.write(buffer, limit)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        with _bounded(timeout, httpcore.ConnectTimeout) as limit:
            return _Stream(self._inner.start_tls(ssl_context, server_hostname, limit))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        with _bounded(timeout, httpcore.ConnectTimeout) as limit:
            return _Stream(self._inner.connect_tcp(host, port, limit, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        with _bounded(timeout, httpcore.ConnectTimeout) as limit:
            return _Stream(self._inner.connect_unix_socket(path, limit, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@contextmanager
def _bounded(timeout: float | None, error: type[Exception], received: int | None = None) -> Iterator[float | None]:
    """The socket operation's timeout cut to the time left; a timeout at the deadline says what was waited for."""
    deadline: tuple[float, float] | None = getattr(_local, "deadline", None)
    if deadline is None:
        yield timeout
        return
    at, seconds = deadline
    left = at - time.monotonic()
    got = "nothing" if not received else f"only {received} bytes"
    stage = "a connection" if received is None else f"the answer (got {got})"
    over = error(f"waited {round(seconds, 1):g} s for {stage}: over the request deadline")
    if left <= 0:
        raise over
    try:
        yield left if timeout is None else min(timeout, left)
    except httpcore.TimeoutException:
        if time.monotonic() >= at:
            raise over from None
        raise


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every request this thread makes inside the block ends within `seconds` (as a timeout error) or sooner."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = (time.monotonic() + seconds, seconds)
    try:
        yield
    finally:
        _local.deadline = previous


def enforce_deadlines(client: httpx.Client) -> bool:
    """Route the sockets of `client`'s own transports (and proxies from the environment) through the deadline.

    Returns False when a transport is not httpx's own (a test transport) or httpx changed its insides.
    """
    transports = [client._transport, *(t for t in client._mounts.values() if t is not None)]  # noqa: SLF001
    enforced = True
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None:
            enforced = False
        elif not isinstance(backend, _Backend):
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]  # noqa: SLF001
    return enforced
