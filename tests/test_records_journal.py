"""The run journal: runs with counts, WS requests and errors, and the courses each run pulled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_sync.records.store import RecordsStore
from tests.records_samples import course_snapshot

START = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def test_a_finished_run_keeps_counts_requests_errors_and_its_course_pulls(records_store: RecordsStore) -> None:
    run_id = records_store.start_sync_run("sync", host="cron-host", pid=4242, started_at=START)
    reading_began = datetime.now(UTC) - timedelta(seconds=30)
    records_store.replace_course_snapshot(course_snapshot(), sync_run_id=run_id, pull_started_at=reading_began)
    records_store.record_course_pull(
        "https://moodle.example.org",
        8,
        "bip-kvz-2026-02",
        START,
        None,
        error="MoodleError: invalidrecord",
        sync_run_id=run_id,
    )
    errors = [{"run": "kvz-2026-02", "message": "course 8: invalidrecord"}]
    records_store.finish_sync_run(
        run_id,
        "partial",
        {"created": 2, "unchanged": 10},
        errors,
        ws_requests=31,
        ws_retries=2,
        warnings=["push: evaluation not private: trainers of run(s) kvz-2026-01 …"],
        finished_at=START + timedelta(minutes=3),
    )

    run = records_store.get_sync_run(run_id)

    assert run is not None
    assert (run.command, run.status, run.host, run.pid) == ("sync", "partial", "cron-host", 4242)
    assert (run.started_at, run.finished_at) == (START, START + timedelta(minutes=3))
    assert run.counts == {"created": 2, "unchanged": 10}
    assert (run.ws_requests, run.ws_retries, run.errors) == (31, 2, errors)
    assert run.warnings == ["push: evaluation not private: trainers of run(s) kvz-2026-01 …"]
    pulled, failed = run.pulls
    assert pulled.course_idnumber == "bip-kvz-2026-01" and pulled.error is None
    assert pulled.counts["tables"]["enrolments"]["inserted"] == 3
    assert pulled.started_at == reading_began
    assert pulled.duration_seconds >= 30
    assert (failed.course_moodle_id, failed.error, failed.counts) == (8, "MoodleError: invalidrecord", {})


def test_runs_are_listed_newest_first_and_unfinished_ones_show_running(records_store: RecordsStore) -> None:
    first = records_store.start_sync_run("push", started_at=START)
    records_store.finish_sync_run(first, "ok", {})
    second = records_store.start_sync_run("sync", started_at=START + timedelta(days=1))

    runs = records_store.list_sync_runs(limit=5)

    assert [(r.id, r.status) for r in runs] == [(second, "running"), (first, "ok")]
    assert runs[0].finished_at is None
    assert runs[0].warnings == runs[1].warnings == []  # none given, none journaled
    assert records_store.list_sync_runs(limit=1)[0].id == second
    assert records_store.get_sync_run(second + 100) is None


def test_finishing_with_an_unknown_status_or_run_is_refused(records_store: RecordsStore) -> None:
    run_id = records_store.start_sync_run("sync")
    with pytest.raises(ValueError, match="one of ok, partial, failed"):
        records_store.finish_sync_run(run_id, "done", {})
    with pytest.raises(LookupError):
        records_store.finish_sync_run(run_id + 1, "ok", {})


def test_the_journal_keeps_messages_without_their_e_mail_addresses(records_store: RecordsStore) -> None:
    """A catalogue error quotes a participant's address for the admin at the terminal; the journal, which outlives
    every erasure, keeps the message and its file and line, not the address."""
    run_id = records_store.start_sync_run("sync")
    records_store.record_course_pull(
        "https://moodle.example.org", 8, "bip-kvz-2026-02", START, None,
        error="MoodleError: invaliduser (item: email=Jörg.O'Neill+bip@straße.example.org)", sync_run_id=run_id)
    error = {"step": "catalogue", "run_id": "kvz-2026-02",
             "message": "kvz-2026-02.csv:3: e-mail anna.schmidt@example.org is listed twice (also on line 2)"}
    records_store.finish_sync_run(run_id, "partial", {}, [error], warnings=["push: 'p.wagner@example.org' has no account"])

    run = records_store.get_sync_run(run_id)

    assert run is not None
    assert run.errors == [error | {"message": "kvz-2026-02.csv:3: e-mail (an e-mail address) is listed twice "
                                              "(also on line 2)"}]
    assert run.warnings == ["push: '(an e-mail address)' has no account"]
    assert run.pulls[0].error == "MoodleError: invaliduser (item: email=(an e-mail address))"

