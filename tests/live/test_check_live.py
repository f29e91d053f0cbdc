"""`lms-sync check` against the real site: the full token passes, the minimal one names what is missing.

Also proves the live fixtures themselves work (web services and PHP agree on the site).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lms_sync.cli import main
from tests.live.site import LiveMoodle


def test_the_web_services_and_the_database_describe_one_site(live_moodle: LiveMoodle) -> None:
    info = live_moodle.ws("core_webservice_get_site_info")
    assert info["release"].startswith("5.0")
    assert live_moodle.php("return $CFG->release;") == info["release"]
    assert live_moodle.count("user", "username = :name", {"name": info["username"]}) == 1


def test_check_with_the_full_token_passes(live_config: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(live_config), "check"])
    assert result.exit_code == 0, result.output
    assert "5.0" in result.output


def test_check_with_the_minimal_token_names_missing_functions(live_config: Path, live_moodle: LiveMoodle) -> None:
    text = live_config.read_text(encoding="utf-8").replace(str(live_moodle.token_file), str(live_moodle.min_token_file))
    live_config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(live_config), "check"])
    assert result.exit_code == 3, result.output
    assert "core_course_create_courses" in result.output
    assert live_moodle.min_token_file.read_text(encoding="utf-8").strip() not in result.output
