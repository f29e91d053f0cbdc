"""A real HTTP server on 127.0.0.1 for the hostile-server tests: echoes requests, stays silent, or drips bytes.

Bounded and self-stopping: every connection is closed after at most `hold_seconds`, the server stops with the test.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote_plus


@dataclass
class Behaviour:
    mode: str = "echo"  # echo: a non-JSON page quoting the request; silent: never answer; drip: one byte a tick
    prefix: str = ""  # echo: text before the quoted request
    hold_seconds: float = 20.0  # silent/drip: close the connection after this long at most
    tick_seconds: float = 0.2  # drip: the pause between two bytes


class _Handler(socketserver.BaseRequestHandler):
    server: Server

    def handle(self) -> None:
        behaviour = self.server.behaviour
        self.request.settimeout(2)
        stop_at = time.monotonic() + behaviour.hold_seconds
        if behaviour.mode == "echo":
            body = self._read_request()
            page = f"<html>{behaviour.prefix}{body} {unquote_plus(body)}</html>".encode()
            self.request.sendall(b"HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\nConnection: close\r\n"
                                 b"Content-Length: " + str(len(page)).encode() + b"\r\n\r\n" + page)
        elif behaviour.mode == "silent":
            while time.monotonic() < stop_at and not self.server.stopping.wait(0.05):
                pass
        else:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{" * 100:
                if time.monotonic() >= stop_at or self.server.stopping.wait(behaviour.tick_seconds):
                    return
                try:
                    self.request.sendall(bytes([byte]))
                except OSError:
                    return

    def _read_request(self) -> str:
        data = b""
        while b"\r\n\r\n" not in data:
            data += self.request.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0)
        while len(body) < length:
            body += self.request.recv(65536)
        return body.decode("utf-8", "replace")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behaviour: Behaviour) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = behaviour
        self.stopping = threading.Event()


@contextmanager
def loopback_server(behaviour: Behaviour) -> Iterator[Server]:
    """A running server; `server.server_address[1]` is its port, `server.behaviour` may be changed between requests."""
    server = Server(behaviour)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
