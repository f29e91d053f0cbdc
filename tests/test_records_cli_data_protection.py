"""`lms-sync records export-person|forget|purge` through CliRunner against a real records store (SQLite, PostgreSQL)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lms_sync.cli import main
from lms_sync.records.store import RecordsStore
from tests.reports_parsing import read_csv
from tests.reports_samples import RUN_1, fill

ANNA = "anna.schmidt@example.org"


@pytest.fixture
def runner(records_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    with RecordsStore.open(records_url) as store:
        fill(store)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LMS_SYNC_RECORDS_URL", records_url)
    return CliRunner()


def records(runner: CliRunner, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(main, ["records", *args], input=stdin, catch_exceptions=False)


def test_export_person_prints_everything_stored_as_json(runner: CliRunner) -> None:
    result = records(runner, "export-person", "Anna.Schmidt@Example.org")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["person"]["email"] == ANNA and data["person"]["lastname"] == "Schmidt"
    assert [e["run_id"] for e in data["enrolments"]] == [RUN_1]
    assert data["course_completion"][0]["completed"] is True
    [response] = data["feedback_responses"]
    assert [(a["numeric_value"], a["text_value"]) for a in response["answers"]] == [
        (5, None),
        (None, "Die Gruppengröße war ideal – danke!"),
    ]


def test_export_to_a_file_readable_by_the_owner_only(runner: CliRunner, tmp_path: Path) -> None:
    result = records(runner, "export-person", ANNA, "-o", "anna.json")
    assert result.exit_code == 0, result.output
    path = tmp_path / "anna.json"
    assert json.loads(path.read_text(encoding="utf-8"))["person"]["firstname"] == "Anna"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("answer", ["n\n", ""], ids=["no", "no-terminal"])
def test_forget_asks_and_keeps_everything_when_declined(runner: CliRunner, answer: str) -> None:
    result = records(runner, "forget", ANNA, stdin=answer)
    assert result.exit_code == 2
    assert "Erase this person's personal data?" in result.output and "nothing was erased" in result.output
    assert records(runner, "export-person", ANNA).exit_code == 0


def test_forget_then_export_finds_nothing_and_reports_keep_the_answers(runner: CliRunner, tmp_path: Path) -> None:
    result = records(runner, "forget", ANNA, stdin="y\n")
    assert result.exit_code == 0, result.output
    assert f"erased {ANNA}:" in result.output and "enrolments 1" in result.output
    after = records(runner, "export-person", ANNA)
    assert after.exit_code == 2 and "no person with this e-mail address" in after.output
    assert runner.invoke(main, ["report", "evaluation", RUN_1, "--format", "csv"]).exit_code == 0
    rated = next(row for row in read_csv(tmp_path / f"evaluation-{RUN_1}.csv") if row["item_label"] == "methoden_praxis")
    assert (rated["n"], rated["count_5"]) == ("4", "1"), "the forgotten person's answer stays in the aggregate"


def test_forget_with_yes_does_not_ask(runner: CliRunner) -> None:
    result = records(runner, "forget", ANNA, "--yes")
    assert result.exit_code == 0 and "?" not in result.output


def test_forget_unknown_person_is_an_input_error(runner: CliRunner) -> None:
    result = records(runner, "forget", "nobody@example.org", "--yes")
    assert result.exit_code == 2 and "no person with this e-mail address" in result.output


def test_purge_removes_personal_data_of_old_runs(runner: CliRunner) -> None:
    result = records(runner, "purge", "--older-than-months", "1")
    assert result.exit_code == 0, result.output
    assert "purged personal data of runs that ended more than 1 month ago" in result.output
    assert records(runner, "export-person", ANNA).exit_code == 2
    assert runner.invoke(main, ["report", "participation"]).exit_code == 2


def test_purge_uses_the_retention_setting_and_zero_keeps_everything(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "lms-sync.toml").write_text("[records]\nretention_months = 0\n", encoding="utf-8")
    result = records(runner, "purge")
    assert result.exit_code == 0 and "nothing purged" in result.output
    assert records(runner, "export-person", ANNA).exit_code == 0
