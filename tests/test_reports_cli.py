"""`lms-sync report evaluation|participation` through CliRunner against a real records store (SQLite, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lms_sync.cli import main
from lms_sync.records.store import RecordsStore
from tests.reports_parsing import read_csv
from tests.reports_samples import JOERG, RUN_1, RUN_2, TEMPLATE, fill


@pytest.fixture
def runner(records_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    with RecordsStore.open(records_url) as store:
        fill(store)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LMS_SYNC_RECORDS_URL", records_url)
    return CliRunner()


def report(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, ["report", *args], catch_exceptions=False)


def test_evaluation_of_a_run_writes_html_and_csv(runner: CliRunner, tmp_path: Path) -> None:
    result = report(runner, "evaluation", RUN_1, "-o", "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"evaluation-{RUN_1}.csv", f"evaluation-{RUN_1}.html"]
    assert f"wrote out/evaluation-{RUN_1}.html" in result.output


def test_format_csv_writes_only_the_csv(runner: CliRunner, tmp_path: Path) -> None:
    result = report(runner, "evaluation", "--template", TEMPLATE, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.glob("evaluation-*")] == [f"evaluation-template-{TEMPLATE}.csv"]


def test_trainer_report_by_email(runner: CliRunner, tmp_path: Path) -> None:
    result = report(runner, "evaluation", "--trainer", JOERG, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = read_csv(tmp_path / f"evaluation-trainer-{JOERG}.csv")
    assert {row["run_id"] for row in rows} == {RUN_2}


@pytest.mark.parametrize("args", [[], [RUN_1, "--template", TEMPLATE]])
def test_exactly_one_selection_is_required(runner: CliRunner, args: list[str]) -> None:
    result = report(runner, "evaluation", *args)
    assert result.exit_code == 2
    assert "exactly one of RUN, --template SLUG or --trainer EMAIL" in result.output


def test_unknown_run_is_an_input_error(runner: CliRunner) -> None:
    result = report(runner, "evaluation", "kvz-1999-01")
    assert result.exit_code == 2
    assert "no evaluation data for run 'kvz-1999-01'" in result.output


def test_participation_for_chosen_runs(runner: CliRunner, tmp_path: Path) -> None:
    result = report(runner, "participation", RUN_1, RUN_2, "-o", "out")
    assert result.exit_code == 0, result.output
    rows = read_csv(tmp_path / "out" / f"participation-{RUN_1}-{RUN_2}.csv")
    assert len(rows) == 7
