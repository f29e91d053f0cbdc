"""The `lms-sync` command line: a click group whose commands each call one service function and print.

Known failures become one-line messages with the documented exit codes, never tracebacks.
"""

from __future__ import annotations

from lms_sync.cli.app import main
from lms_sync.cli import init_cmd, check_cmd  # noqa: F401  (registers commands)

__all__ = ["main"]
