"""The evaluation report's numbers as CSV: one row per questionnaire x rated item x report row (run, trainer, total),
and per choice item one row per report row x option. Same figures as the HTML; free-text answers stay in the HTML only.
A row with too few answers to be shown keeps only its n, and says `withheld = yes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from lms_sync.reports.choice_statistics import ChoiceStats
from lms_sync.reports.csv_output import csv_text, iso_date, number
from lms_sync.reports.evaluation import EvaluationReport, ItemSection, QuestionnaireSection, StatsRow
from lms_sync.reports.statistics import ItemStats

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
CHOICE_COLUMNS = ("item_kind", "option", "option_count", "option_share", "withheld")
"""After the count_<value> columns, so files read by column position before choice items were reported still read."""
AnyStatsRow = StatsRow[ItemStats] | StatsRow[ChoiceStats]


def _run_columns(row: AnyStatsRow, timezone: ZoneInfo) -> list[object]:
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


def _leading_columns(
    questionnaire: QuestionnaireSection, section: ItemSection, row: AnyStatsRow, timezone: ZoneInfo
) -> list[object]:
    """Every column up to `n`: the questionnaire, the report row with its run's response rate, the item."""
    return [
        questionnaire.name,
        _yes_no(questionnaire.anonymous),
        row.kind,
        row.caption,
        *_run_columns(row, timezone),
        section.item.label,
        section.item.question,
    ]


def _rows(report: EvaluationReport, values: list[int], timezone: ZoneInfo) -> Iterator[list[object]]:
    no_counts = [""] * len(values)
    for questionnaire in report.questionnaires:
        for section in questionnaire.items:
            for rated in section.rows:
                counts = no_counts if rated.withheld else [rated.stats.counts.get(value, "") for value in values]
                yield [
                    *_leading_columns(questionnaire, section, rated, timezone),
                    rated.n,
                    number(rated.stats.mean),
                    *counts,
                    "rated",
                    "",
                    "",
                    "",
                    _yes_no(rated.withheld),
                ]
            for chosen in section.choice_rows:
                leading = _leading_columns(questionnaire, section, chosen, timezone)
                if chosen.withheld:
                    yield [*leading, chosen.n, "", *no_counts, "choice", "", "", "", "yes"]
                for option, count in () if chosen.withheld else chosen.stats.counts.items():
                    share = number(chosen.stats.share(option)) if chosen.stats.n else ""
                    yield [*leading, chosen.stats.n, "", *no_counts, "choice", option, count, share, "no"]


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def evaluation_csv(report: EvaluationReport, timezone: ZoneInfo) -> str:
    """Rows in report order; a count_<value> column for every scale value any rated item uses."""
    values = sorted({value for q in report.questionnaires for section in q.items for value in section.item.scale_values})
    header = [*FIXED_COLUMNS, *(f"count_{value}" for value in values), *CHOICE_COLUMNS]
    return csv_text(header, _rows(report, values, timezone))
