"""`lms-sync records export-person|forget|purge`: the data-protection commands (GDPR access, erasure, retention).

They act on the records store only; erasing keeps anonymous aggregates, so evaluation reports stay valid.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from lms_sync.cli.app import AppContext, InputError, main, pass_app
from lms_sync.cli.output import emit_json, json_option
from lms_sync.cli.records_access import open_records
from lms_sync.limits import MAX_MONTHS

# The export is personal data: only its owner may read the file.
EXPORT_FILE_MODE = 0o600


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {count}" for table, count in counts.items()) or "nothing"


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, EXPORT_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _confirmed(question: str) -> bool:
    try:
        return click.confirm(question, default=False)
    except click.Abort:
        # No terminal to answer (end of input) or Ctrl-C: that is not a yes.
        return False


@main.group("records")
def records_group() -> None:
    """Data protection: export or erase everything stored about a person; purge personal data of old runs."""


@records_group.command("export-person")
@click.argument("email")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON to this file (readable by you only) instead of standard output.",
)
@json_option
@pass_app
def export_person_command(app: AppContext, email: str, output: Path | None, as_json: bool) -> None:
    """Everything stored about the person with this EMAIL, as JSON (for a GDPR access request)."""
    with open_records(app) as store:
        data = store.export_person(email)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        _write_private(output, text)
    except OSError as error:
        raise InputError(f"{output}: cannot write the export ({error.strerror}); choose another path") from None
    if as_json:
        emit_json({"written": [str(output)]})
        return
    click.echo(f"wrote {output}", err=True)


@records_group.command("forget")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_app
def forget_command(app: AppContext, email: str, yes: bool, as_json: bool) -> None:
    """Erase the person with this EMAIL (GDPR erasure); their anonymous answers stay in the aggregates."""
    if as_json and not yes:
        raise InputError("--json cannot ask for confirmation: pass --yes as well")
    with open_records(app) as store:
        stored = store.export_person(email)
        kept = {name: len(rows) for name, rows in stored.items() if isinstance(rows, list) and rows}
        if not as_json:
            click.echo(f"stored about {email}: {_counts_line(kept)}")
        if not yes and not _confirmed("Erase this person's personal data? This cannot be undone"):
            raise InputError("not confirmed: nothing was erased (pass --yes to skip the question)")
        erased = store.forget_person(email)
    if as_json:
        emit_json({"email": email, "stored": kept, "erased": erased})
        return
    click.echo(f"erased {email}: {_counts_line(erased)}")


@records_group.command("purge")
@click.option(
    "--older-than-months",
    type=click.IntRange(0, MAX_MONTHS),
    default=None,
    help="Purge personal data of runs that ended more than N months ago (default: records.retention_months).",
)
@json_option
@pass_app
def purge_command(app: AppContext, older_than_months: int | None, as_json: bool) -> None:
    """Delete enrolments, completion and ratings of old runs and unlink their feedback; 0 months keeps everything."""
    months = app.settings.records.retention_months if older_than_months is None else older_than_months
    if months == 0:
        if as_json:
            emit_json({"older_than_months": 0, "purged": {}})
        else:
            click.echo("retention is 0 months (keep everything): nothing purged")
        return
    with open_records(app) as store:
        purged = store.purge_older_than(months)
    if as_json:
        emit_json({"older_than_months": months, "purged": purged})
        return
    unit = "month" if months == 1 else "months"
    click.echo(f"purged personal data of runs that ended more than {months} {unit} ago: {_counts_line(purged)}")
