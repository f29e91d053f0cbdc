"""The Moodle token never leaves lms-sync: not in the text or JSON output of a sync, not in any log line (stderr,
--log-file, --log-json, -v), not in the run journal — for a sync that succeeds and for one that fails on the token."""

from __future__ import annotations

import json

from tests.fake_moodle import FakeMoodle
from tests.sync_world import make_world

INVALID_TOKEN = {"exception": "moodle_exception", "errorcode": "invalidtoken",
                 "message": "Invalid token - token not found"}


def test_no_output_log_line_or_journal_entry_contains_the_token(fake_moodle: FakeMoodle, tmp_path):
    world = make_world(fake_moodle, tmp_path)
    token = fake_moodle.token
    log_file, json_log = tmp_path / "sync.log", tmp_path / "sync.jsonl"
    texts: list[str] = []

    full = world.sync("-v", "--log-file", str(log_file), "sync", "--json")
    assert full.exit_code == 0, full.output
    texts += [full.stdout, full.stderr]
    fake_moodle.inject("timeout", wsfunction="core_webservice_get_site_info")  # a retried request is logged too
    fake_moodle.inject("exception", at_request=fake_moodle.request_count + 4, error=INVALID_TOKEN)
    failed = world.sync("-v", "--log-file", str(json_log), "--log-json", "sync")
    assert failed.exit_code == 3
    texts += [failed.stdout, failed.stderr, world.sync("runs", "--json").stdout, world.sync("runs", "show", "2").stdout]

    logged = log_file.read_text(encoding="utf-8").splitlines()
    json_lines = [json.loads(line) for line in json_log.read_text(encoding="utf-8").splitlines()]
    assert any("retrying core_webservice_get_site_info" in line for line in logged + failed.stderr.splitlines())
    assert any(entry["level"] == "error" and "Invalid token" in entry["message"] for entry in json_lines)
    assert any(entry["message"].startswith("sync 2 finished: failed") for entry in json_lines)
    assert any(line.endswith("sync 1 started: steps check, push, pull; active runs: sync-a, sync-b") for line in logged)
    for text in [*texts, *logged, *(json.dumps(entry) for entry in json_lines)]:
        assert token not in text
