"""push and pull take the lock sync takes (exit 4 after --wait) and are journaled like sync: `lms-sync runs` lists
them with their counts, and a refused or failed run keeps its message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lms_sync.records.lock import run_lock
from tests.fake_moodle import FakeMoodle
from tests.test_push_e2e import run_cli, seed_accounts, seed_blueprint, seed_competency_scale, write_config


@pytest.fixture
def world(fake_moodle: FakeMoodle, catalogue: Path, tmp_path: Path) -> tuple[FakeMoodle, Path]:
    seed_blueprint(fake_moodle)
    seed_accounts(fake_moodle, catalogue)
    return fake_moodle, write_config(fake_moodle, tmp_path, catalogue, seed_competency_scale(fake_moodle))


def records_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'records.db'}"


@pytest.mark.parametrize("command", [("push",), ("pull", "kvz-2027-01"), ("sync",)])
def test_a_manual_run_while_another_holds_the_lock_exits_4_and_touches_nothing(world, tmp_path, command) -> None:
    fake, config = world
    with run_lock(records_url(tmp_path), "sync") as holder:
        result = run_cli(config, *command, "--wait", "0.2")
    assert result.exit_code == 4, result.output
    assert f"another lms-sync sync is running (pid {holder.pid}" in result.output and "waited 0.2 s" in result.output
    assert fake.write_calls() == 0


def test_push_and_pull_are_journaled_with_their_counts(world) -> None:
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    assert run_cli(config, "pull", "kvz-2027-01").exit_code == 0

    runs = json.loads(run_cli(config, "runs", "--json").output)["runs"]

    pull, push = runs[0], runs[1]
    assert (push["command"], push["status"], pull["command"], pull["status"]) == ("push", "ok", "pull", "ok")
    assert push["counts"]["applied"]["core_course_create_courses"] == 3 and push["ws_requests"] > 0
    assert pull["counts"]["pulled"]["courses"] == 1
    shown = json.loads(run_cli(config, "runs", "show", str(pull["id"]), "--json").output)
    assert len(shown["pulls"]) == 1  # the course pulled, journaled under this run


def test_a_refused_plan_is_journaled_as_failed_with_its_reason(world, tmp_path) -> None:
    fake, config = world
    path = tmp_path / "plan.json"
    assert run_cli(config, "plan", "-o", str(path)).exit_code == 0
    fake.add_category("Workshops", idnumber="by-hand")  # named as a category the plan could adopt: observed

    assert run_cli(config, "push", "--plan", str(path)).exit_code == 2

    [refused] = json.loads(run_cli(config, "runs", "--json").output)["runs"]
    assert refused["command"] == "push" and refused["status"] == "failed"
    assert "site (categories, accounts) changed" in refused["errors"][0]["message"]
    assert fake.write_calls() == 0
