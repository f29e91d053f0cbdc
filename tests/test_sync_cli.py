"""`lms-sync sync` and `lms-sync runs` through the CLI against the fake Moodle: a full and a repeated sync, quiet and
JSON output, switched-off steps, the active window, bad runs isolated, and the exit codes 2 and 4."""

from __future__ import annotations

import json
import os
import socket
import time

import pytest

from lms_sync.records.lock import run_lock
from tests.fake_moodle import FakeMoodle
from tests.sync_world import SyncWorld, make_world, records_counts
from tests.test_push_e2e import state


@pytest.fixture
def world(fake_moodle: FakeMoodle, tmp_path) -> SyncWorld:
    return make_world(fake_moodle, tmp_path)


def built(fake: FakeMoodle) -> set[str]:
    return {key for key in state(fake) if key.startswith("lms-sync-")}


def test_a_sync_pushes_and_pulls_the_active_runs_and_a_second_one_changes_nothing(world):
    first = world.sync("sync")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Sync 1: ok — 2 active run(s) (sync-a, sync-b)")
    assert built(world.fake) == {"lms-sync-sync-a", "lms-sync-sync-b"}
    counts = records_counts(world.records_url)
    assert counts["courses"] == 2 and counts["enrolments"] == 7 and counts["people"] == 6
    moodle_after = state(world.fake)

    world.fake.reset_counters()
    second = world.sync("sync")
    assert second.exit_code == 0, second.output
    assert world.fake.write_calls() == 0, world.fake.calls
    assert "applied nothing (Moodle already matches)" in second.stdout
    assert "rows 0 inserted, 0 updated" in second.stdout
    assert state(world.fake) == moodle_after and records_counts(world.records_url) == counts

    listing = world.sync("runs")
    lines = listing.stdout.splitlines()
    assert listing.exit_code == 0 and len(lines) == 2
    assert [line.split()[0] for line in lines] == ["2", "1"]
    assert all(" ok " in line and f"pid {os.getpid()} on {socket.gethostname()}" in line for line in lines)
    shown = world.sync("runs", "show", "1")
    assert shown.exit_code == 0
    assert "run           1 (sync): ok" in shown.stdout
    assert "pull          courses 2, deleted 0, failed 0, inserted" in shown.stdout
    pulled = [line.split()[1] for line in shown.stdout.splitlines() if line.startswith("pulled")]
    assert sorted(pulled) == ["lms-sync-sync-a", "lms-sync-sync-b"]  # in the order they finished (concurrently)


def test_quiet_prints_nothing_when_all_is_well_and_json_is_one_object(world):
    # All is well includes the trainers' role of docs/run-courses.md: as editing teachers push would warn.
    world.fake.add_role(9, "lmssynctrainer")
    world.config.write_text(world.config.read_text(encoding="utf-8").replace("[push]\n", "[push]\nteacher_role_id = 9\n"),
                            encoding="utf-8")
    quiet = world.sync("sync", "--quiet")
    assert quiet.exit_code == 0 and quiet.output == ""
    as_json = world.sync("sync", "--json")
    assert as_json.exit_code == 0
    summary = json.loads(as_json.stdout)
    assert summary["status"] == "ok" and summary["journal_id"] == 2
    assert summary["active_runs"] == ["sync-a", "sync-b"] and summary["errors"] == []
    assert summary["counts"]["pull"]["courses"] == 2 and summary["counts"]["applied"] == {}
    assert summary["ws_requests"] > 0


def test_steps_can_be_switched_off_by_flag_and_by_config(world):
    no_push = world.sync("sync", "--no-push", "--json")
    assert no_push.exit_code == 0, no_push.output  # runs not yet in Moodle are noted, not failures
    assert world.fake.write_calls() == 0 and built(world.fake) == set()
    assert json.loads(no_push.stdout)["steps"] == ["check", "pull"]

    no_pull = world.sync("sync", "--no-pull")
    assert no_pull.exit_code == 0 and built(world.fake) == {"lms-sync-sync-a", "lms-sync-sync-b"}
    assert records_counts(world.records_url)["courses"] == 0

    world.config.write_text(world.config.read_text(encoding="utf-8") + '[sync]\nsteps = ["pull"]\n', encoding="utf-8")
    world.fake.reset_counters()
    only_pull = world.sync("sync", "--json")
    summary = json.loads(only_pull.stdout)
    assert summary["steps"] == ["pull"] and summary["check"] is None and "push" not in summary["counts"]
    assert world.fake.write_calls() == 0
    assert records_counts(world.records_url)["courses"] == 2


def test_only_runs_inside_the_active_window_are_synced(fake_moodle, tmp_path):
    world = make_world(fake_moodle, tmp_path, days_from_today={"sync-a": -60, "sync-b": 200})
    world.config.write_text(world.config.read_text(encoding="utf-8").replace(
        "[catalogue]\n", "[catalogue]\nactive_days_before_start = 30\nactive_days_after_end = 90\n"), encoding="utf-8")
    result = world.sync("sync")
    assert result.exit_code == 0, result.output
    assert "1 active run(s) (sync-a), 1 outside the active window" in result.stdout
    assert built(fake_moodle) == {"lms-sync-sync-a"}


def test_an_invalid_run_and_a_course_moodle_refuses_are_reported_and_the_other_run_completes(world):
    csv = world.catalogue / "sync-b.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("m.schulze@qm.example.org", "m.schulze-at-qm"),
                   encoding="utf-8")
    invalid = world.sync("sync")
    assert invalid.exit_code == 1
    assert "FAILED    catalogue sync-b: " in invalid.stdout and "sync-b.csv:2" in invalid.stdout
    assert built(world.fake) == {"lms-sync-sync-a"} and records_counts(world.records_url)["courses"] == 1

    csv.write_text(csv.read_text(encoding="utf-8").replace("m.schulze-at-qm", "m.schulze@qm.example.org"),
                   encoding="utf-8")
    world.fake.add_course("Fremder Kurs", "KVZ-sync-b", idnumber="someone-else")
    refused = world.sync("sync", "--json")
    assert refused.exit_code == 1
    summary = json.loads(refused.stdout)
    assert summary["status"] == "partial" and summary["failed_runs"] == ["sync-b"]
    assert {(e["step"], e["run_id"]) for e in summary["errors"]} == {("push", "sync-b")}
    assert "shortname 'KVZ-sync-b' is taken by Moodle course id" in summary["errors"][0]["message"]
    assert records_counts(world.records_url)["courses"] == 1  # sync-a pulled again, sync-b has no course to pull
    journal = json.loads(world.sync("runs", "--json").stdout)["runs"]
    assert [run["status"] for run in journal] == ["partial", "partial"]
    assert journal[0]["errors"] == summary["errors"]


def test_the_journal_keeps_a_catalogue_error_without_the_address_it_quotes(world):
    csv = world.catalogue / "sync-b.csv"
    csv.write_text(csv.read_text(encoding="utf-8") + "Mira;Schulze;m.schulze@qm.example.org;QM;Verwaltung;nein\n",
                   encoding="utf-8")
    result = world.sync("sync", "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert "e-mail m.schulze@qm.example.org is listed twice" in error["message"]  # the admin at the terminal sees it
    journaled = json.loads(world.sync("runs", "--json").stdout)["runs"][0]
    assert journaled["errors"] == [error | {"message": error["message"].replace("m.schulze@qm.example.org",
                                                                                "(an e-mail address)")}]
    assert "sync-b.csv:" in journaled["errors"][0]["message"] and "schulze" not in json.dumps(journaled)


def test_a_moodle_whose_cron_does_not_run_is_named_by_the_quiet_nightly_sync_and_journaled(world):
    assert world.sync("sync").exit_code == 0
    assert "cron seems not to run" not in world.sync("sync").output  # minutes after the import: cron may come
    for course in world.fake.site.courses.values():
        if course.idnumber.startswith("lms-sync-"):  # made and last changed 7 hours ago, and still no cron
            course.timecreated = course.cacherev = int(time.time()) - 7 * 3600
    quiet = world.sync("sync", "--quiet")
    assert quiet.exit_code == 0
    [warning] = [line for line in quiet.stderr.splitlines() if "cron" in line]
    assert warning.startswith("warning: push: Moodle's cron seems not to run: the activities' calendar events of "
                              "run(s) sync-a, sync-b are still missing more than 6 hours after their courses last changed")
    journaled = json.loads(world.sync("runs", "--json").stdout)["runs"][0]
    assert warning.removeprefix("warning: ") in journaled["warnings"]


def test_quiet_prints_only_the_errors(world):
    world.fake.add_course("Fremder Kurs", "KVZ-sync-b", idnumber="someone-else")
    result = world.sync("sync", "--quiet")
    assert result.exit_code == 1
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    # Besides the errors, only push's warning: the trainers are editing teachers, who see the evaluation's names.
    assert result.stderr.splitlines() == [
        "warning: push: evaluation not private: trainers of run(s) sync-a (enrolled with push.teacher_role_id = 3) "
        "have mod/feedback:deletesubmissions, mod/feedback:edititems, mod/feedback:viewreports: they can see who "
        "answered what, change the questions and delete answers in the evaluation, whose questionnaire is named. "
        "Create the trainer role with docs/moodle/trainer_role.php and set push.teacher_role_id to its id "
        "(docs/run-courses.md)", *errors]
    assert result.stderr.count("shortname 'KVZ-sync-b' is taken") == 1 and "error: push sync-b: " in result.stderr


def test_a_second_sync_exits_4_naming_the_holder_and_touches_nothing(world):
    with run_lock(world.records_url, "sync") as holder:
        result = world.sync("sync")
    assert result.exit_code == 4
    assert result.stderr.count("\n") == 1
    assert f"pid {holder.pid} on {holder.host}, started {holder.started}" in result.stderr
    assert world.fake.request_count == 0


def test_input_errors_exit_2_and_an_unusable_catalogue_is_journaled_as_failed(world):
    missing = world.sync("runs", "show", "41")
    assert missing.exit_code == 2 and "no run 41 in the journal" in missing.stderr

    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(text.replace('templates_dir = "', 'templates_dir = "/nonexistent'), encoding="utf-8")
    no_templates = world.sync("sync")
    assert no_templates.exit_code == 2 and "/nonexistent" in no_templates.stderr and world.fake.request_count == 0
    journal = json.loads(world.sync("runs", "--json").stdout)["runs"]
    assert journal[0]["status"] == "failed" and "/nonexistent" in journal[0]["errors"][0]["message"]

    world.config.write_text(text + '[sync]\nsteps = ["push", "bake"]\n', encoding="utf-8")
    bad = world.sync("sync")
    assert bad.exit_code == 2 and "sync.steps.1 = 'bake'" in bad.stderr and "Traceback" not in bad.output
