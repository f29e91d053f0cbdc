"""The evaluation report's numbers as CSV: one row per questionnaire x rated or numeric item x report row (run, trainer,
total), and per choice item one row per report row x option. Same figures as the HTML; free texts stay in the HTML only.
A row with too few answers to be shown keeps only its n, and says `withheld = yes`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from lms_sync.reports.choice_statistics import ChoiceStats
from lms_sync.reports.csv_output import csv_text, iso_date, number
from lms_sync.reports.evaluation import EvaluationReport, ItemSection, QuestionnaireSection, StatsRow
from lms_sync.reports.numeric_statistics import NumericStats
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
NUMERIC_COLUMNS = ("median", "min", "max")
"""Last of all, so every earlier column keeps its position."""
AnyStatsRow = StatsRow[ItemStats] | StatsRow[ChoiceStats] | StatsRow[NumericStats]
_THREE_EMPTY = ("", "", "")  # the choice (option, count, share) or numeric (median, min, max) columns of other kinds


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


def _line(
    leading: list[object],
    n: int,
    mean: str,
    counts: Sequence[object],
    kind: str,
    withheld: bool,
    option: tuple[object, ...] = _THREE_EMPTY,
    spread: tuple[str, ...] = _THREE_EMPTY,
) -> list[object]:
    """One CSV row in header order; `option` fills the choice columns, `spread` the numeric ones."""
    return [*leading, n, mean, *counts, kind, *option, _yes_no(withheld), *spread]


def _rows(report: EvaluationReport, values: list[int], timezone: ZoneInfo) -> Iterator[list[object]]:
    no_counts: list[object] = [""] * len(values)
    for questionnaire in report.questionnaires:
        for section in questionnaire.items:
            for rated in section.rows:
                counts = no_counts if rated.withheld else [rated.stats.counts.get(value, "") for value in values]
                leading = _leading_columns(questionnaire, section, rated, timezone)
                yield _line(leading, rated.n, number(rated.stats.mean), counts, "rated", rated.withheld)
            for chosen in section.choice_rows:
                leading = _leading_columns(questionnaire, section, chosen, timezone)
                if chosen.withheld:
                    yield _line(leading, chosen.n, "", no_counts, "choice", True)
                for option, count in () if chosen.withheld else chosen.stats.counts.items():
                    share = number(chosen.stats.share(option)) if chosen.stats.n else ""
                    yield _line(leading, chosen.stats.n, "", no_counts, "choice", False, (option, count, share))
            for numeric in section.numeric_rows:
                leading = _leading_columns(questionnaire, section, numeric, timezone)
                stats = numeric.stats  # a withheld row's stats hold no answers, so every figure stays empty
                spread = (number(stats.median), number(stats.minimum), number(stats.maximum))
                yield _line(leading, numeric.n, number(stats.mean), no_counts, "numeric", numeric.withheld, spread=spread)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def evaluation_csv(report: EvaluationReport, timezone: ZoneInfo) -> str:
    """Rows in report order; a count_<value> column for every scale value any rated item uses."""
    values = sorted({value for q in report.questionnaires for section in q.items for value in section.item.scale_values})
    header = [*FIXED_COLUMNS, *(f"count_{value}" for value in values), *CHOICE_COLUMNS, *NUMERIC_COLUMNS]
    return csv_text(header, _rows(report, values, timezone))
