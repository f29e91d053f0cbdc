"""Errors the records store raises; each message says what failed and what to do, never a value of personal data.

The CLI maps them: `RecordsUnavailable` and `PersonNotFound` are input/config problems, `RecordsWriteError` a failed run.
"""


class RecordsError(Exception):
    """Base of every records-store error."""


class RecordsUnavailable(RecordsError):
    """The records database cannot be opened or migrated (bad URL, server down, no permission)."""


class RecordsWriteError(RecordsError):
    """A write was refused and rolled back; the previous state of what was being written is intact."""


class PersonNotFound(RecordsError, LookupError):
    """No person with this e-mail address is stored."""
