"""The `lms-sync` command line: a click group whose commands each call one service function and print.

Known failures become one-line messages with the documented exit codes, never tracebacks; commands load on use.
"""

from __future__ import annotations

from lms_sync.cli.app import main

__all__ = ["main"]
