"""`lms-sync pull`: read enrolments, completion and feedback of catalogue runs (or any course) into the records.

Runs come from the catalogue; `--course` takes any Moodle course id or idnumber, e.g. to backfill older workshops.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from lms_sync.cli.app import AppContext, InputError, main, pass_app
from lms_sync.cli.output import progress_enabled
from lms_sync.cli.plan_cmd import open_workspace, workspace_options
from lms_sync.cli.records_access import journaled, open_records, wait_option
from lms_sync.exit_codes import ExitCode
from lms_sync.pull import CoursePullResult, CourseTarget, PullReport, catalogue_people, pull_courses, run_targets
from lms_sync.push.desired import DesiredCourse
from lms_sync.redaction import redact
from lms_sync.rendering import render_text
from lms_sync.workspace import WorkspaceError, load_workspace


def _catalogue_courses_quietly(app: AppContext, catalogue: Path | None, templates_dir: Path | None
                               ) -> list[DesiredCourse]:
    """The catalogue's courses if it loads, else none: `--course` works without any catalogue."""
    try:
        return load_workspace(app.settings, catalogue=catalogue, templates_dir=templates_dir).courses
    except WorkspaceError:
        return []


@main.command("pull")
@workspace_options
@click.option("--all", "all_runs", is_flag=True, help="Pull every run in the catalogue.")
@click.option("--course", "course_values", multiple=True, metavar="ID_OR_IDNUMBER",
              help="Pull this Moodle course (id or idnumber), also one lms-sync did not create. Repeatable.")
@wait_option
@pass_app
def pull_command(app: AppContext, run_ids: tuple[str, ...], catalogue: Path | None, templates_dir: Path | None,
                 strict: bool, as_json: bool, all_runs: bool, course_values: tuple[str, ...], wait: float) -> None:
    """Read enrolments, completion and feedback of RUN (or --all runs, or --course) from Moodle into the records."""
    if not (run_ids or all_runs or course_values):
        raise InputError("name what to pull: RUN…, --all (every catalogue run) or --course ID_OR_IDNUMBER")
    if all_runs and (run_ids or course_values):
        raise click.UsageError("--all pulls every catalogue run: give it alone, without RUN… or --course")
    skipped_runs: list[str] = []
    chosen: list[DesiredCourse] = []
    if run_ids or all_runs:
        workspace = open_workspace(app, catalogue, templates_dir, run_ids, strict)
        catalogue_courses, chosen, skipped_runs = workspace.courses, list(workspace.courses), workspace.problems
    else:
        catalogue_courses = _catalogue_courses_quietly(app, catalogue, templates_dir)
    targets = run_targets(chosen, required=bool(run_ids)) + [CourseTarget.from_argument(v) for v in course_values]
    chosen += [course for course in catalogue_courses if course.idnumber in course_values]

    with (journaled(app, "pull", wait) as entry, open_records(app) as store,
          _progress(len(targets), enabled=progress_enabled(as_json)) as advance):
        report = pull_courses(app.moodle(), store, targets, catalogue_courses=catalogue_courses,
                              people=catalogue_people(chosen), student_role_id=app.settings.push.student_role_id,
                              sync_run_id=entry.run_id, on_course_done=advance)
        entry.status = "failed" if report.aborted else "partial" if report.failed or skipped_runs else "ok"
        entry.counts = {"pulled": report.as_dict()["totals"]}
        entry.errors = [{"step": "pull", "run_id": c.run_id, "message": c.error or c.status}
                        for c in report.failed] + ([{"step": "pull", "run_id": None, "message": str(report.aborted)}]
                                                   if report.aborted else [])
    if as_json:  # an abort's error object is then the one JSON answer on stdout (docs/cli.md)
        report.raise_if_aborted()
    _print(report, skipped_runs, as_json)
    report.raise_if_aborted()
    if report.failed or skipped_runs:
        raise SystemExit(int(ExitCode.SOME_RUNS_FAILED))


class _progress:
    """A progress bar on stderr, advanced once per course from the pull's worker threads (or nothing at all)."""

    def __init__(self, length: int, *, enabled: bool) -> None:
        self._bar = click.progressbar(length=length, label="Pulling courses", file=sys.stderr) if enabled else None
        self._lock = threading.Lock()

    def __enter__(self) -> _progress:
        if self._bar is not None:
            self._bar.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)

    def __call__(self, result: CoursePullResult) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.update(1)


def _print(report: PullReport, skipped_runs: Sequence[str], as_json: bool) -> None:
    if as_json:
        click.echo(redact(json.dumps(report.as_dict() | {"skipped": list(skipped_runs)}, ensure_ascii=False, indent=2,
                                     default=str)))
    else:
        click.echo(redact(render_text("pull.txt.j2", report=report, changes=report.changes)), nl=False)
