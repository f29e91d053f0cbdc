"""Slow and broken servers, for real on a loopback socket: a server that drips bytes, one that never answers, a closed
port. Each request ends by its overall deadline, retries stop at their budget, `check` answers soon and says why."""

from __future__ import annotations

import time

from click.testing import CliRunner
from pydantic import SecretStr

from lms_sync.cli import main
from lms_sync.cli.check_cmd import CHECK_SECONDS
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleUnreachable
from tests.loopback_server import Behaviour, closed_port, loopback_server

TOKEN = SecretStr("deadline-test-token")


def timed_failure(client: MoodleClient) -> tuple[float, MoodleUnreachable]:
    started = time.monotonic()
    try:
        client.call("core_webservice_get_site_info")
    except MoodleUnreachable as error:
        return time.monotonic() - started, error
    raise AssertionError("the call did not fail")


def test_a_server_dripping_bytes_is_cut_off_at_the_request_deadline():
    with loopback_server(Behaviour("drip", tick_seconds=0.1)) as server:
        client = MoodleClient(f"http://127.0.0.1:{server.server_address[1]}", TOKEN, read_timeout=5,
                              request_deadline=1.0, retries=0)
        took, error = timed_failure(client)
    assert took < 2.5  # each byte came within the read timeout: only the deadline ends it
    assert "waited 1 s for the answer (got only" in str(error)


def test_retries_stop_when_their_budget_is_spent():
    with loopback_server(Behaviour("silent", hold_seconds=5)) as server:
        client = MoodleClient(f"http://127.0.0.1:{server.server_address[1]}", TOKEN, request_deadline=0.5,
                              retry_budget=1.2, retries=20, backoff=0.1)
        took, error = timed_failure(client)
    assert took < 2.5 and "waited 0.5 s for the answer (got nothing)" in str(error)
    assert client.ledger.requests == 2  # a third try would end past the 1.2 s budget


def test_a_refused_connection_is_tried_twice_not_five_times():
    sleeps: list[float] = []
    client = MoodleClient(f"http://127.0.0.1:{closed_port()}", TOKEN, retries=4, sleep=sleeps.append)
    _took, error = timed_failure(client)
    assert "cannot connect" in str(error) and len(sleeps) == 1


def test_check_against_a_server_that_never_answers_ends_soon_and_says_what_it_waited_for(monkeypatch, tmp_path):
    monkeypatch.setattr("lms_sync.cli.check_cmd.CHECK_SECONDS", 1.0)  # 12 s in production: the mechanism is the same
    with loopback_server(Behaviour("silent", hold_seconds=10)) as server:
        config = tmp_path / "lms-sync.toml"
        config.write_text(f'[moodle]\nurl = "http://127.0.0.1:{server.server_address[1]}"\n', encoding="utf-8")
        started = time.monotonic()
        result = CliRunner().invoke(main, ["--config", str(config), "check"], env={"LMS_SYNC_MOODLE_TOKEN": "t0ken-t0ken"})
        took = time.monotonic() - started
    assert result.exit_code == 3, result.output
    assert took < 3 and "waited 1 s for the answer (got nothing)" in result.stderr


def test_check_waits_at_most_fifteen_seconds_with_the_default_settings():
    assert CHECK_SECONDS + 2 <= 15  # one attempt up to the limit, then no retry fits into the remaining budget
