"""The root click group, its shared options, and the mapping of known errors to exit codes.

Every command gets an `AppContext` that loads settings and opens the Moodle connection on first use. Commands are
imported when they run (`COMMANDS`): `lms-sync --help` and `--version` load neither pydantic nor httpx nor SQLAlchemy.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lms_sync.cli.lazy import CommandGroup, LazyCommand, LazyGroup
from lms_sync.cli.output import USAGE_CODE, emit_json, error_object, style, wants_json
from lms_sync.exit_codes import ExitCode
from lms_sync.logs import configure_logging
from lms_sync.redaction import RedactedError, redact

if TYPE_CHECKING:
    from lms_sync.config import Settings
    from lms_sync.moodle.client import MoodleClient

COMMANDS = {
    "blueprint": LazyCommand(("blueprint_cmd",), "Blueprint courses: the template's activities and questionnaire as a "
                                                 "Moodle course backup."),
    "check": LazyCommand(("check_cmd",), "Check the Moodle site, the token's user and the functions its service allows."),
    "init": LazyCommand(("init_cmd",), "Write a commented starter config to PATH (default ./lms-sync.toml)."),
    "plan": LazyCommand(("plan_cmd",), "Show what push would change in Moodle for RUN (default: every run in the "
                                       "catalogue)."),
    "pull": LazyCommand(("pull_cmd",), "Read enrolments, completion and feedback of RUN (or --all runs, or --course) "
                                       "from Moodle into the records."),
    "push": LazyCommand(("plan_cmd",), "Create or update RUN's course, people, groups, dates and welcome post in Moodle "
                                       "(default: every run)."),
    "records": LazyCommand(("records_cmd",), "Data protection: export or erase everything stored about a person; purge "
                                             "personal data of old runs."),
    "report": LazyCommand(("report_cmd", "portfolio_cmd", "certificates_cmd"), "Evaluation and participation reports "
                          "from the records (HTML with charts, and CSV); certificates as PDF."),
    "runs": LazyCommand(("sync_cmd",), "The run journal: the last syncs, newest first, one line each (`runs show ID` "
                                       "for one run)."),
    "sync": LazyCommand(("sync_cmd",), "Check the site, push the active catalogue runs and pull their results, once and "
                                       "alone (for cron/systemd)."),
    "templates": LazyCommand(("templates_cmd",), "List, show and validate the course templates "
                                                 "(course_templates/<slug>/template.toml)."),
}
"""every command: the modules under lms_sync.cli that define it, and its summary (the first line of its help)"""


class InputError(RedactedError):
    """Bad user input (a file or an argument): message says where and what to do; exit code 2."""


@dataclass
class AppContext:
    config_path: Path | None
    verbose: bool = False
    _settings: Settings | None = field(default=None, repr=False)
    _client: MoodleClient | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from lms_sync.config import load_settings

            self._settings = load_settings(self.config_path)
        return self._settings

    def moodle(self) -> MoodleClient:
        if self._client is None:
            from lms_sync.moodle.client import MoodleClient

            self._client = MoodleClient.from_settings(self.settings)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            if self.verbose:
                click.echo(self._client.ledger.render(), err=True)
            self._client.close()


def _exit_code_for(exc: BaseException) -> ExitCode | None:
    # Imported here, when something failed: a command that raised them has loaded them already.
    from lms_sync.config import ConfigError
    from lms_sync.moodle.errors import SITE_WIDE, MoodleError, MoodlePermissionError, WriteOutcomeUnknown
    from lms_sync.records.lock import LockHeld

    if isinstance(exc, (ConfigError, InputError)):
        return ExitCode.CONFIG_OR_INPUT
    if isinstance(exc, WriteOutcomeUnknown):
        return ExitCode.WRITE_OUTCOME_UNKNOWN
    if isinstance(exc, (*SITE_WIDE, MoodlePermissionError)):  # as sync's exit code for a stopped run
        return ExitCode.MOODLE_UNAVAILABLE
    if isinstance(exc, MoodleError):
        return ExitCode.SOME_RUNS_FAILED
    if isinstance(exc, LockHeld):
        return ExitCode.LOCKED
    return None


class LmsSyncGroup(LazyGroup):
    """Turns the project's known exceptions into one clear line on stderr and the documented exit code."""

    group_class = CommandGroup

    def invoke(self, ctx: click.Context) -> Any:
        args = [*getattr(ctx, "_protected_args", ()), *ctx.args]  # the sub-command's words (click 9: ctx.args alone)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted: stopped at once; run the same command again to finish", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))
        except click.UsageError as exc:
            if not wants_json(ctx, args):
                raise
            command = exc.ctx.command_path if exc.ctx else "lms-sync"
            emit_json({**error_object(redact(exc.format_message()), int(ExitCode.CONFIG_OR_INPUT),
                                      f"`{command} --help` lists the options"), "code": USAGE_CODE})
            ctx.exit(int(ExitCode.CONFIG_OR_INPUT))
        except Exception as exc:  # noqa: BLE001 - mapped or re-raised below
            code = _exit_code_for(exc)
            if code is None:
                raise
            message = redact(str(exc))
            if wants_json(ctx, args):
                hint = getattr(exc, "hint", None)
                emit_json(error_object(message, int(code), redact(hint) if hint else None))
            click.echo(f"{style('error:', fg='red', bold=True, err=True)} {message}", err=True)  # for logs, always
            ctx.exit(int(code))


@click.group(cls=LmsSyncGroup, lazy=COMMANDS, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="LMS_SYNC_CONFIG",
    help="Settings file (default: ./lms-sync.toml if it exists).",
)
@click.option("-v", "--verbose", is_flag=True, help="Debug logs and the per-function call ledger on stderr.")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), help="Also write logs to this file.")
@click.option("--log-json", is_flag=True, help="Write logs as JSON lines.")
@click.version_option(package_name="lms-sync")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, verbose: bool, log_file: Path | None, log_json: bool) -> None:
    """Sync the institute's workshops with its Moodle: plan, push, pull, report."""
    if ctx.invoked_subcommand is None:  # bare `lms-sync`: the help, and success (click's default is exit 2)
        click.echo(ctx.get_help())
        ctx.exit(0)
    try:
        configure_logging(verbose=verbose, log_file=log_file, as_json=log_json, stream=sys.stderr)
    except OSError as exc:
        raise click.BadParameter(f"cannot write {log_file} ({exc.strerror}): create its folder first, "
                                 "or give another path", param_hint="--log-file") from None
    app = ctx.ensure_object(AppContext) if isinstance(ctx.obj, AppContext) else AppContext(config_path)
    app.config_path = config_path if config_path is not None else app.config_path
    app.verbose = verbose
    ctx.obj = app
    ctx.call_on_close(app.close)


def pass_app(function: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: hand the command its `AppContext`."""
    return click.pass_obj(function)
