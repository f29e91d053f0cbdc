"""Numeric items (Moodle type `numeric`) in the evaluation report (SQLite and PostgreSQL): n, mean, median, min and max
per run, trainer and all runs, withheld like rated items when a run has too few answers.

Data: tests/reports_numeric_samples.py; every expected number is in `fill_numbers`' docstring.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lms_sync.records.queries import EvaluationItem
from lms_sync.records.store import RecordsStore
from lms_sync.reports.csv_output import number
from lms_sync.reports.evaluation import MIN_RESPONSES, EvaluationScope
from lms_sync.reports.items import report_item
from tests.reports_numeric_samples import (
    HOURS_QUESTION,
    NUMERIC_RUN_1,
    NUMERIC_RUN_2,
    NUMERIC_RUN_3,
    PEOPLE_QUESTION,
    RATED_QUESTION,
    fill_numbers,
)
from tests.reports_parsing import Element, parse_html, read_csv
from tests.reports_samples import PETRA, STUDENT_NAMES, TEMPLATE
from tests.test_reports_evaluation import item_section, rows_by_caption, write

CSV_FIGURES = ("row_kind", "caption", "n", "mean", "median", "min", "max", "withheld")


@pytest.fixture
def filled(records_store: RecordsStore) -> RecordsStore:
    fill_numbers(records_store)
    return records_store


def numeric_rows(path: Path, label: str = "stunden") -> list[tuple[str, ...]]:
    return [
        tuple(row[column] for column in CSV_FIGURES)
        for row in read_csv(path)
        if row["item_label"] == label and row["item_kind"] == "numeric"
    ]


def shown_figures(row: Element) -> tuple[str, ...]:
    """n, Mittelwert, Median, Minimum, Maximum as the HTML row shows them (only n for a withheld row)."""
    cells = [row.find("td", "n"), *(cell for name in ("mean", "median", "min", "max") for cell in row.iter("td", name))]
    return tuple(cell.text for cell in cells)


def test_a_run_shows_count_mean_median_minimum_and_maximum(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("run", NUMERIC_RUN_1), tmp_path)
    assert numeric_rows(files[".csv"]) == [("run", NUMERIC_RUN_1, "3", "5", "4", "2", "9", "no")]
    assert numeric_rows(files[".csv"], "personen") == [("run", NUMERIC_RUN_1, "0", "", "", "", "", "no")]
    document = parse_html(files[".html"])
    hours = item_section(document, "stunden")
    assert hours.find("h4").text.startswith(f"Zahlenangaben: {HOURS_QUESTION}")
    assert [cell.text for cell in hours.iter("th")] == ["Durchgang", "n", "Mittelwert", "Median", "Minimum", "Maximum"]
    assert shown_figures(rows_by_caption(hours)[NUMERIC_RUN_1]) == ("3", "5,0", "4,0", "2,0", "9,0")
    assert hours.find("p", "range").text == "Erlaubter Bereich: 0 bis 40"
    unanswered = item_section(document, "personen")
    assert PEOPLE_QUESTION in unanswered.text and not list(unanswered.iter("p", "range"))
    assert shown_figures(rows_by_caption(unanswered)[NUMERIC_RUN_1]) == ("0", "–", "–", "–", "–")


def test_template_pools_runs_per_trainer_and_in_total(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("template", TEMPLATE), tmp_path)
    assert numeric_rows(files[".csv"]) == [
        ("run", NUMERIC_RUN_1, "3", "5", "4", "2", "9", "no"),
        ("run", NUMERIC_RUN_2, "2", "15", "15", "10", "20", "no"),
        ("run", NUMERIC_RUN_3, "4", "5.375", "4.5", "0.5", "12", "no"),
        ("trainer", "Jörg Weiß", "2", "15", "15", "10", "20", "no"),
        ("trainer", "Petra Wagner", "7", "5.214", "4", "0.5", "12", "no"),
        ("total", "Alle Durchgänge", "9", "7.389", "6", "0.5", "20", "no"),
    ]
    by_caption = rows_by_caption(item_section(parse_html(files[".html"]), "stunden"))
    assert shown_figures(by_caption[NUMERIC_RUN_3]) == ("4", "5,4", "4,5", "0,5", "12,0")
    assert shown_figures(by_caption["Petra Wagner"]) == ("7", "5,2", "4,0", "0,5", "12,0")
    assert shown_figures(by_caption["Alle Durchgänge"]) == ("9", "7,4", "6,0", "0,5", "20,0")
    assert "Trainer*in" in by_caption["Petra Wagner"].find("td", "caption").text


def test_a_trainer_report_has_their_runs_and_their_total(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("trainer", PETRA), tmp_path, "csv")
    assert numeric_rows(files[".csv"]) == [
        ("run", NUMERIC_RUN_1, "3", "5", "4", "2", "9", "no"),
        ("run", NUMERIC_RUN_3, "4", "5.375", "4.5", "0.5", "12", "no"),
        ("total", "Alle Durchgänge", "7", "5.214", "4", "0.5", "12", "no"),
    ]


def test_a_run_with_too_few_answers_shows_no_numbers_and_is_not_pooled(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("template", TEMPLATE), tmp_path, min_responses=MIN_RESPONSES)
    assert numeric_rows(files[".csv"]) == [
        ("run", NUMERIC_RUN_1, "3", "5", "4", "2", "9", "no"),
        ("run", NUMERIC_RUN_2, "2", "", "", "", "", "yes"),
        ("run", NUMERIC_RUN_3, "4", "5.375", "4.5", "0.5", "12", "no"),
        ("trainer", "Jörg Weiß", "2", "", "", "", "", "yes"),  # his only run is withheld
        ("trainer", "Petra Wagner", "7", "5.214", "4", "0.5", "12", "no"),
        ("total", "Alle Durchgänge", "7", "5.214", "4", "0.5", "12", "no"),  # without kvz-2026-08's 10 and 20
    ]
    by_caption = rows_by_caption(item_section(parse_html(files[".html"]), "stunden"))
    for caption in (NUMERIC_RUN_2, "Jörg Weiß"):
        assert shown_figures(by_caption[caption]) == ("2",)
        assert "weniger als 3 Antworten – zum Schutz der Antwortenden nicht ausgewiesen" in by_caption[caption].text
    assert shown_figures(by_caption["Alle Durchgänge"]) == ("7", "5,2", "4,0", "0,5", "12,0")


def test_the_comparison_of_means_lists_rated_items_only(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("template", TEMPLATE), tmp_path)
    document = parse_html(files[".html"])
    comparison = document.find("table", "comparison")
    assert [row.find("td").text for row in comparison.find("tbody").iter("tr")] == [RATED_QUESTION]
    rows = read_csv(files[".csv"])
    rated = [row for row in rows if row["item_kind"] == "rated"]
    assert rated and all((row["median"], row["min"], row["max"]) == ("", "", "") for row in rated)
    for path in files.values():
        content = path.read_text(encoding="utf-8-sig")
        assert not [name for name in STUDENT_NAMES if name in content]


@pytest.mark.parametrize(
    ("presentation", "bounds"),
    [("0|100", (0.0, 100.0)), ("|", (None, None)), ("5|", (5.0, None)), ("|2.5", (None, 2.5)), ("", (None, None))],
)
def test_a_numeric_item_keeps_the_range_moodle_allowed(presentation: str, bounds: tuple[float | None, float | None]) -> None:
    stored = EvaluationItem(moodle_item_id=1, label="stunden", typ="numeric", question=HOURS_QUESTION,
                            presentation=presentation, position=1, scale_min=None, scale_max=None)
    item = report_item(stored)
    assert item is not None and item.kind == "numeric"
    assert (item.range_min, item.range_max) == bounds


@pytest.mark.parametrize(("value", "written"), [(1234567, "1234567"), (12345.678, "12345.678"), (20 / 6, "3.333"),
                                                (3.0, "3"), (-0.0001, "0"), (None, "")])
def test_csv_numbers_are_plain_decimals_never_scientific(value: float | None, written: str) -> None:
    assert number(value) == written  # budgets or head counts must not turn into 1.23457e+06
