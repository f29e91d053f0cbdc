"""Unrated multiple-choice items in the evaluation report (SQLite and PostgreSQL): counts and shares per option.

Data: tests/reports_choice_samples.py; every expected number is in `fill_choices`' docstring.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lms_sync.records.store import RecordsStore
from lms_sync.reports import charts
from lms_sync.reports.choice_statistics import UNKNOWN_OPTION
from lms_sync.reports.evaluation import EvaluationScope
from lms_sync.reports.evaluation_csv import FIXED_COLUMNS
from tests.reports_choice_samples import CHOICE_RUN_1, CHOICE_RUN_2, PLAN_A, PLAN_B, PLAN_C, UNKNOWN_PLAN, fill_choices
from tests.reports_parsing import Element, parse_html, read_csv
from tests.reports_samples import RUN_1, STUDENT_NAMES, STUDENTS, TEMPLATE, fill
from tests.test_reports_evaluation import item_section, write


@pytest.fixture
def filled(records_store: RecordsStore) -> RecordsStore:
    fill_choices(records_store)
    return records_store


def choice_rows(rows: list[dict[str, str]], label: str, caption: str) -> list[tuple[str, str, str, str]]:
    """(option, n, count, share) of one item's rows for one report row."""
    return [
        (row["option"], row["n"], row["option_count"], row["option_share"])
        for row in rows
        if row["item_label"] == label and row["caption"] == caption
    ]


def options_shown(section: Element, caption: str) -> dict[str, tuple[str, str, float]]:
    """Option -> (count, share as printed, filled bar width) in the HTML table block of one report row."""
    block = next(body for body in section.iter("tbody") if body.attrs["data-caption"] == caption)
    shown = {}
    for row in block.iter("tr", "option"):
        bar = [float(rect.attrs["width"]) for rect in row.iter("rect", "option-share")]
        shown[row.attrs["data-option"]] = (row.find("td", "count").text, row.find("td", "share").text, sum(bar))
    return shown


def test_run_csv_counts_every_chosen_option_and_unknown_answers(filled: RecordsStore, tmp_path: Path) -> None:
    rows = read_csv(write(filled, EvaluationScope("run", CHOICE_RUN_1), tmp_path, "csv")[".csv"])
    assert choice_rows(rows, "transfer_vorhaben", CHOICE_RUN_1) == [
        (PLAN_A, "5", "4", "0.8"),
        (PLAN_B, "5", "1", "0.2"),
        (PLAN_C, "5", "0", "0"),
        (UNKNOWN_OPTION, "5", "1", "0.2"),
    ]
    assert choice_rows(rows, "kanal", CHOICE_RUN_1) == [
        ("Newsletter", "3", "2", "0.667"),
        ("Website", "3", "1", "0.333"),
        ("Empfehlung", "3", "0", "0"),
    ]
    plan = next(row for row in rows if row["item_label"] == "transfer_vorhaben")
    assert (plan["item_kind"], plan["row_kind"], plan["mean"], plan["participants"], plan["respondents"]) == (
        "choice",
        "run",
        "",
        "5",
        "5",
    )
    assert UNKNOWN_PLAN not in "".join(row["option"] for row in rows), "unknown answers are counted, not listed"


def test_run_html_draws_a_bar_per_option_as_long_as_its_share(filled: RecordsStore, tmp_path: Path) -> None:
    document = parse_html(write(filled, EvaluationScope("run", CHOICE_RUN_1), tmp_path, "html")[".html"])
    plans = item_section(document, "transfer_vorhaben")
    assert plans.find("h4").text.startswith("Auswahl: Was möchten Sie")
    assert "Mehrfachauswahl möglich" in plans.text
    assert "(n=5)" in plans.find("tr", "row-caption").text
    width = charts.CHOICE_BAR_WIDTH
    assert options_shown(plans, CHOICE_RUN_1) == {
        PLAN_A: ("4", "80 %", pytest.approx(0.8 * width)),
        PLAN_B: ("1", "20 %", pytest.approx(0.2 * width)),
        PLAN_C: ("0", "0 %", 0.0),
        UNKNOWN_OPTION: ("1", "20 %", pytest.approx(0.2 * width)),
    }
    channel = item_section(document, "kanal")
    assert "Mehrfachauswahl" not in channel.text and "Eine Antwort wählbar" in channel.text
    assert options_shown(channel, CHOICE_RUN_1)["Newsletter"][:2] == ("2", "67 %")


def test_template_report_has_choice_rows_per_run_trainer_and_all_runs(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("template", TEMPLATE), tmp_path)
    rows = read_csv(files[".csv"])
    plans = [(r["row_kind"], r["caption"]) for r in rows if r["item_label"] == "transfer_vorhaben" and r["option"] == PLAN_A]
    assert plans == [
        ("run", CHOICE_RUN_1),
        ("run", CHOICE_RUN_2),
        ("trainer", "Jörg Weiß"),
        ("trainer", "Petra Wagner"),
        ("total", "Alle Durchgänge"),
    ]
    assert choice_rows(rows, "transfer_vorhaben", "Jörg Weiß") == [
        (PLAN_A, "2", "1", "0.5"),
        (PLAN_B, "2", "0", "0"),
        (PLAN_C, "2", "2", "1"),
    ]
    assert choice_rows(rows, "transfer_vorhaben", "Alle Durchgänge") == [
        (PLAN_A, "7", "5", "0.714"),
        (PLAN_B, "7", "1", "0.143"),
        (PLAN_C, "7", "2", "0.286"),
        (UNKNOWN_OPTION, "7", "1", "0.143"),
    ]
    # The second run offered one more channel: it is an option of the item in every row, not an unknown answer.
    assert choice_rows(rows, "kanal", "Alle Durchgänge") == [
        ("Newsletter", "4", "2", "0.5"),
        ("Website", "4", "1", "0.25"),
        ("Empfehlung", "4", "0", "0"),
        ("Social Media", "4", "1", "0.25"),
    ]
    assert choice_rows(rows, "kanal", CHOICE_RUN_1)[-1] == ("Social Media", "3", "0", "0")
    html_total = options_shown(item_section(parse_html(files[".html"]), "transfer_vorhaben"), "Alle Durchgänge")
    assert {option: shown[:2] for option, shown in html_total.items()} == {
        PLAN_A: ("5", "71 %"),
        PLAN_B: ("1", "14 %"),
        PLAN_C: ("2", "29 %"),
        UNKNOWN_OPTION: ("1", "14 %"),
    }


def test_csv_keeps_the_rated_columns_first_and_appends_the_choice_columns(records_store: RecordsStore, tmp_path: Path) -> None:
    fill(records_store)  # rated items on a 1-5 scale and an unanswered choice item
    path = write(records_store, EvaluationScope("run", RUN_1), tmp_path, "csv")[".csv"]
    columns = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    counts = [f"count_{value}" for value in range(1, 6)]
    choice = ["item_kind", "option", "option_count", "option_share", "withheld"]
    assert columns == [*FIXED_COLUMNS, *counts, *choice, "median", "min", "max"], "numeric columns come last of all"


def test_anonymous_choice_counts_without_any_name(filled: RecordsStore, tmp_path: Path) -> None:
    for scope in (EvaluationScope("run", CHOICE_RUN_1), EvaluationScope("template", TEMPLATE)):
        files = write(filled, scope, tmp_path / scope.kind)
        pace = item_section(parse_html(files[".html"]), "tempo_wahl")
        assert "Anonyme Befragung" in pace_questionnaire_note(parse_html(files[".html"]))
        shown = options_shown(pace, CHOICE_RUN_1)
        assert {option: counted[:2] for option, counted in shown.items()} == {
            "zu schnell": ("1", "33 %"),
            "genau richtig": ("2", "67 %"),
            "zu langsam": ("0", "0 %"),
        }
        for path in files.values():
            content = path.read_text(encoding="utf-8-sig")
            assert not [name for name in STUDENT_NAMES if name in content]
            assert not [email for email, _, _ in STUDENTS.values() if email in content]


def pace_questionnaire_note(document: Element) -> str:
    questionnaire = next(s for s in document.iter("section", "questionnaire") if "Zwischenfeedback" in s.find("h2").text)
    return questionnaire.find("p", "note").text
