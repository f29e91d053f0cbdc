"""`lms-sync blueprint build|adopt|verify`: compile a course template into a Moodle course backup, check the restored course.

`build` needs no Moodle; `adopt` sets the restored course's idnumber; `verify` reads it and exits 1 on drift.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from lms_sync.blueprint import BlueprintContent, ItemEncodingError, build_blueprint, compile_blueprint
from lms_sync.blueprint.adopt import AdoptRefused, adopt_blueprint
from lms_sync.blueprint.drift import compute_drift
from lms_sync.blueprint.observe import observe_blueprint
from lms_sync.blueprint.rendering import render_blueprint_text
from lms_sync.cli.app import AppContext, InputError, main, pass_app
from lms_sync.cli.output import emit_json, error_object, json_option
from lms_sync.exit_codes import ExitCode
from lms_sync.limits import MAX_TIMESTAMP
from lms_sync.templates import MANIFEST_NAME, CourseTemplate, TemplateError, load_template


def _load_template(app: AppContext, name: str) -> CourseTemplate:
    """TEMPLATE is a template folder, or a slug under the configured templates directory."""
    given = Path(name)
    folder = given if (given / MANIFEST_NAME).is_file() else app.settings.catalogue.templates_dir / name
    if not (folder / MANIFEST_NAME).is_file():
        raise InputError(f"no template {name!r}: neither a folder with {MANIFEST_NAME} nor a template in "
                         f"{app.settings.catalogue.templates_dir} (see: lms-sync templates list)")
    try:
        return load_template(folder)
    except TemplateError as error:
        raise InputError(f"template {name!r} is not valid:\n{error}") from None


def _encoding_problem(template: CourseTemplate, error: ItemEncodingError) -> InputError:
    return InputError(f"{template.path / MANIFEST_NAME}: {error} (remove it from the text)")


def _site_zone(app: AppContext) -> ZoneInfo:
    """The zone the blueprint's dates are placed in: the catalogue's, as for the runs."""
    return ZoneInfo(app.settings.catalogue.timezone)


def _compiled(app: AppContext, template_name: str) -> BlueprintContent:
    """The blueprint course TEMPLATE compiles to (what adopt and verify look for in Moodle)."""
    template = _load_template(app, template_name)
    try:
        return compile_blueprint(template, _site_zone(app))
    except ItemEncodingError as error:
        raise _encoding_problem(template, error) from None


@main.group("blueprint")
def blueprint_group() -> None:
    """Blueprint courses: the template's activities and questionnaire as a Moodle course backup."""


@blueprint_group.command("build")
@click.argument("template_name", metavar="TEMPLATE")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the .mbz (default: Moodle's backup file name in the current folder).")
@click.option("--timestamp", type=click.IntRange(0, MAX_TIMESTAMP), default=None,
              help="Unix time stamped into the backup (default: now); the same value gives a byte-identical file.")
@json_option
@pass_app
def build_command(app: AppContext, template_name: str, output: Path | None, timestamp: int | None,
                  as_json: bool) -> None:
    """Write TEMPLATE's blueprint course as a Moodle course backup (.mbz) to restore once."""
    template = _load_template(app, template_name)
    try:
        built = build_blueprint(template, int(time.time()) if timestamp is None else timestamp, _site_zone(app))
    except ItemEncodingError as error:
        raise _encoding_problem(template, error) from None
    path = output or Path(built.filename)
    try:
        path.write_bytes(built.data)
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror}") from None
    items = sum(len(activity.items) for activity in built.content.activities)
    if as_json:
        emit_json({"written": [str(path)], "bytes": len(built.data), "template": template_name,
                   "activities": len(built.content.activities), "questionnaire_items": items})
        return
    click.echo(render_blueprint_text("build.txt.j2", path=path, size=len(built.data), content=built.content,
                                     items=items, template=template_name))


@blueprint_group.command("adopt")
@click.argument("template_name", metavar="TEMPLATE")
@json_option
@pass_app
def adopt_command(app: AppContext, template_name: str, as_json: bool) -> None:
    """Give the restored blueprint course of TEMPLATE its idnumber (Moodle's restore drops it)."""
    content = _compiled(app, template_name)
    try:
        adopted = adopt_blueprint(app.moodle(), content, template_name)
    except AdoptRefused as error:
        message = f"Blueprint {content.idnumber} not adopted: {error}"
        if as_json:
            emit_json(error_object(message, int(ExitCode.SOME_RUNS_FAILED)))
        click.echo(message, err=True)
        raise SystemExit(int(ExitCode.SOME_RUNS_FAILED)) from None
    if as_json:
        emit_json({"blueprint": content.idnumber, "course_id": adopted.course_id, "shortname": adopted.shortname,
                   "already": adopted.already})
        return
    done = "already has" if adopted.already else "now has"
    click.echo(f"Blueprint {content.idnumber}: course {adopted.course_id} ({adopted.shortname}) {done} its idnumber; "
               f"check it with `lms-sync blueprint verify {template_name}`")


@blueprint_group.command("verify")
@click.argument("template_name", metavar="TEMPLATE")
@json_option
@pass_app
def verify_command(app: AppContext, template_name: str, as_json: bool) -> None:
    """Compare the restored blueprint course in Moodle with TEMPLATE; exit 1 when they differ."""
    content = _compiled(app, template_name)
    observed = observe_blueprint(app.moodle(), content)
    drifts = compute_drift(content, observed, template_name)
    if as_json:
        course = None if observed is None else {
            "id": observed.course.id, "shortname": observed.course.shortname, "idnumber": observed.course.idnumber,
            "found_by": str(observed.found_by),
        }
        report = {"blueprint": content.idnumber, "course": course, "drift": [drift.as_dict() for drift in drifts]}
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(render_blueprint_text("verify.txt.j2", content=content, observed=observed, drifts=drifts), nl=False)
    if drifts:
        raise SystemExit(int(ExitCode.SOME_RUNS_FAILED))
