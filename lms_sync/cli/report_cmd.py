"""`lms-sync report evaluation|participation`: the institute's reports from the records, as HTML and CSV files.

Reads only the records store (pull first); prints the path of every file written.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click

from lms_sync.cli.app import AppContext, InputError, main, pass_app
from lms_sync.cli.output import emit_json, json_option
from lms_sync.cli.records_access import course_roles, open_records
from lms_sync.reports.evaluation import EvaluationScope, ScopeKind
from lms_sync.reports.files import ReportFormat, write_evaluation_report, write_participation_report

_OUTPUT_DIR = click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the report files (created if missing).",
)


def _scope(run: str | None, template: str | None, trainer: str | None) -> EvaluationScope:
    candidates: list[tuple[ScopeKind, str | None]] = [("run", run), ("template", template), ("trainer", trainer)]
    given = [EvaluationScope(kind, value.strip()) for kind, value in candidates if value and value.strip()]
    if len(given) != 1:
        raise InputError("give exactly one of RUN, --template SLUG or --trainer EMAIL (see `lms-sync report evaluation -h`)")
    return given[0]


def echo_written(paths: list[Path], as_json: bool) -> None:
    """The files a report wrote: one `wrote PATH` line each, or {"written": [...]} under --json."""
    if as_json:
        emit_json({"written": [str(path) for path in paths]})
        return
    for path in paths:
        click.echo(f"wrote {path}")


@main.group("report")
def report_group() -> None:
    """Evaluation and participation reports from the records (HTML with charts, and CSV); certificates as PDF."""


@report_group.command("evaluation")
@click.argument("run", required=False)
@click.option("--template", help="All runs of this course template (its slug), compared run by run and per trainer.")
@click.option("--trainer", metavar="EMAIL", help="All runs this trainer (enrolled as teacher) taught.")
@_OUTPUT_DIR
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["html", "csv", "both"]),
    default="both",
    show_default=True,
    help="Which files to write.",
)
@json_option
@pass_app
def evaluation_command(
    app: AppContext,
    run: str | None,
    template: str | None,
    trainer: str | None,
    output_dir: Path,
    report_format: ReportFormat,
    as_json: bool,
) -> None:
    """Response rate, answer distributions, means and free texts of one RUN, a --template or a --trainer.

    RUN is a catalogue run id, or the idnumber or shortname of a course pulled with `pull --course`.
    """
    scope = _scope(run, template, trainer)
    timezone = ZoneInfo(app.settings.catalogue.timezone)
    with open_records(app) as store:
        paths = write_evaluation_report(store, course_roles(app), scope, output_dir, formats=report_format, timezone=timezone,
                                        min_responses=app.settings.reports.min_responses)
    echo_written(paths, as_json)


@report_group.command("participation")
@click.argument("runs", nargs=-1)
@_OUTPUT_DIR
@json_option
@pass_app
def participation_command(app: AppContext, runs: tuple[str, ...], output_dir: Path, as_json: bool) -> None:
    """Who took part in which run, with completion (for certificates); all runs unless RUNS are given.

    RUNS are catalogue run ids, or idnumbers or shortnames of courses pulled with `pull --course`.
    """
    timezone = ZoneInfo(app.settings.catalogue.timezone)
    with open_records(app) as store:
        paths = write_participation_report(store, course_roles(app), runs, output_dir, timezone=timezone)
    echo_written(paths, as_json)
