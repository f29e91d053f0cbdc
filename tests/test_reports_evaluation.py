"""Evaluation reports written from a real records store (SQLite and PostgreSQL): the numbers match the answers.

Data: tests/reports_samples.py (run 1: 5,4,4,3; run 2: 2,2; an anonymous questionnaire in run 1).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from lms_sync.records.schema import enrolments, people
from lms_sync.records.snapshot import ENROLMENT_NOT_ACTIVE
from lms_sync.records.store import RecordsStore
from lms_sync.reports import charts
from lms_sync.reports.evaluation import EvaluationScope
from lms_sync.reports.files import NothingToReport, write_evaluation_report
from tests.records_samples import ROLES
from tests.reports_parsing import Element, parse_html, read_csv
from tests.reports_samples import (
    ANONYMOUS_TEXT,
    FREE_TEXT_QUESTION,
    JOERG,
    NAMED_TEXTS,
    PETRA,
    RUN_1,
    RUN_2,
    SATISFACTION_QUESTION,
    STUDENT_NAMES,
    STUDENTS,
    TEMPLATE,
    fill,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def filled(records_store: RecordsStore) -> RecordsStore:
    fill(records_store)
    return records_store


def write(store: RecordsStore, scope: EvaluationScope, folder: Path, formats: str = "both",
          min_responses: int = 1) -> dict[str, Path]:
    """The report files; by default every answer is shown, as these tests check the arithmetic on a few answers
    (tests/test_reports_withheld.py covers the withholding of runs with too few answers)."""
    paths = write_evaluation_report(store, ROLES, scope, folder, formats=formats, timezone=BERLIN, now=NOW,  # type: ignore[arg-type]
                                    min_responses=min_responses)
    return {path.suffix: path for path in paths}


def item_section(document: Element, label: str) -> Element:
    return next(section for section in document.iter("section") if section.attrs.get("data-item") == label)


def rows_by_caption(section: Element) -> dict[str, Element]:
    body = section.find("tbody")
    return {row.find("td", "caption").text.replace("Trainer*in", "").strip(): row for row in body.iter("tr")}


def test_run_csv_has_counts_mean_and_response_rate(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("run", RUN_1), tmp_path)
    rows = read_csv(files[".csv"])
    named = next(row for row in rows if row["item_label"] == "methoden_praxis")
    assert (named["n"], named["mean"], named["participants"], named["respondents"]) == ("4", "4", "4", "4")
    assert [named[f"count_{v}"] for v in range(1, 6)] == ["0", "0", "1", "2", "1"]
    assert named["response_rate"] == "1" and named["item_question"] == SATISFACTION_QUESTION
    anonymous = next(row for row in rows if row["item_label"] == "tempo")
    assert (anonymous["anonymous"], anonymous["n"], anonymous["mean"], anonymous["response_rate"]) == ("yes", "2", "3", "0.5")
    assert len([row for row in rows if row["item_kind"] == "rated"]) == 2, "one row per run x rated item; free text has none"
    unanswered = [(r["option"], r["n"], r["option_count"], r["option_share"]) for r in rows if r["item_kind"] == "choice"]
    assert unanswered == [("Newsletter", "0", "0", ""), ("Website", "0", "0", "")], "an unanswered choice item keeps its options"


def test_run_html_shows_mean_and_bars_proportional_to_counts(filled: RecordsStore, tmp_path: Path) -> None:
    document = parse_html(write(filled, EvaluationScope("run", RUN_1), tmp_path, "html")[".html"])
    section = item_section(document, "methoden_praxis")
    row = rows_by_caption(section)[RUN_1]
    assert row.find("span", "mean-value").text == "4,0"
    assert row.find("td", "n").text == "4"
    segments = {int(rect.attrs["data-value"]): float(rect.attrs["width"]) for rect in row.iter("rect", "segment")}
    assert set(segments) == {3, 4, 5}, "values nobody chose get no segment"
    assert segments[4] == pytest.approx(2 * segments[3]) and segments[5] == pytest.approx(segments[3])
    assert sum(segments.values()) == pytest.approx(charts.BAR_WIDTH)
    marker = row.find("path", "mean-marker")
    assert float(marker.attrs["data-mean"]) == pytest.approx(4.0)


def test_run_html_is_german_with_umlauts_and_escaped_free_texts(filled: RecordsStore, tmp_path: Path) -> None:
    path = write(filled, EvaluationScope("run", RUN_1), tmp_path, "html")[".html"]
    document = parse_html(path)
    text = document.text
    for heading in ("Rücklauf", "Verteilung", "Mittelwert", "Freitextantworten"):
        assert heading in text
    assert SATISFACTION_QUESTION in text and "5 = trifft voll zu" in text
    free_texts = item_section(document, "freitext")
    assert FREE_TEXT_QUESTION in free_texts.text
    assert [li.text for li in free_texts.iter("li")] == list(NAMED_TEXTS)
    assert "<script>" not in path.read_text(encoding="utf-8"), "free text must be escaped, not markup"
    rates = [cell.text for cell in document.iter("td", "rate")]
    assert rates == ["100 %", "50 %"]


def test_reports_never_name_respondents(filled: RecordsStore, tmp_path: Path) -> None:
    for scope in (EvaluationScope("run", RUN_1), EvaluationScope("template", TEMPLATE)):
        files = write(filled, scope, tmp_path)
        document = parse_html(files[".html"])
        anonymous = item_section(document, "aenderung")
        assert [li.text for li in anonymous.iter("li")] == [ANONYMOUS_TEXT]
        for path in files.values():
            content = path.read_text(encoding="utf-8-sig")
            assert not [name for name in STUDENT_NAMES if name in content]


def test_template_report_compares_runs_and_trainers(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("template", TEMPLATE), tmp_path)
    rows = [row for row in read_csv(files[".csv"]) if row["item_label"] == "methoden_praxis"]
    assert [(r["row_kind"], r["caption"], r["n"], r["mean"]) for r in rows] == [
        ("run", RUN_1, "4", "4"),
        ("run", RUN_2, "2", "2"),
        ("trainer", "Jörg Weiß", "2", "2"),
        ("trainer", "Petra Wagner", "4", "4"),
        ("total", "Alle Durchgänge", "6", "3.333"),
    ]
    assert rows[1]["response_rate"] == "0.667"
    section = item_section(parse_html(files[".html"]), "methoden_praxis")
    by_caption = rows_by_caption(section)
    assert by_caption["Alle Durchgänge"].find("span", "mean-value").text == "3,3"
    assert by_caption["Jörg Weiß"].find("span", "mean-value").text == "2,0"
    total_segments = {
        int(r.attrs["data-value"]): r.attrs["data-count"] for r in by_caption["Alle Durchgänge"].iter("rect", "segment")
    }
    assert total_segments == {2: "2", 3: "1", 4: "2", 5: "1"}


def test_trainer_report_covers_only_the_trainers_runs(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, EvaluationScope("trainer", JOERG.upper()), tmp_path)
    rows = read_csv(files[".csv"])
    assert {row["run_id"] for row in rows} == {RUN_2}
    assert "Jörg Weiß" in parse_html(files[".html"]).find("h1").text
    petra = read_csv(write(filled, EvaluationScope("trainer", PETRA), tmp_path / "petra")[".csv"])
    assert {row["run_id"] for row in petra} == {RUN_1}


def test_nothing_to_report_says_what_to_do(filled: RecordsStore, tmp_path: Path) -> None:
    with pytest.raises(NothingToReport, match="pull"):
        write(filled, EvaluationScope("run", "kvz-1999-01"), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_suspended_participant_does_not_count_towards_the_response_rate(filled: RecordsStore, tmp_path: Path) -> None:
    anna = next(email for email, _, _ in STUDENTS.values() if email.startswith("anna"))
    with filled.engine.begin() as connection:
        person = connection.execute(select(people.c.id).where(people.c.email == anna)).scalar_one()
        assert connection.execute(update(enrolments).where(enrolments.c.person_id == person)
                                  .values(status=ENROLMENT_NOT_ACTIVE)).rowcount == 1
    rows = read_csv(write(filled, EvaluationScope("run", RUN_1), tmp_path, "csv")[".csv"])
    named = next(row for row in rows if row["item_label"] == "methoden_praxis")
    assert (named["participants"], named["respondents"]) == ("3", "4")  # she answered before she left
