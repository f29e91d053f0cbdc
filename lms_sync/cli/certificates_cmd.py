"""`lms-sync report certificates RUN`: Teilnahmebescheinigungen as PDF for the participants who completed a run.

Reads the records (who completed, as pulled), the catalogue (sessions, trainers) and the run's course template.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from lms_sync.certificates.content import CertificateError, plan_certificates
from lms_sync.certificates.files import WrittenCertificates, write_certificates
from lms_sync.cli.app import AppContext, InputError, pass_app
from lms_sync.cli.output import emit_json, json_option
from lms_sync.cli.plan_cmd import catalogue_location_options, open_workspace
from lms_sync.cli.records_access import course_roles, open_records
from lms_sync.cli.report_cmd import report_group


def _issue_date(value: str | None, timezone: ZoneInfo) -> date:
    if value is None:
        return datetime.now(timezone).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--issued {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2027-04-09") from None


def _as_dict(run_id: str, written: WrittenCertificates) -> dict[str, object]:
    return {
        "run": run_id,
        "written": [{"path": str(path), "email": c.email, "name": c.name, "number": c.number, "completed": c.completed}
                    for c, path in written.files],
        "combined": None if written.combined is None else str(written.combined),
        "skipped": [{"email": s.email, "name": s.name, "reason": s.reason} for s in written.skipped],
    }


def _echo_text(run_id: str, written: WrittenCertificates) -> None:
    for certificate, path in written.files:
        note = "" if certificate.completed else " (not completed: issued with --include-incomplete)"
        click.echo(f"wrote {path}{note}")
    if written.combined is not None:
        click.echo(f"wrote {written.combined} ({len(written.files)} certificates, for printing)")
    for skipped in written.skipped:
        click.echo(f"skipped {skipped.name} <{skipped.email}>: {skipped.reason}")
    if not written.files:
        click.echo(f"no certificate written for run {run_id}")


@report_group.command("certificates")
@click.argument("run_id", metavar="RUN")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for the PDF files (created if missing).")
@click.option("--only", "only", multiple=True, metavar="EMAIL",
              help="Only this participant (repeatable); then no combined PDF is written.")
@click.option("--include-incomplete", is_flag=True,
              help="Also issue certificates to participants whose course completion Moodle does not show.")
@click.option("--issued", metavar="YYYY-MM-DD", help="Date of issue printed on the certificates (default: today).")
@catalogue_location_options
@json_option
@pass_app
def certificates_command(app: AppContext, run_id: str, output_dir: Path, only: tuple[str, ...],
                         include_incomplete: bool, issued: str | None, catalogue: Path | None,
                         templates_dir: Path | None, as_json: bool) -> None:
    """One PDF certificate of attendance per participant who completed RUN, plus one combined PDF for printing."""
    timezone = ZoneInfo(app.settings.catalogue.timezone)
    issued_on = _issue_date(issued, timezone)
    workspace = open_workspace(app, catalogue, templates_dir, (run_id,), strict=False)
    run = next((r for r in workspace.runs if r.id == run_id), None)
    template = workspace.templates.get(run.template) if run is not None else None
    if run is None or template is None or run_id in workspace.failed_runs:
        raise InputError(f"run {run_id} cannot be read from the catalogue and its template; fix the errors above")
    with open_records(app) as store:
        rows = store.participation(course_roles(app), run_ids=[run_id])
    try:
        batch = plan_certificates(rows, run, template, workspace.frameworks, issued_on=issued_on, timezone=timezone,
                                  only=only, include_incomplete=include_incomplete)
    except CertificateError as error:
        raise InputError(str(error)) from None
    written = write_certificates(batch, output_dir, with_combined=not only)
    if as_json:
        emit_json(_as_dict(run_id, written))
    else:
        _echo_text(run_id, written)
