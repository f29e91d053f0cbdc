"""Participation report from a real records store: one row per participant and run, with completion and enrolment
state; no trainers, and suspended participants marked and not counted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lms_sync.records.store import RecordsStore
from lms_sync.reports.files import NothingToReport, write_participation_report
from tests.records_samples import ROLES
from tests.reports_parsing import parse_html, read_csv
from tests.reports_samples import RUN_1, RUN_2, fill, run_1

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def filled(records_store: RecordsStore) -> RecordsStore:
    fill(records_store)
    return records_store


def write(store: RecordsStore, runs: list[str], folder: Path) -> dict[str, Path]:
    paths = write_participation_report(store, ROLES, runs, folder, timezone=BERLIN, now=datetime(2026, 5, 1, tzinfo=UTC))
    return {path.suffix: path for path in paths}


def test_csv_lists_participants_with_completion(filled: RecordsStore, tmp_path: Path) -> None:
    rows = read_csv(write(filled, [RUN_1], tmp_path)[".csv"])
    assert [(r["lastname"], r["completed"], r["completed_on"]) for r in rows] == [
        ("Becker", "no", ""),
        ("Hoffmann", "no", ""),
        ("Müller", "no", ""),
        ("Schmidt", "yes", "2026-03-19"),
    ]
    assert {(r["run_id"], r["course_start"]) for r in rows} == {(RUN_1, "2026-03-18")}, "local (Berlin) dates"
    assert {r["enrolment"] for r in rows} == {"unknown"}, "pulled without an enrolment state"
    assert "petra.wagner@example.org" not in {r["email"] for r in rows}, "trainers get no certificate"


def test_all_runs_and_html_names_with_umlauts(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, [], tmp_path)
    assert files[".csv"].name == "participation-all.csv"
    assert {r["run_id"] for r in read_csv(files[".csv"])} == {RUN_1, RUN_2}
    document = parse_html(files[".html"])
    assert "Yıldız, Özlem" in document.text and "Krüger, Tim" in document.text
    summary = "1 von 4 Teilnehmenden haben den Kurs abgeschlossen · Einschreibungsstatus bei 4 Teilnehmenden unbekannt."
    assert summary in document.text, "pulled without the enrolment state: nobody is called active"
    assert [cell.text for cell in document.iter("td", "completed")].count("ja") == 1


def test_unknown_run_is_named(filled: RecordsStore, tmp_path: Path) -> None:
    with pytest.raises(NothingToReport, match="kvz-1999-01"):
        write(filled, [RUN_1, "kvz-1999-01"], tmp_path)


def test_a_suspended_participant_is_marked_and_left_out_of_the_count(records_store: RecordsStore, tmp_path: Path) -> None:
    run = run_1()
    becker = 8
    users = tuple(user.model_copy(update={"status": 1 if user.user_id == becker else 0}) for user in run.users)
    records_store.replace_course_snapshot(run.model_copy(update={"users": users}))

    files = write(records_store, [RUN_1], tmp_path)

    header = files[".csv"].read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[-5:] == ["completed", "completed_on", "activities_completed", "activities_tracked", "enrolment"]
    rows = read_csv(files[".csv"])
    assert [(r["lastname"], r["enrolment"]) for r in rows] == [
        ("Becker", "suspended"), ("Hoffmann", "active"), ("Müller", "active"), ("Schmidt", "active")]
    document = parse_html(files[".html"])
    assert "1 von 3 aktiven Teilnehmenden haben den Kurs abgeschlossen · 1 Einschreibung ausgesetzt." in document.text
    marked = [cell.text for cell in document.iter("td") if "Einschreibung ausgesetzt" in cell.text]
    assert len(marked) == 1 and "Becker, Jonas" in marked[0]
    assert [row.text for row in document.iter("tr", "suspended")] == [row.text for row in document.iter("tr")
                                                                       if "Becker" in row.text]
