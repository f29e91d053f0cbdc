"""The output contract every command keeps: `--json` prints one JSON object on stdout (errors too), text is for humans.

Colour only on a terminal and never with NO_COLOR; errors under --json are {"error", "code", "hint", "exit_code"}.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import IO, Any

import click

from lms_sync.exit_codes import ExitCode

JSON_KEY = "lms_sync.json"
"""ctx.meta key: True while a command runs with --json (meta is shared by every context of one invocation)"""

ERROR_CODES: dict[int, tuple[str, str]] = {
    ExitCode.SOME_RUNS_FAILED: ("failed", "read the FAILED lines; fix the catalogue or Moodle, run again"),
    ExitCode.CONFIG_OR_INPUT: ("input", "the message names the file, key or line to fix"),
    ExitCode.MOODLE_UNAVAILABLE: ("moodle", "run `lms-sync check`"),
    ExitCode.LOCKED: ("locked", "another sync holds the lock; the next scheduled run continues"),
    ExitCode.WRITE_OUTCOME_UNKNOWN: ("outcome_unknown", "a write's outcome is unknown: run the same command again, it "
                                     "re-reads Moodle and only does what is still missing"),
}
USAGE_CODE = "usage"  # a mistake in the command line itself (unknown option, excluded pair): exit 2 too
"""exit code -> the error's `code` under --json and the hint when the error names none (README: Exit codes)"""


def _remember_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta[JSON_KEY] = True
    return value


def json_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--json` (parameter `as_json`): the same on every command."""
    return click.option("--json", "as_json", is_flag=True, callback=_remember_json, is_eager=True,
                        help="Print one JSON object on stdout instead of text (errors too, see docs/cli.md).")(command)


def wants_json(ctx: click.Context, args: list[str]) -> bool:
    return bool(ctx.meta.get(JSON_KEY)) or "--json" in args


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def error_object(message: str, exit_code: int, hint: str | None = None) -> dict[str, Any]:
    code, default_hint = ERROR_CODES.get(exit_code, ("error", ""))
    return {"error": message, "code": code, "hint": hint or default_hint, "exit_code": exit_code}


def colour_enabled(stream: IO[str] | None = None) -> bool:
    """True on a terminal without NO_COLOR (https://no-color.org): pipes, files and CI get plain text."""
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def style(text: str, *, fg: str | None = None, bold: bool = False, err: bool = False) -> str:
    """`text` in colour when the stream it goes to is a terminal, else unchanged."""
    return click.style(text, fg=fg, bold=bold) if colour_enabled(sys.stderr if err else sys.stdout) else text


def progress_enabled(as_json: bool = False) -> bool:
    """Progress lines go to stderr, and only when stderr is a terminal (never under --json or in cron)."""
    return not as_json and sys.stderr.isatty()
