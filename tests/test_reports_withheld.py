"""Evaluation results of fewer than `reports.min_responses` answers are withheld: the run's row keeps only its n (HTML
and CSV), its free texts are left out, and no trainer or total row lets them be computed back by subtraction.

Sample (tests/reports_samples.py): kvz-2026-01 has 4 ratings (5,4,4,3), kvz-2026-02 has 2 (2,2), so at the default
of 3 the second run is withheld.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lms_sync.cli import main
from lms_sync.records.store import RecordsStore
from lms_sync.reports.evaluation import MIN_RESPONSES, EvaluationScope
from tests.reports_choice_samples import CHOICE_RUN_1, fill_choices
from tests.reports_parsing import parse_html, read_csv
from tests.reports_samples import ANONYMOUS_TEXT, RUN_1, RUN_2, TEMPLATE, fill
from tests.test_reports_evaluation import item_section, rows_by_caption, write


@pytest.fixture
def filled(records_store: RecordsStore) -> RecordsStore:
    fill(records_store)
    return records_store


def test_a_run_with_too_few_answers_keeps_only_its_count(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("template", TEMPLATE), tmp_path, min_responses=MIN_RESPONSES)
    rows = [row for row in read_csv(files[".csv"]) if row["item_label"] == "methoden_praxis"]
    assert [(r["row_kind"], r["caption"], r["n"], r["mean"], r["withheld"]) for r in rows] == [
        ("run", RUN_1, "4", "4", "no"),
        ("run", RUN_2, "2", "", "yes"),
        ("trainer", "Jörg Weiß", "2", "", "yes"),  # his only run is withheld
        ("trainer", "Petra Wagner", "4", "4", "no"),
        ("total", "Alle Durchgänge", "4", "4", "no"),  # run 1 alone: total minus run 1 reveals nothing
    ]
    assert all(rows[1][f"count_{value}"] == "" for value in range(1, 6))
    section = item_section(parse_html(files[".html"]), "methoden_praxis")
    withheld = rows_by_caption(section)[RUN_2]
    assert withheld.find("td", "n").text == "2"
    assert "weniger als 3 Antworten" in withheld.text
    assert not list(withheld.iter("rect", "segment")) and not list(withheld.iter("span", "mean-value"))


def test_free_texts_of_a_run_with_too_few_answers_are_left_out(filled: RecordsStore, tmp_path: Path) -> None:
    # The anonymous questionnaire of run 1 has 2 answers; one of them is the free text.
    document = parse_html(write(filled, EvaluationScope("run", RUN_1), tmp_path, "html", MIN_RESPONSES)[".html"])
    section = item_section(document, "aenderung")
    assert ANONYMOUS_TEXT not in document.text and not list(section.iter("li"))
    assert f"Freitexte aus {RUN_1}: weniger als 3 Antworten" in section.text
    named = item_section(document, "freitext")
    assert len(list(named.iter("li"))) == 2  # the named questionnaire has 4 answers: shown


def test_the_threshold_comes_from_the_settings(filled: RecordsStore, tmp_path: Path, records_url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lms-sync.toml").write_text(f'[records]\nurl = "{records_url}"\n\n[reports]\nmin_responses = 5\n',
                                            encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--config", "lms-sync.toml", "report", "evaluation", RUN_1, "-o", "out"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = read_csv(tmp_path / "out" / f"evaluation-{RUN_1}.csv")
    named = next(row for row in rows if row["item_label"] == "methoden_praxis")
    assert (named["n"], named["mean"], named["withheld"]) == ("4", "", "yes")  # 4 answers < 5


def test_a_withheld_choice_item_shows_no_option_counts(records_store: RecordsStore, tmp_path: Path) -> None:
    fill_choices(records_store)
    files = write(records_store, EvaluationScope("run", CHOICE_RUN_1), tmp_path, min_responses=100)
    choice_rows = [row for row in read_csv(files[".csv"]) if row["item_kind"] == "choice" and row["n"] != "0"]
    assert choice_rows and all((r["option"], r["option_count"], r["withheld"]) == ("", "", "yes") for r in choice_rows)
    document = parse_html(files[".html"])
    withheld = [section for section in document.iter("section", "choice") if "weniger als 100 Antworten" in section.text]
    assert withheld and not [row for section in withheld for row in section.iter("tr", "option")]
