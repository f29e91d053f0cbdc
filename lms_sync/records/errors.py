"""Errors the records store raises; each message says what failed and what to do, never a value of personal data.

The CLI maps them: `RecordsUnavailable` and `PersonNotFound` are input/config problems, `RecordsWriteError` a failed run.
"""

from lms_sync.redaction import RedactedError, redact


def first_line(exc: BaseException) -> str:
    """The database's message without its DETAIL lines, which can quote stored values (personal data)."""
    cause = getattr(exc, "orig", None) or exc
    return f"{type(cause).__name__}: {(redact(str(cause)).strip().splitlines() or [''])[0]}"


class RecordsError(RedactedError):
    """Base of every records-store error."""


class RecordsUnavailable(RecordsError):
    """The records database cannot be opened or migrated (bad URL, server down, no permission)."""


class RecordsWriteError(RecordsError):
    """A write was refused and rolled back; the previous state of what was being written is intact."""


class PersonNotFound(RecordsError, LookupError):
    """No person with this e-mail address is stored."""
