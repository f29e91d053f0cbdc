"""`lms-sync sync` (check → push → pull for the active runs, for cron and systemd) and `lms-sync runs` (the journal).

Exit codes: 0 ok, 1 some runs failed, 2 config/input/records, 3 Moodle unavailable, 4 locked, 5 write outcome unknown.
"""

from __future__ import annotations

import json
import logging

import click

from lms_sync.cli.app import AppContext, InputError, main, pass_app
from lms_sync.cli.output import json_option, progress_enabled
from lms_sync.cli.records_access import open_records, wait_option
from lms_sync.exit_codes import ExitCode
from lms_sync.limits import MAX_ID
from lms_sync.records.errors import RecordsError
from lms_sync.redaction import redact
from lms_sync.rendering import render_text
from lms_sync.sync.report import SyncReport
from lms_sync.sync.service import SyncOptions, run_sync
from lms_sync.sync.termination import Terminated, terminate_gracefully
from lms_sync.workspace import WorkspaceError


def _exit_code(report: SyncReport) -> ExitCode:
    if report.outcome_unknown:
        return ExitCode.WRITE_OUTCOME_UNKNOWN
    if report.stopped is not None:
        return ExitCode.MOODLE_UNAVAILABLE
    return ExitCode.SOME_RUNS_FAILED if report.errors else ExitCode.OK


def _no_log_lines_on_stderr() -> None:
    """--quiet: cron mails whatever is printed, so stderr gets only the summary's error lines, each once.

    Every error the log would repeat is in the report; a log file keeps all its lines.
    """
    for handler in logging.getLogger("lms_sync").handlers:
        if type(handler) is logging.StreamHandler:
            handler.setLevel(logging.CRITICAL + 1)


@main.command("sync")
@click.option("--no-push", is_flag=True, help="Skip the push step (configured steps: [sync] steps).")
@click.option("--no-pull", is_flag=True, help="Skip the pull step.")
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing unless something failed or push warns (for cron).")
@json_option
@wait_option
@pass_app
def sync_command(app: AppContext, no_push: bool, no_pull: bool, quiet: bool, as_json: bool, wait: float) -> None:
    """Check the site, push the active catalogue runs and pull their results, once and alone (for cron/systemd)."""
    if quiet:
        _no_log_lines_on_stderr()
    options = SyncOptions.from_settings(app.settings, push=not no_push, pull=not no_pull)
    show_progress = progress_enabled(quiet or as_json)
    try:
        with terminate_gracefully():
            report = run_sync(app.settings, app.moodle(), lambda: open_records(app), options, wait=wait,
                              progress=(lambda label: click.echo(f"… {label}", err=True)) if show_progress
                              else (lambda label: None))
    except (WorkspaceError, RecordsError) as error:
        raise InputError(str(error)) from None
    except Terminated as stop:
        click.echo(f"error: sync {stop}; its journal entry is marked failed and the next sync finishes the job",
                   err=True)
        raise SystemExit(int(ExitCode.SOME_RUNS_FAILED)) from None
    if as_json:
        click.echo(redact(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str)))
    elif quiet:  # a warning push gives (trainers reading a named evaluation) is a problem too, if no failure
        for warning in report.push_warnings:
            click.echo(redact(f"warning: {warning}"), err=True)
        for failure in report.errors:
            click.echo(redact(f"error: {failure}"), err=True)
        if report.stopped:
            click.echo(redact(f"error: sync {report.journal_id} stopped early: {report.stop_reason}"), err=True)
    else:
        click.echo(redact(render_text("sync.txt.j2", report=report)), nl=False)
    code = _exit_code(report)
    if code != ExitCode.OK:
        raise SystemExit(int(code))


@main.group("runs", invoke_without_command=True)
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="How many runs to list.")
@json_option
@click.pass_context
def runs_group(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The run journal: the last syncs, newest first, one line each (`runs show ID` for one run)."""
    if ctx.invoked_subcommand is not None:
        return
    app: AppContext = ctx.obj
    with open_records(app) as store:
        runs = store.list_sync_runs(limit)
    if as_json:
        click.echo(json.dumps({"runs": [vars(run) for run in runs]}, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(render_text("runs.txt.j2", runs=runs), nl=False)


@runs_group.command("show")
@click.argument("run_id", type=click.IntRange(1, MAX_ID))
@json_option
@pass_app
def runs_show_command(app: AppContext, run_id: int, as_json: bool) -> None:
    """Everything journaled about run RUN_ID: steps' counts, errors per workshop run, warnings, courses pulled."""
    with open_records(app) as store:
        run = store.get_sync_run(run_id)
    if run is None:
        raise InputError(f"no run {run_id} in the journal; `lms-sync runs` lists the recent ones")
    if as_json:
        data = vars(run) | {"pulls": [vars(pull) for pull in run.pulls]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(render_text("run_show.txt.j2", run=run), nl=False)
