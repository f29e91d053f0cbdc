"""Keeps secrets out of every text lms-sync emits: logs, exception messages, `--json` output.

Secrets are registered once (the token when a client is built) and replaced wherever they would appear.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "**********"
_TOKEN_PARAMETER = re.compile(r"(wstoken|token)=[^&\s\"']+", re.IGNORECASE)
_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(secret: str) -> None:
    """Remember `secret` so that `redact` masks it from now on."""
    if len(secret) >= 4:
        with _lock:
            _secrets.add(secret)


def redact(text: str) -> str:
    """`text` with every registered secret and any `wstoken=` value masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return _TOKEN_PARAMETER.sub(lambda match: f"{match.group(1)}={MASK}", text)


class RedactingFilter(logging.Filter):
    """Rewrites each log record's final message with `redact`, including formatted arguments and tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
