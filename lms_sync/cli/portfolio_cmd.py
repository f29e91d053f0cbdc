"""`lms-sync report portfolio EMAIL`: a person's competence portfolio across all workshops, as HTML and CSV.

Reads the records store and `<templates_dir>/competencies/` (frameworks and further-training offers).
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click

from lms_sync.cli.app import AppContext, InputError, pass_app
from lms_sync.cli.output import json_option
from lms_sync.cli.records_access import open_records
from lms_sync.cli.report_cmd import echo_written, report_group
from lms_sync.competencies.framework import COMPETENCIES_FOLDER, OFFERS_FILE, check_frameworks
from lms_sync.competencies.offers import check_offers
from lms_sync.competencies.portfolio_output import write_portfolio_report


@report_group.command("portfolio")
@click.argument("email")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for portfolio-EMAIL.html and .csv (created if missing).",
)
@json_option
@pass_app
def portfolio_command(app: AppContext, email: str, output_dir: Path, as_json: bool) -> None:
    """The competence portfolio of EMAIL: ratings per competency over time, and offers for what is not yet reached."""
    folder = app.settings.catalogue.templates_dir / COMPETENCIES_FOLDER
    frameworks, problems = check_frameworks(folder)
    offers, offer_problems = check_offers(folder / OFFERS_FILE, frameworks)
    problems += offer_problems
    if problems or offers is None:
        raise InputError("\n".join(str(problem) for problem in problems))
    with open_records(app) as store:
        paths = write_portfolio_report(store, email, output_dir, frameworks=frameworks, offers=offers,
                                       timezone=ZoneInfo(app.settings.catalogue.timezone))
    echo_written(paths, as_json)
