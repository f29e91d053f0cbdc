"""The process exit codes of every lms-sync command, stable and documented in the README.

Cron and systemd read these; change them only with a note in the changelog.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    SOME_RUNS_FAILED = 1
    CONFIG_OR_INPUT = 2
    MOODLE_UNAVAILABLE = 3
    LOCKED = 4
    WRITE_OUTCOME_UNKNOWN = 5
    """a write got no reliable answer: it may have happened; re-run the same command to reconcile"""
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, the shell's convention
