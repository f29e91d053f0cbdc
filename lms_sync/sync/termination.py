"""Turns SIGTERM (systemctl stop, a cron timeout) into an exception, so an interrupted sync is journaled as failed.

Without it the process dies at once and its journal entry stays `running` forever.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(BaseException):
    """The process was asked to stop; a BaseException so that no `except Exception` swallows it."""


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(f"stopped by {signal.Signals(signum).name}")


@contextmanager
def terminate_gracefully() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` in the main thread; the previous handler comes back after."""
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
