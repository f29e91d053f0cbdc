"""The evaluation report's numbers as CSV: one row per questionnaire x rated item x run (plus trainer and total rows).

Same figures as the HTML; free-text answers stay in the HTML only.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from lms_sync.reports.csv_output import csv_text, iso_date, number
from lms_sync.reports.evaluation import EvaluationReport, StatsRow

FIXED_COLUMNS = (
    "questionnaire",
    "anonymous",
    "row_kind",
    "caption",
    "run_id",
    "course_idnumber",
    "course_start",
    "participants",
    "respondents",
    "response_rate",
    "item_label",
    "item_question",
    "n",
    "mean",
)


def _run_columns(row: StatsRow, timezone: ZoneInfo) -> list[object]:
    run = row.run
    if run is None:
        return ["", "", "", "", "", ""]
    return [
        run.course.run_id or "",
        run.course.idnumber or "",
        iso_date(run.course.startdate, timezone),
        run.participants,
        run.respondents,
        number(run.rate),
    ]


def evaluation_csv(report: EvaluationReport, timezone: ZoneInfo) -> str:
    """Rows in report order; a count_<value> column for every scale value any rated item uses."""
    rated = [(q, s) for q in report.questionnaires for s in q.items if s.item.kind == "rated"]
    values = sorted({value for _, section in rated for value in section.item.scale_values})
    rows = [
        [
            questionnaire.name,
            "yes" if questionnaire.anonymous else "no",
            row.kind,
            row.caption,
            *_run_columns(row, timezone),
            section.item.label,
            section.item.question,
            row.stats.n,
            number(row.stats.mean),
            *(row.stats.counts.get(value, "") for value in values),
        ]
        for questionnaire, section in rated
        for row in section.rows
    ]
    return csv_text([*FIXED_COLUMNS, *(f"count_{value}" for value in values)], rows)
