"""Odd answers and sloppy input end in one line naming the setting, file or argument and the fix, with the right
exit code (2 bad input, 3 unusable site) — never a traceback."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner, Result
from pytest_httpx import HTTPXMock

from lms_sync.cli import main

ENV = {"LMS_SYNC_MOODLE_TOKEN": "hostile-input-token"}


def lms_sync(tmp_path, *args: str, config: str = "", env: dict[str, str] | None = None) -> Result:
    path = tmp_path / "lms-sync.toml"
    path.write_text('[moodle]\nurl = "https://moodle.test"\nretries = 0\n' + config, encoding="utf-8")
    return CliRunner().invoke(main, ["--config", str(path), *args], env=ENV | (env or {}))


def one_line_error(result: Result, code: int, *words: str) -> None:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith(("error:", "Error:"))]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize(("answer", "words"), [
    ({"status_code": 301, "headers": {"Location": "https://moodle.example.org/"}}, ("redirects to https://moodle.example.org/",)),
    ({"status_code": 200, "text": ""}, ("empty answer",)),
    ({"status_code": 200, "text": "null"}, ("'null'", "not the object or list")),
])
def test_a_redirect_an_empty_answer_or_json_null_is_an_unusable_site(tmp_path, httpx_mock: HTTPXMock, answer, words):
    httpx_mock.add_response(**answer)
    one_line_error(lms_sync(tmp_path, "check"), 3, "core_webservice_get_site_info", *words)


def test_a_database_migrated_by_a_newer_lms_sync_says_upgrade_lms_sync(tmp_path):
    records = f"sqlite:///{tmp_path / 'records.db'}"
    assert lms_sync(tmp_path, "runs", env={"LMS_SYNC_RECORDS_URL": records}).exit_code == 0
    with sqlite3.connect(tmp_path / "records.db") as database:
        database.execute("UPDATE alembic_version SET version_num = '0999_from_the_future'")
        database.execute("INSERT INTO schema_upgrades (revision, lms_sync_version, upgraded_at) "
                         "VALUES ('0999_from_the_future', '9.9.0', '2031-01-01 02:00:00')")
    one_line_error(lms_sync(tmp_path, "runs", env={"LMS_SYNC_RECORDS_URL": records}), 2,
                   "upgraded by lms-sync 9.9.0 (schema revision 0999_from_the_future", "upgrade lms-sync")


@pytest.mark.parametrize("url", ["sqlite//x.db", "mysql://lms:pw@db/records", "records.db"])
def test_a_malformed_records_url_names_the_setting(tmp_path, url):
    one_line_error(lms_sync(tmp_path, "runs", env={"LMS_SYNC_RECORDS_URL": url}), 2,
                   "records.url", "sqlite:///path/to/records.db")


def test_a_records_path_under_a_regular_file_is_an_input_error(tmp_path):
    (tmp_path / "afile").write_text("", encoding="utf-8")
    one_line_error(lms_sync(tmp_path, "runs", env={"LMS_SYNC_RECORDS_URL": f"sqlite:///{tmp_path}/afile/r.db"}), 2,
                   "records database", "records.url")


def test_init_into_a_missing_folder_and_a_log_file_in_one(tmp_path):
    one_line_error(CliRunner().invoke(main, ["init", str(tmp_path / "no" / "lms-sync.toml")]), 2,
                   "create the folder")
    one_line_error(lms_sync(tmp_path, "--log-file", str(tmp_path / "no" / "x.log"), "runs"), 2,
                   "--log-file", "create its folder")


@pytest.mark.parametrize("args", [["runs", "show", "99999999999999999999999"], ["runs", "--limit", "10000000000000"],
                                  ["records", "purge", "--older-than-months", "99999999"]])
def test_absurd_numbers_on_the_command_line_are_refused_with_their_range(tmp_path, args):
    one_line_error(lms_sync(tmp_path, *args, env={"LMS_SYNC_RECORDS_URL": f"sqlite:///{tmp_path}/r.db"}), 2,
                   "is not in the range")


def test_ctrl_c_exits_130(tmp_path, monkeypatch):
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr("lms_sync.moodle.client.MoodleClient.call", interrupted)
    result = lms_sync(tmp_path, "check")
    assert result.exit_code == 130 and "interrupted" in result.stderr
