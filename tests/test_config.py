"""Settings: the starter config is valid as written, env overrides win, the token stays secret, bad values explain."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lms_sync.cli import main
from lms_sync.config import ConfigError, load_settings


def test_init_writes_a_starter_config_that_loads_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "lms-sync.toml"
    result = CliRunner().invoke(main, ["init", str(path), "--moodle-url", "https://lms.example.org"])
    assert result.exit_code == 0, result.output
    (tmp_path / "moodle-token.txt").write_text("secret-token-123\n", encoding="utf-8")
    settings = load_settings(path, environ={})
    assert settings.moodle.url == "https://lms.example.org"
    assert settings.moodle.resolved_token().get_secret_value() == "secret-token-123"
    assert settings.records.url == f"sqlite:///{tmp_path / 'lms-sync.db'}"
    assert settings.catalogue.path == tmp_path / "catalogue"
    assert settings.sync.steps == ["check", "push", "pull"]
    again = CliRunner().invoke(main, ["init", str(path)])
    assert again.exit_code == 2 and "--force" in again.output


def test_environment_overrides_the_file_and_the_token_never_shows(tmp_path):
    path = tmp_path / "lms-sync.toml"
    path.write_text('[moodle]\nurl = "https://a.example.org"\ntoken = "file-token"\n', encoding="utf-8")
    settings = load_settings(path, environ={"LMS_SYNC_MOODLE_URL": "https://b.example.org",
                                            "LMS_SYNC_MOODLE_TOKEN": "env-token-456",
                                            "LMS_SYNC_RECORDS_URL": "postgresql+psycopg://u@db/lms"})
    assert settings.moodle.url == "https://b.example.org"
    assert settings.records.url == "postgresql+psycopg://u@db/lms"
    assert settings.moodle.resolved_token().get_secret_value() == "env-token-456"
    assert "env-token-456" not in repr(settings) and "env-token-456" not in settings.model_dump_json()


@pytest.mark.parametrize("url", ["http://localhost:8080", "http://127.0.0.1", "http://[::1]:8085"])
def test_plain_http_is_allowed_only_for_loopback(tmp_path, url):
    path = tmp_path / "lms-sync.toml"
    path.write_text(f'[moodle]\nurl = "{url}"\n', encoding="utf-8")
    assert load_settings(path, environ={}).moodle.url == url
    path.write_text('[moodle]\nurl = "http://moodle.example.org"\nallow_insecure_http = true\n', encoding="utf-8")
    assert load_settings(path, environ={}).moodle.allow_insecure_http


def test_a_missing_token_file_says_how_to_create_it(tmp_path):
    path = tmp_path / "lms-sync.toml"
    path.write_text('[moodle]\nurl = "https://a.example.org"\ntoken_file = "nope.txt"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="nope.txt.*first line"):
        load_settings(path, environ={}).moodle.resolved_token()


def test_broken_toml_names_the_file_and_line(tmp_path):
    path = tmp_path / "lms-sync.toml"
    path.write_text('[moodle]\nurl = "https://a.example.org\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lms-sync.toml: not valid TOML: .*line 2"):
        load_settings(path, environ={})


def test_an_explicit_config_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="lms-sync init"):
        load_settings(Path(tmp_path / "missing.toml"), environ={})
