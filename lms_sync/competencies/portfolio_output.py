"""Writes the competence portfolio as files: HTML (jinja2, autoescaped, inline SVG per competency) and CSV.

Reads the records store, the frameworks and the offers; raises `NothingToReport` when nothing is stored for the person.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from lms_sync.competencies.framework import CompetencyFramework
from lms_sync.competencies.offers import OfferCatalogue
from lms_sync.competencies.portfolio import Portfolio, build_portfolio
from lms_sync.competencies.portfolio_chart import level_chart
from lms_sync.records.people import normalise_email
from lms_sync.records.store import RecordsStore
from lms_sync.reports.csv_output import CSV_ENCODING, csv_text, iso_date
from lms_sync.reports.files import NothingToReport
from lms_sync.reports.rendering import german_date

CSV_HEADER = ("Kompetenzrahmen", "Kompetenz-ID", "Kompetenz", "Datum", "Quelle", "Stufe", "Stufe (Bezeichnung)",
              "Erreicht", "Notiz", "Lernplan")


@cache
def _environment() -> Environment:
    # The portfolio page extends the reports' page frame, so all reports look and print alike.
    env = Environment(
        loader=ChoiceLoader([PackageLoader("lms_sync.competencies", "html"), PackageLoader("lms_sync.reports", "html")]),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = german_date
    env.globals["level_chart"] = level_chart
    return env


def portfolio_html(portfolio: Portfolio, timezone: ZoneInfo) -> str:
    return _environment().get_template("portfolio.html.j2").render(report=portfolio, timezone=timezone)


def portfolio_csv(portfolio: Portfolio, timezone: ZoneInfo) -> str:
    """One row per rating, oldest first within each competency; "Lernplan" names the plan of a plan rating."""
    rows = [
        (history.framework_idnumber, history.idnumber, history.shortname, iso_date(point.rated_at, timezone),
         point.source, point.rating, point.label, "ja" if point.proficient else "nein", point.evidence_note, point.plan)
        for history in portfolio.competencies
        for point in history.points
    ]
    return csv_text(CSV_HEADER, rows)


def write_portfolio_report(
    store: RecordsStore,
    email: str,
    folder: Path,
    *,
    frameworks: dict[str, CompetencyFramework],
    offers: OfferCatalogue,
    timezone: ZoneInfo,
    now: datetime | None = None,
) -> list[Path]:
    """Write portfolio-<email>.html and .csv into `folder`; returns the paths written."""
    email = normalise_email(email)
    rows = store.person_ratings(email)
    if not rows:
        raise NothingToReport(
            f"no competency ratings for {email} in the records: ratings are pulled only for participants who opted in "
            "to the Kompetenzberatung (participants CSV) and were rated in Moodle; run `lms-sync pull` first"
        )
    name = store.person_names([email])[email]
    portfolio = build_portfolio(email, name, rows, frameworks, offers, now or datetime.now(UTC))
    folder.mkdir(parents=True, exist_ok=True)
    stem = "portfolio-" + "".join(char if char.isalnum() or char in "-_.@" else "-" for char in email)
    html_path, csv_path = folder / f"{stem}.html", folder / f"{stem}.csv"
    html_path.write_text(portfolio_html(portfolio, timezone), encoding="utf-8")
    # newline="" keeps the CSV's CRLF line ends exactly as the csv module wrote them.
    csv_path.write_text(portfolio_csv(portfolio, timezone), encoding=CSV_ENCODING, newline="")
    return [html_path, csv_path]
