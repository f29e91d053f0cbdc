"""Keeps secrets out of every text lms-sync emits: stderr, logs, `--json` output, the journal, exception messages.

Secrets are registered as soon as the settings are read, in every form they may take; `redact` masks them before
any text is cut, and every lms-sync error (`RedactedError`) redacts its message when it is made.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from urllib.parse import quote, quote_plus, unquote, urlsplit

MASK = "**********"
_MIN_LENGTH = 4
_TOKEN_PARAMETER = re.compile(r"(wstoken|token)=[^&\s\"']+", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@", re.IGNORECASE)
_secrets: set[str] = set()
_lock = threading.Lock()


def _forms(secret: str) -> set[str]:
    trimmed = secret.strip()
    forms = {secret, trimmed, unquote(trimmed), quote(trimmed, safe=""), quote_plus(trimmed),
             json.dumps(trimmed)[1:-1], repr(trimmed)[1:-1]}
    return {form for form in forms if len(form.strip()) >= _MIN_LENGTH}


def register_secret(secret: str | None) -> None:
    """Remember `secret` (as given, trimmed, URL-encoded/decoded, escaped) so that `redact` masks it from now on."""
    if secret:
        with _lock:
            _secrets.update(_forms(secret))


def register_url_password(url: str | None) -> None:
    """Register the password of a URL's userinfo (`https://user:pw@host`, `postgresql://user:pw@host/db`)."""
    if not url:
        return
    try:
        password = urlsplit(url.strip()).password
    except ValueError:
        password = None
    match = _URL_PASSWORD.search(url)
    register_secret(password)
    if match:
        register_secret(url[match.end(1):match.end() - 1])


def redact(text: str) -> str:
    """`text` with every registered secret, any `wstoken=` value and any URL password masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _URL_PASSWORD.sub(lambda match: f"{match.group(1)}{MASK}@", text)
    return _TOKEN_PARAMETER.sub(lambda match: f"{match.group(1)}={MASK}", text)


class RedactedError(Exception):
    """An error whose message is redacted when it is made, so `str()` is safe to print, log and journal."""

    def __init__(self, message: object = "") -> None:
        super().__init__(redact(str(message)))


class RedactingFilter(logging.Filter):
    """Rewrites each log record's final message with `redact`, including formatted arguments and tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
