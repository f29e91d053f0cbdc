"""`lms-sync check` through the CLI against the fake Moodle: each failure is one line with a documented exit code."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lms_sync.cli import main
from lms_sync.moodle.functions import BATCH_FUNCTION


def check(config, *args):
    return CliRunner().invoke(main, ["--config", str(config), "check", *args])


def without_retries(config):
    """The same config, failing at once instead of retrying with real back-off sleeps."""
    config.write_text(config.read_text().replace("[moodle]\n", "[moodle]\nretries = 0\n", 1), encoding="utf-8")
    return config


def one_error_line(result) -> str:
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    return errors[0]


@pytest.mark.parametrize("moodle_version", ["4.5", "5.0"])
def test_ok_names_site_release_and_user(fake_moodle, lms_config):
    result = check(lms_config)
    assert result.exit_code == 0, result.output
    assert "BIP Moodle Lab" in result.output and fake_moodle.release()[0] in result.output
    assert "all" in result.output and "functions lms-sync uses are in the token's service" in result.output


def test_missing_functions_are_named_with_the_commands_they_block(fake_moodle, lms_config):
    fake_moodle.allowed_functions -= {"core_course_import_course", "mod_feedback_get_items", BATCH_FUNCTION}
    result = check(lms_config, "--json")
    assert result.exit_code == 3
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["missing_functions"]["push"] == ["core_course_import_course", "mod_feedback_get_items"]
    assert report["missing_functions"]["plan"] == ["mod_feedback_get_items"]  # was each import complete?
    assert report["missing_functions"]["pull"] == ["mod_feedback_get_items"]
    assert report["missing_functions"]["blueprint verify"] == ["mod_feedback_get_items"]
    assert BATCH_FUNCTION in report["missing_optional_functions"]
    assert fake_moodle.token not in result.output


def test_bad_token(fake_moodle, lms_config):
    fake_moodle.revoke_token()
    result = check(lms_config)
    assert result.exit_code == 3
    line = one_error_line(result)
    assert "Invalid token" in line and "Manage tokens" in line
    assert fake_moodle.token not in result.output


def test_unreachable_host(fake_moodle, lms_config, tmp_path):
    config = tmp_path / "other.toml"
    config.write_text(lms_config.read_text().replace(fake_moodle.url, "https://unreachable.test"), encoding="utf-8")
    result = check(without_retries(config))
    assert result.exit_code == 3
    assert "cannot connect to https://unreachable.test" in one_error_line(result)


def test_a_maintenance_page_instead_of_json(fake_moodle, lms_config):
    fake_moodle.inject("html200", times=10)
    result = check(without_retries(lms_config))
    assert result.exit_code == 3
    assert "maintenance mode" in one_error_line(result)


def test_wrong_path_gives_a_404_hint(fake_moodle, lms_config, tmp_path):
    config = tmp_path / "sub.toml"
    config.write_text(lms_config.read_text().replace(fake_moodle.url, fake_moodle.url + "/moodle"), encoding="utf-8")
    result = check(config)
    line = one_error_line(result)
    assert "does not exist" in line and "base address" in line


@pytest.mark.parametrize("body, fragments", [
    ('url = "http://moodle.example.org"', ["moodle", "http://moodle.example.org", "https://", "allow_insecure_http"]),
    ("cocurrency = 4", ["moodle.cocurrency", "spelling"]),
    ("concurrency = 0", ["moodle.concurrency = 0", "greater than or equal to 1"]),
])
def test_invalid_config_is_one_message_naming_file_key_value_and_fix(tmp_path, body, fragments):
    config = tmp_path / "lms-sync.toml"
    config.write_text(f"[moodle]\n{body}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "check"])
    assert result.exit_code == 2
    line = one_error_line(result)
    assert str(config) in line and all(fragment in line for fragment in fragments), line


def test_a_transport_error_never_shows_the_token(fake_moodle, lms_config):
    fake_moodle.inject("connect_error", times=10)
    result = check(without_retries(lms_config), "--json")
    assert result.exit_code == 3
    assert fake_moodle.token not in result.output
