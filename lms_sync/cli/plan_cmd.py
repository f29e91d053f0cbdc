"""`lms-sync plan` and `lms-sync push`: show, then apply, what the catalogue and templates want in Moodle.

Both load the same workspace; plan only reads (or, with --offline, reads nothing), push applies in batches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from lms_sync.cli.app import AppContext, InputError, main, pass_app
from lms_sync.cli.output import json_option, progress_enabled
from lms_sync.cli.records_access import journaled, observation_cache, wait_option
from lms_sync.exit_codes import ExitCode
from lms_sync.push.apply import push
from lms_sync.push.observe import observe
from lms_sync.push.observed import ObservedSite
from lms_sync.push.plan import Plan, diff
from lms_sync.push.plan_file import PlanFileError, document, load, stale
from lms_sync.redaction import redact
from lms_sync.rendering import render_text
from lms_sync.workspace import Workspace, WorkspaceError, load_workspace


def _apply(function: Callable[..., Any], options: list[Callable[..., Any]]) -> Callable[..., Any]:
    for option in reversed(options):
        function = option(function)
    return function


def catalogue_location_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--catalogue and --templates-dir: where a command finds the runs and their course templates."""
    return _apply(function, [
        click.option("--catalogue", type=click.Path(exists=False, path_type=Path),
                     help="Catalogue TOML file or folder (default: catalogue.path from the config)."),
        click.option("--templates-dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Course templates folder (default: catalogue.templates_dir from the config)."),
    ])


def workspace_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options every catalogue-reading command shares."""
    return _apply(function, [
        click.argument("run_ids", nargs=-1, metavar="[RUN]..."),
        catalogue_location_options,
        click.option("--strict", is_flag=True, help="Treat group sizes outside the template's range as errors."),
        json_option,
    ])


def open_workspace(app: AppContext, catalogue: Path | None, templates_dir: Path | None, run_ids: tuple[str, ...],
                   strict: bool) -> Workspace:
    path = catalogue if catalogue is not None else app.settings.catalogue.path
    if not path.exists():  # nothing to plan at all: an input error, not an all-zero plan of skipped runs
        raise InputError(f"{path}: catalogue not found; give a TOML file or a folder of them with --catalogue "
                         "or catalogue.path in the config")
    try:
        workspace = load_workspace(app.settings, catalogue=catalogue, templates_dir=templates_dir,
                                   run_ids=run_ids, strict=strict)
    except WorkspaceError as error:
        raise InputError(str(error)) from None
    for line in workspace.warnings:
        click.echo(f"warning: {line}", err=True)
    for line in workspace.problems:
        click.echo(f"error: {line} (run skipped)", err=True)
    return workspace


PRUNE_HELP = ("Also delete the Kleingruppen and calendar events lms-sync made in its own courses that the catalogue "
              "no longer wants. Nothing else is ever deleted; removed participants are suspended either way.")


def plan_document(app: AppContext, workspace: Workspace, site: ObservedSite, plan: Plan, run_ids: Sequence[str],
                  prune: bool) -> dict[str, Any]:
    """The plan as `plan --json` prints it, `plan -o` saves it and `push --plan` compares it (docs/plan-file.md)."""
    release = None if site.offline else app.moodle().site_info().get("release")
    templates = {c.template: workspace.templates[c.template] for c in workspace.courses}
    return document(plan, site, workspace.courses, workspace.runs, list(templates.values()),
                    site_url=app.settings.moodle.url, release=release, run_ids=run_ids,
                    prune=prune) | {"skipped": workspace.problems}


@main.command("plan")
@workspace_options
@click.option("--offline", is_flag=True, help="Plan against an empty Moodle without any network access.")
@click.option("--prune", is_flag=True, help=PRUNE_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save the plan to this file, for `lms-sync push --plan FILE` to apply exactly it.")
@pass_app
def plan_command(app: AppContext, run_ids: tuple[str, ...], catalogue: Path | None, templates_dir: Path | None,
                 strict: bool, as_json: bool, offline: bool, prune: bool, output: Path | None) -> None:
    """Show what push would change in Moodle for RUN (default: every run in the catalogue)."""
    workspace = open_workspace(app, catalogue, templates_dir, run_ids, strict)
    if offline:
        site = ObservedSite.empty()
    else:
        with observation_cache(app) as cache:  # the same observation push makes
            site = observe(app.moodle(), workspace.courses, cache=cache, all_groups=prune)
    plan = diff(workspace.courses, site, app.settings.push, prune=prune)
    doc = plan_document(app, workspace, site, plan, run_ids, prune)
    if output is not None:
        try:
            output.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise InputError(f"{output}: cannot write the plan ({error.strerror})") from None
        click.echo(f"plan saved to {output}; apply exactly it with `lms-sync push --plan {output}`", err=True)
    if as_json:
        click.echo(redact(json.dumps(doc, ensure_ascii=False, indent=2)))
    else:
        click.echo(render_text("plan.txt.j2", plan=plan, counts=plan.counts(), kinds=plan.counts_by_kind()), nl=False)
    if workspace.problems or any(run.blocked for run in plan.runs):
        raise SystemExit(int(ExitCode.SOME_RUNS_FAILED))


@main.command("push")
@workspace_options
@click.option("--prune", is_flag=True, help=PRUNE_HELP)
@click.option("--no-cache", "fresh", is_flag=True,
              help="Forget the observation cache and read every course's contents and welcome post from Moodle again "
                   "(e.g. after changes Moodle's revision numbers do not show).")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Apply exactly this saved plan (`lms-sync plan -o FILE`); refused (exit 2) if Moodle, the catalogue "
                   "or the templates changed since. Its runs and --prune come from the file.")
@wait_option
@pass_app
def push_command(app: AppContext, run_ids: tuple[str, ...], catalogue: Path | None, templates_dir: Path | None,
                 strict: bool, as_json: bool, prune: bool, fresh: bool, plan_path: Path | None, wait: float) -> None:
    """Create or update RUN's course, people, groups, dates and welcome post in Moodle (default: every run)."""
    saved = _saved_plan(plan_path, run_ids, prune)
    if saved is not None:
        run_ids, prune = tuple(saved["selection"]["run_ids"]), bool(saved["selection"]["prune"])
    workspace = open_workspace(app, catalogue, templates_dir, run_ids, strict)
    show_steps = progress_enabled(as_json)

    def still_holds(site: ObservedSite, plan: Plan) -> None:
        if saved is not None and (changed := stale(saved, plan_document(app, workspace, site, plan, run_ids, prune))):
            raise InputError(f"{plan_path}: the plan no longer holds ({'; '.join(changed)}); nothing was written — "
                             "make the plan again with `lms-sync plan -o FILE` and review it")

    with journaled(app, "push", wait) as entry, observation_cache(app) as cache:
        if cache and fresh:
            cache.clear()
        report = push(app.moodle(), workspace.courses, app.settings.push,
                      prune=prune, cache=cache, before_apply=still_holds,
                      step=(lambda label: click.echo(f"… {label}", err=True)) if show_steps else (lambda label: None))
        entry.status = "partial" if workspace.problems or report.failures else "ok"
        entry.counts = {"planned": report.plan.counts(), "applied": dict(report.applied)}
        entry.warnings = report.warnings  # push's own; the catalogue's may name people (see SyncReport.push_warnings)
        entry.errors = [{"step": "catalogue", "run_id": run, "message": message} for run, message in workspace.skipped()]
        entry.errors += [{"step": "push", "run_id": None if run == "-" else run, "message": message}
                         for run, messages in report.failures.items() for message in messages]
    if as_json:
        payload = report.as_dict() | {"skipped": workspace.problems}
        click.echo(redact(json.dumps(payload, ensure_ascii=False, indent=2)))
    else:
        click.echo(render_text("push.txt.j2", report=report, counts=report.plan.counts()), nl=False)
    if workspace.problems or report.failures:
        raise SystemExit(int(ExitCode.SOME_RUNS_FAILED))


def _saved_plan(path: Path | None, run_ids: tuple[str, ...], prune: bool) -> dict[str, Any] | None:
    if path is None:
        return None
    if run_ids or prune:
        raise InputError("--plan applies the runs and --prune the plan was made with: give neither RUN nor --prune")
    try:
        return load(path)
    except PlanFileError as error:
        raise InputError(str(error)) from None
