"""Write the reports as files: read the records, build the report, render HTML and/or CSV into a folder.

The functions the CLI calls; they raise `NothingToReport` (with what to do) when the records hold no matching data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from lms_sync.records.queries import CourseEvaluation, CourseRoles
from lms_sync.records.store import RecordsStore
from lms_sync.reports.csv_output import CSV_ENCODING
from lms_sync.reports.evaluation import MIN_RESPONSES, EvaluationScope, build_evaluation_report
from lms_sync.reports.evaluation_csv import evaluation_csv
from lms_sync.reports.participation import build_participation_report, participation_csv
from lms_sync.reports.rendering import render_report

ReportFormat = Literal["html", "csv", "both"]


class NothingToReport(LookupError):
    """The records hold nothing for the requested report; the message says what to pull first."""


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    # newline="" keeps the CSV's own CRLF line ends as the csv module wrote them.
    with path.open("w", encoding=encoding, newline="") as handle:
        handle.write(text)
    return path


def _file_stem(*parts: str) -> str:
    """A file name from run ids, template slugs or e-mail addresses, with anything unsafe in a path replaced."""
    return "-".join("".join(char if char.isalnum() or char in "-_.@" else "-" for char in part) for part in parts)


def _evaluation_data(store: RecordsStore, roles: CourseRoles, scope: EvaluationScope) -> list[CourseEvaluation]:
    if scope.kind == "run":
        return store.evaluation_data(roles, run_ids=[scope.value])
    if scope.kind == "template":
        return store.evaluation_data(roles, template=scope.value)
    return store.evaluation_data(roles, trainer_email=scope.value)


def write_evaluation_report(
    store: RecordsStore,
    roles: CourseRoles,
    scope: EvaluationScope,
    folder: Path,
    *,
    formats: ReportFormat = "both",
    timezone: ZoneInfo,
    now: datetime | None = None,
    min_responses: int = MIN_RESPONSES,
) -> list[Path]:
    """Write evaluation-<scope>.html and/or .csv into `folder`; returns the paths written. Participants (the response
    rate's denominator) and trainers are who holds `roles`' role ids."""
    evaluations = _evaluation_data(store, roles, scope)
    if not evaluations:
        raise NothingToReport(
            f"no evaluation data for {scope.kind} {scope.value!r} in the records: check the spelling, "
            "and pull the run's course first (`lms-sync pull RUN` or `lms-sync pull --course ID`)"
        )
    emails = {email for e in evaluations for email in e.trainer_emails}
    if scope.kind == "trainer":
        emails.add(scope.value)
    names = store.person_names(emails)
    report = build_evaluation_report(scope, evaluations, names, now or datetime.now(UTC), min_responses=min_responses)
    stem = _file_stem("evaluation", scope.value) if scope.kind == "run" else _file_stem("evaluation", scope.kind, scope.value)
    written = []
    if formats in ("html", "both"):
        html = render_report("evaluation.html.j2", timezone, report=report)
        written.append(_write(folder, f"{stem}.html", html))
    if formats in ("csv", "both"):
        written.append(_write(folder, f"{stem}.csv", evaluation_csv(report, timezone), CSV_ENCODING))
    return written


def write_participation_report(
    store: RecordsStore,
    roles: CourseRoles,
    run_ids: Sequence[str],
    folder: Path,
    *,
    timezone: ZoneInfo,
    now: datetime | None = None,
) -> list[Path]:
    """Write participation-<runs|all>.html and .csv into `folder` (all runs when `run_ids` is empty); participants are
    who holds `roles.participant`."""
    rows = store.participation(roles, run_ids=list(run_ids) or None)
    found = {name for row in rows for name in (row.course.run_id, row.course.idnumber, row.course.shortname)}
    missing = sorted(set(run_ids) - found)
    if missing or not rows:
        which = ", ".join(missing) if missing else "any run"
        raise NothingToReport(f"no enrolments for {which} in the records: check the run ids, and pull the runs first")
    report = build_participation_report(rows, now or datetime.now(UTC))
    name = _file_stem("participation", *(run_ids or ["all"]))
    return [
        _write(folder, f"{name}.html", render_report("participation.html.j2", timezone, report=report)),
        _write(folder, f"{name}.csv", participation_csv(report, timezone), CSV_ENCODING),
    ]
