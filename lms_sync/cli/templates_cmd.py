"""`lms-sync templates list|show|validate`: look at and check the course templates before any push.

The templates folder comes from `catalogue.templates_dir` in the settings, or `--templates-dir`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from lms_sync.cli.app import AppContext, InputError, main, pass_app
from lms_sync.cli.output import emit_json, error_object, json_option, style
from lms_sync.competencies.validation import competency_problems
from lms_sync.exit_codes import ExitCode
from lms_sync.push.desired import category_idnumbers_in_moodle
from lms_sync.rendering import render_text
from lms_sync.templates import (
    MANIFEST_NAME,
    TemplateError,
    TemplateProblem,
    check_template,
    template_folders,
    validate_templates,
)


def _templates_dir_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--templates-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder holding one sub-folder per template (default: catalogue.templates_dir, i.e. ./course_templates).",
    )(command)


def _folders(app: AppContext, templates_dir: Path | None) -> tuple[Path, list[Path]]:
    root = templates_dir if templates_dir is not None else app.settings.catalogue.templates_dir
    try:
        return root, template_folders(root)
    except TemplateError as error:
        raise InputError(str(error)) from None


def _problem_json(problem: TemplateProblem) -> dict[str, Any]:
    return {"file": str(problem.file), "line": problem.line, "message": problem.message, "hint": problem.hint}


def _exit_with_problems(problems: list[TemplateProblem], summary: str, as_json: bool = False) -> None:
    if as_json:
        emit_json({**error_object(summary, int(ExitCode.CONFIG_OR_INPUT), "fix each problem at its file and line"),
                   "problems": [_problem_json(problem) for problem in problems]})
        raise SystemExit(int(ExitCode.CONFIG_OR_INPUT))
    for problem in problems:
        click.echo(str(problem))
    click.echo(summary, err=True)
    raise SystemExit(int(ExitCode.CONFIG_OR_INPUT))


@main.group("templates")
def templates_group() -> None:
    """List, show and validate the course templates (course_templates/<slug>/template.toml)."""


@templates_group.command("list")
@_templates_dir_option
@json_option
@pass_app
def list_command(app: AppContext, templates_dir: Path | None, as_json: bool) -> None:
    """One template per line: slug first, then its title."""
    root, folders = _folders(app, templates_dir)
    listed = [(folder, *check_template(folder)) for folder in folders]
    if as_json:
        emit_json({"templates_dir": str(root), "templates": [
            {"slug": folder.name, "title": template.title if template else None, "problems": len(problems)}
            for folder, template, problems in listed]})
        return
    width = max((len(folder.name) for folder in folders), default=0)
    for folder, template, problems in listed:
        title = template.title if template else "(cannot be read)"
        note = f"  [{len(problems)} problem(s): lms-sync templates validate {folder.name}]" if problems else ""
        click.echo(f"{folder.name:<{width}}  {title}{note}")


@templates_group.command("show")
@click.argument("slug")
@json_option
@_templates_dir_option
@pass_app
def show_command(app: AppContext, slug: str, as_json: bool, templates_dir: Path | None) -> None:
    """Sections, activities, questionnaire items and patterns of one template."""
    root, folders = _folders(app, templates_dir)
    folder = root / slug
    if folder not in folders:
        known = ", ".join(f.name for f in folders) or "none"
        raise InputError(f"{root}: no template {slug!r} (no {folder / MANIFEST_NAME}); known templates: {known}")
    template, problems = check_template(folder)
    if problems or template is None:
        _exit_with_problems(problems, f"template {slug!r} is invalid: fix the problems above", as_json)
        return
    in_moodle = category_idnumbers_in_moodle(template, app.settings.push.idnumber_prefix)
    if as_json:
        emit_json({**template.model_dump(mode="json"), "category_idnumbers_in_moodle": in_moodle})
    else:
        click.echo(render_text("template_show.txt.j2", t=template, folder=folder, in_moodle=in_moodle), nl=False)


@templates_group.command("validate")
@click.argument("slugs", nargs=-1)
@_templates_dir_option
@json_option
@pass_app
def validate_command(app: AppContext, slugs: tuple[str, ...], templates_dir: Path | None, as_json: bool) -> None:
    """Check templates (all, or the SLUGS given): every problem as file:line: message; exit 2 on any."""
    root, folders = _folders(app, templates_dir)
    problems = validate_templates(root, list(slugs) or None)
    valid = [t for folder in folders if not slugs or folder.name in slugs
             for t, found in [check_template(folder)] if t is not None and not found]
    problems += competency_problems(root, valid)
    checked = len(slugs) if slugs else len(folders)
    if problems:
        _exit_with_problems(problems, f"{len(problems)} problem(s) in {checked} template(s) under {root}", as_json)
    if as_json:
        emit_json({"templates_dir": str(root), "checked": checked, "problems": []})
        return
    click.echo(f"{style('ok:', fg='green', bold=True)} {checked} template(s) under {root} are valid")
