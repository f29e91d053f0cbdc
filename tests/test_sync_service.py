"""`run_sync` with an injected clock, on SQLite and PostgreSQL: which runs are active on a given day, the journal of
each sync, and the retention purge of runs long over. Also the active window on its own, at its edges."""

from __future__ import annotations

import os
import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from lms_sync.config import load_settings
from lms_sync.records.errors import RecordsWriteError
from lms_sync.records.lock import LockHeld, run_lock
from lms_sync.records.store import RecordsStore
from lms_sync.sync.active import split_active
from lms_sync.sync.service import SyncOptions, run_sync
from lms_sync.sync.termination import Terminated, terminate_gracefully
from lms_sync.workspace import load_workspace
from tests.fake_moodle import FakeMoodle
from tests.records_samples import ROLES
from tests.test_push_e2e import REPO, seed_accounts, seed_blueprint, seed_competency_scale

EXAMPLES = REPO / "examples" / "catalogue"


@pytest.fixture
def settings_for(fake_moodle: FakeMoodle, records_url: str, tmp_path: Path):
    """Settings for the bundled example catalogue (runs in March, May and October 2027) against the seeded fake."""
    seed_blueprint(fake_moodle)
    seed_accounts(fake_moodle, EXAMPLES)
    scale_id = seed_competency_scale(fake_moodle)

    def settings(extra: str = ""):
        config = tmp_path / "lms-sync.toml"
        config.write_text(
            f'[moodle]\nurl = "{fake_moodle.url}"\ntoken = "{fake_moodle.token}"\n\n'
            f'[records]\nurl = "{records_url}"\n{extra}\n\n'
            f'[catalogue]\npath = "{EXAMPLES}"\ntemplates_dir = "{REPO / "course_templates"}"\n\n'
            f'[push]\ncompetency_scale_id = {scale_id}\n', encoding="utf-8")
        return load_settings(config)

    return settings


def on(day: str):
    return lambda: datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_the_clock_decides_which_runs_are_synced_and_each_sync_is_journaled(settings_for, moodle_client,
                                                                            records_url):
    settings = settings_for()
    open_store = partial(RecordsStore.open, records_url)
    march = run_sync(settings, moodle_client, open_store, SyncOptions.from_settings(settings), clock=on("2027-03-01"))
    assert march.status == "ok" and march.active_runs == ["kvz-2027-01"]
    assert march.inactive_runs == ["kvz-2027-02", "kvz-2027-03"]
    may = run_sync(settings, moodle_client, open_store, SyncOptions.from_settings(settings, pull=False),
                   clock=on("2027-05-01"))
    assert may.active_runs == ["kvz-2027-01", "kvz-2027-02"] and may.steps == ("check", "push")
    assert may.counts()["push"]["unchanged"] > 0 and may.pull is None and may.purged is None

    with RecordsStore.open(records_url) as store:
        first, second = sorted(store.list_sync_runs(), key=lambda run: run.id)
        assert (first.status, first.started_at, first.counts["pull"]["courses"]) == ("ok", on("2027-03-01")(), 1)
        assert "pull" not in second.counts and second.ws_requests == may.ws_requests > 0
        assert [pull.course_idnumber for pull in store.get_sync_run(first.id).pulls] == ["lms-sync-kvz-2027-01"]


def test_retention_purges_personal_data_of_runs_long_over_on_each_sync(settings_for, moodle_client, records_url):
    settings = settings_for()
    open_store = partial(RecordsStore.open, records_url)
    pulled = run_sync(settings, moodle_client, open_store, SyncOptions.from_settings(settings), clock=on("2027-03-10"))
    assert pulled.counts()["pull"]["users"] == 13
    kept = run_sync(settings, moodle_client, open_store, SyncOptions(), clock=on("2027-03-11"))
    assert kept.purged is None  # retention_months = 0 keeps everything

    settings = settings_for("retention_months = 6")
    later = run_sync(settings, moodle_client, open_store, SyncOptions(steps=()), clock=on("2028-03-01"))
    assert later.active_runs == [] and later.purged is not None and later.purged["enrolments"] == 13
    with RecordsStore.open(records_url) as store:
        assert store.list_sync_runs(1)[0].counts["purged"]["enrolments"] == 13


def test_a_sync_while_another_holds_the_lock_is_refused_before_anything_is_journaled(settings_for, moodle_client,
                                                                                       records_url):
    settings = settings_for()
    with run_lock(records_url, "sync"), pytest.raises(LockHeld):
        run_sync(settings, moodle_client, partial(RecordsStore.open, records_url), SyncOptions())
    with RecordsStore.open(records_url) as store:
        assert store.list_sync_runs() == []


def test_the_active_window_includes_both_of_its_edges(settings_for):
    courses = {course.run_id: course for course in load_workspace(settings_for()).courses}
    first = courses["kvz-2027-01"]
    start = datetime.fromtimestamp(first.startdate, UTC)
    end = datetime.fromtimestamp(first.enddate, UTC)

    def active(now: datetime) -> bool:
        chosen, _ = split_active([first], now=now, days_before_start=30, days_after_end=90)
        return chosen == [first]

    assert active(start - timedelta(days=30)) and not active(start - timedelta(days=30, seconds=1))
    assert active(end + timedelta(days=90)) and not active(end + timedelta(days=90, seconds=1))


def test_records_locked_mid_sync_stop_it_with_a_records_error_and_no_course_half_written(settings_for, moodle_client,
                                                                                          records_url, tmp_path):
    if not records_url.startswith("sqlite"):
        pytest.skip("a SQLite write lock with a short busy timeout; PostgreSQL waits for locks without a limit")
    url = f"sqlite:///{tmp_path / 'locked.db'}?timeout=0.2"
    settings = settings_for()
    settings.records.url = url
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)

    def another_program_writes_when_the_pull_begins(label: str) -> None:
        if label == "pulling courses":
            other.execute("BEGIN IMMEDIATE")

    try:
        with pytest.raises(RecordsWriteError, match="database is locked"):
            run_sync(settings, moodle_client, partial(RecordsStore.open, url), SyncOptions(), clock=on("2027-03-01"),
                     progress=another_program_writes_when_the_pull_begins)
    finally:
        other.close()
    with RecordsStore.open(url) as store:
        assert store.participation(ROLES) == []  # nothing of the pull landed
        assert [run.status for run in store.list_sync_runs()] == ["running"]  # the journal could not be closed either


def test_sigterm_mid_sync_is_journaled_as_failed_not_left_running(settings_for, moodle_client, records_url):
    settings = settings_for()

    def systemctl_stop(label: str) -> None:
        if label.startswith("pull"):
            os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(Terminated), terminate_gracefully():
        run_sync(settings, moodle_client, partial(RecordsStore.open, records_url),
                 SyncOptions.from_settings(settings), clock=on("2027-03-01"), progress=systemctl_stop)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    with RecordsStore.open(records_url) as store:
        [run] = store.list_sync_runs()
        assert run.status == "failed" and run.finished_at is not None
        assert "stopped by SIGTERM" in str(run.errors)
