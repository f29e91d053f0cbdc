"""Fault injection through `lms-sync sync` against the fake Moodle: retried timeouts and 503s, a write whose answer is
lost, maintenance and a revoked token mid-run, a locked records database, and a crash before every single request.

After every failure the records hold only whole courses, and a re-run ends exactly like an uninterrupted sync.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.crash_replay import SHARDS, CrashReplay
from tests.fake_moodle import FakeMoodle
from tests.sync_world import Outcome, Replay, SyncWorld, make_world, records_by_course

INVALID_TOKEN = {"exception": "moodle_exception", "errorcode": "invalidtoken",
                 "message": "Invalid token - token not found"}


@pytest.fixture
def world(fake_moodle: FakeMoodle, tmp_path) -> SyncWorld:
    # One request at a time, so a request index means the same call in every run.
    return make_world(fake_moodle, tmp_path, moodle="retries = 2\nconcurrency = 1")


@pytest.fixture
def replay(world: SyncWorld) -> Replay:
    return Replay(world)


def only_whole_courses(written: dict[str, dict[str, int]], reference: Outcome) -> None:
    """Every course in the records has all of its rows (as after an uninterrupted sync) — none is half-written."""
    for idnumber, rows in written.items():
        assert rows == reference.courses[idnumber], f"{idnumber} is half-written"


def last_pull_read(fake: FakeMoodle) -> int:
    """The index of the run's last request: the pull's last read of its last course (the first one is written)."""
    assert not fake.is_write(fake.requests[-1][0])
    return len(fake.requests) - 1


def journal(world: SyncWorld) -> list[dict]:
    return json.loads(world.sync("runs", "--json").stdout)["runs"]


def test_read_timeouts_and_a_503_burst_are_retried_and_the_sync_succeeds(world, replay):
    reference = replay.reference()
    replay.reset()
    world.fake.inject("timeout", wsfunction="core_webservice_get_site_info", times=2)
    world.fake.inject("http503", wsfunction="core_course_create_courses", times=2)
    result = world.sync("sync", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ws_retries"] == 4
    assert replay.outcome().moodle == reference.moodle  # the refused write was repeated once, not twice
    assert journal(world)[0]["ws_retries"] == 4


def test_a_write_whose_answer_is_lost_stops_the_sync_and_the_rerun_makes_no_twins(world, replay):
    reference = replay.reference()
    replay.reset()
    world.fake.inject("timeout", wsfunction="core_course_create_courses")  # applied in Moodle, answer lost
    stopped = world.sync("sync")
    assert stopped.exit_code == 5  # not 3: the site is fine, one write's outcome is unknown
    assert ("STOPPED   a write's outcome is unknown, re-run to reconcile: during push: core_course_create_courses: "
            "no reliable answer") in stopped.stdout
    assert records_by_course(world.records_url) == {}
    [entry] = journal(world)
    assert (entry["status"], entry["errors"][-1]["message"].split(":")[0]) == (
        "failed", "a write's outcome is unknown, re-run to reconcile")
    resumed = world.sync("sync")
    assert resumed.exit_code == 0, resumed.output
    end = replay.outcome()
    assert (end.moodle, end.records, end.courses) == (reference.moodle, reference.records, reference.courses)


@pytest.mark.parametrize("fault", ["maintenance", "revoked token"])
def test_a_site_wide_failure_mid_pull_stops_at_once_and_leaves_only_whole_courses(world, replay, fault):
    reference = replay.reference()
    index = last_pull_read(world.fake)
    replay.reset()
    start = world.fake.request_count
    if fault == "maintenance":  # the site goes into maintenance: every request from here on gets the HTML page
        for attempt in range(3):  # the first try and two retries
            world.fake.inject("html200", at_request=start + index + attempt)
    else:
        world.fake.inject("exception", at_request=start + index, error=INVALID_TOKEN)
    stopped = world.sync("sync")
    assert stopped.exit_code == 3, stopped.output
    expected = "the site is in maintenance mode" if fault == "maintenance" else "Invalid token"
    assert "STOPPED   during pull: " in stopped.stdout and expected in stopped.stdout
    assert world.fake.request_count - start == index + (3 if fault == "maintenance" else 1)  # nothing after it
    written = records_by_course(world.records_url)
    assert len(written) == 1  # one course was complete before the stop, the other not started
    only_whole_courses(written, reference)
    assert journal(world)[0]["status"] == "failed"
    assert expected in journal(world)[0]["errors"][-1]["message"]

    resumed = world.sync("sync")
    assert resumed.exit_code == 0, resumed.output
    assert replay.outcome().records == reference.records and replay.outcome().moodle == reference.moodle


def test_a_bad_token_stops_before_anything_is_done(world):
    world.fake.revoke_token()
    result = world.sync("sync", "--quiet")
    assert result.exit_code == 3
    assert result.stdout == "" and "Invalid token" in result.stderr and "Traceback" not in result.output
    assert world.fake.request_count == 1 and world.fake.write_calls() == 0
    assert records_by_course(world.records_url) == {}


def test_a_locked_records_database_is_a_clear_error_and_moodle_is_not_touched(world):
    assert world.sync("sync", "--no-push", "--no-pull").exit_code == 0  # creates the database
    database = world.records_url.removeprefix("sqlite:///")
    world.config.write_text(world.config.read_text(encoding="utf-8").replace("records.db", "records.db?timeout=0.2"),
                            encoding="utf-8")
    before = world.fake.request_count
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program writing to the records
        result = world.sync("sync")
    finally:
        other.close()
    assert result.exit_code == 2
    assert "database is locked" in result.stderr and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1
    assert world.fake.request_count == before


@pytest.mark.parametrize("shard", range(SHARDS))
def test_a_crash_before_any_request_then_a_rerun_ends_exactly_like_an_uninterrupted_sync(httpx_mock, tmp_path, shard):
    # The crashed syncs get the recorded answers of the uninterrupted one (see tests/crash_replay.py).
    crash = CrashReplay(FakeMoodle("5.0"))
    httpx_mock.add_callback(crash, is_reusable=True, is_optional=True)
    world = make_world(crash.fake, tmp_path, days_from_today={"sync-a": 10}, moodle="retries = 0",
                       extra="import_concurrency = 0\n")  # the replay needs one fixed request order
    replay = Replay(world)
    crash.record()
    reference = replay.reference()
    crash.stop()
    assert reference.requests == len(crash.exchanges) > 20
    for index in range(shard, reference.requests, SHARDS):
        replay.reset()
        crash.crash_at(index)
        crashed = world.sync("sync")
        assert crashed.exit_code == 3, (index, crashed.output)
        only_whole_courses(records_by_course(world.records_url), reference)
        crash.recover()
        resumed = world.sync("sync")
        assert resumed.exit_code == 0, (index, resumed.output)
        end = replay.outcome()
        assert end.moodle == reference.moodle, f"a crash before request {index} left Moodle different"
        assert end.records == reference.records, f"a crash before request {index} left the records different"
        assert end.courses == reference.courses
