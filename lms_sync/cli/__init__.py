"""The `lms-sync` command line: a click group whose commands each call one service function and print.

Known failures become one-line messages with the documented exit codes, never tracebacks.
"""

from __future__ import annotations

from lms_sync.cli import (  # noqa: F401  (registers commands)
    blueprint_cmd,
    check_cmd,
    init_cmd,
    plan_cmd,
    portfolio_cmd,
    pull_cmd,
    records_cmd,
    report_cmd,
    sync_cmd,
    templates_cmd,
)
from lms_sync.cli.app import main

__all__ = ["main"]
