"""Participation report from a real records store: one row per participant and run, with completion; no trainers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lms_sync.records.store import RecordsStore
from lms_sync.reports.files import NothingToReport, write_participation_report
from tests.reports_parsing import parse_html, read_csv
from tests.reports_samples import RUN_1, RUN_2, fill

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def filled(records_store: RecordsStore) -> RecordsStore:
    fill(records_store)
    return records_store


def write(store: RecordsStore, runs: list[str], folder: Path) -> dict[str, Path]:
    paths = write_participation_report(store, runs, folder, timezone=BERLIN, now=datetime(2026, 5, 1, tzinfo=UTC))
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
    assert "petra.wagner@example.org" not in {r["email"] for r in rows}, "trainers get no certificate"


def test_all_runs_and_html_names_with_umlauts(filled: RecordsStore, tmp_path: Path) -> None:
    files = write(filled, [], tmp_path)
    assert files[".csv"].name == "participation-all.csv"
    assert {r["run_id"] for r in read_csv(files[".csv"])} == {RUN_1, RUN_2}
    document = parse_html(files[".html"])
    assert "Yıldız, Özlem" in document.text and "Krüger, Tim" in document.text
    assert "1 von 4 Teilnehmenden haben den Kurs abgeschlossen" in document.text
    assert [cell.text for cell in document.iter("td", "completed")].count("ja") == 1


def test_unknown_run_is_named(filled: RecordsStore, tmp_path: Path) -> None:
    with pytest.raises(NothingToReport, match="kvz-1999-01"):
        write(filled, [RUN_1, "kvz-1999-01"], tmp_path)
