"""No secret in any output: random tokens and passwords sent through the error paths that once printed them.

Each path runs the real CLI (against a loopback server or a closed port); stdout, stderr and the journal must hold
neither the secret nor any 8-character piece of it, in any form (as given, trimmed, URL-encoded).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lms_sync.cli import main
from tests.loopback_server import Behaviour, Server, closed_port, loopback_server

SECRET_ALPHABET = st.characters(codec="utf-8", exclude_characters="*\r\n\x00", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"))
secrets = st.text(SECRET_ALPHABET, min_size=12, max_size=40)
tokens = st.tuples(secrets, st.sampled_from(["", "\n", " \n", "\t"])).map("".join)
token_like = st.text("abcdef0123456789", min_size=32, max_size=32)
FAST = '[moodle]\nretries = 1\nbackoff_seconds = 0\nconnect_timeout_seconds = 2\nread_timeout_seconds = 2\n'
REPO = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def echo_server() -> Iterator[Server]:
    with loopback_server(Behaviour("echo")) as server:
        yield server


def _own_words() -> str:
    """Everything lms-sync prints of its own comes from its source: a piece of a secret found there proves no leak
    (a generated token "0ms_sync.000" shares "ms_sync." with the logger name)."""
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted((REPO / "lms_sync").rglob("*"))
                     if path.suffix in {".py", ".j2", ".toml"})


OWN_WORDS = _own_words()


def assert_hidden(secret: str, *texts: str) -> None:
    secret = secret.strip()
    pieces = {secret[i:i + 8] for i in range(len(secret) - 7)} | {quote(secret, safe=""), quote_plus(secret)}
    pieces = {piece for piece in pieces if piece not in OWN_WORDS}
    for text in texts:
        for piece in pieces:
            assert piece not in text, f"{piece!r} of the secret in {text!r}"


def run(config_text: str, *args: str, env: dict[str, str] | None = None) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "lms-sync.toml"
        config.write_text(config_text.replace("@DIR@", folder), encoding="utf-8")
        return CliRunner().invoke(main, ["--config", str(config), *args], env=env or {})


@SETTINGS
@given(token=tokens)
def test_a_refused_http_url_does_not_print_the_token_from_the_environment(token):
    result = run(FAST + 'url = "http://moodle.example.org"\n', "check", env={"LMS_SYNC_MOODLE_TOKEN": token})
    assert result.exit_code == 2 and "plain http" in result.stderr
    assert_hidden(token, result.stdout, result.stderr)


@SETTINGS
@given(token=token_like)
def test_a_token_pasted_where_the_token_file_belongs_is_not_echoed(token):
    result = run(FAST + f'url = "https://moodle.example.org"\ntoken_file = "{token}"\n', "check")
    assert result.exit_code == 2 and "looks like a token" in result.stderr
    assert_hidden(token, result.stdout, result.stderr)


@SETTINGS
@given(token=tokens, padding=st.integers(150, 199))
def test_a_non_json_answer_quoting_the_request_is_masked_before_it_is_cut(echo_server, token, padding):
    echo_server.behaviour.prefix = "x" * padding
    url = f"http://127.0.0.1:{echo_server.server_address[1]}"
    result = run(FAST + f'url = "{url}"\n', "-v", "check", env={"LMS_SYNC_MOODLE_TOKEN": token})
    assert result.exit_code == 3 and "not JSON" in result.stderr
    assert_hidden(token, result.stdout, result.stderr)


@SETTINGS
@given(password=secrets, token=tokens)
@example(password="000000000000", token="0ms_sync.000")  # shares "ms_sync." with the log's logger name only
def test_a_basic_auth_password_in_moodle_url_is_not_in_cannot_connect(password, token):
    url = f"http://sync:{quote(password, safe='')}@127.0.0.1:{closed_port()}"
    result = run(FAST + f'url = "{url}"\n', "-v", "check", "--json", env={"LMS_SYNC_MOODLE_TOKEN": token})
    assert result.exit_code == 3 and "cannot connect" in result.stderr
    assert_hidden(password, result.stdout, result.stderr)
    assert_hidden(token, result.stdout, result.stderr)


@SETTINGS
@given(password=secrets)
def test_a_records_database_password_is_not_in_its_error(password):
    records = f"postgresql+psycopg://lms:{quote(password, safe='')}@127.0.0.1:{closed_port()}/records"
    result = run(FAST + '[records]\nurl = "' + records + '"\n', "runs")
    assert result.exit_code == 2 and "records database" in result.stderr
    assert_hidden(password, result.stdout, result.stderr)


@settings(SETTINGS, max_examples=3)
@given(token=tokens)
def test_the_sync_journal_holds_no_part_of_the_token(echo_server, token):
    env = {"LMS_SYNC_MOODLE_TOKEN": token}
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "lms-sync.toml"
        config.write_text(FAST + f'url = "http://127.0.0.1:{echo_server.server_address[1]}"\n[records]\nurl = "sqlite:///{folder}/r.db"\n'
                          f'[catalogue]\npath = "{REPO / "examples/catalogue"}"\ntemplates_dir = "{REPO / "course_templates"}"\n'
                          '[sync]\nsteps = ["check"]\n', encoding="utf-8")
        synced = CliRunner().invoke(main, ["--config", str(config), "sync", "--json"], env=env)
        runs = CliRunner().invoke(main, ["--config", str(config), "runs", "show", "1", "--json"], env=env)
        stored = b"".join(path.read_bytes() for path in Path(folder).glob("r.db*")).decode("utf-8", "replace")
    assert synced.exit_code == 3 and "not JSON" in runs.stdout, runs.output
    assert_hidden(token, synced.stdout, synced.stderr, runs.stdout, stored)
