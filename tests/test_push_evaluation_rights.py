"""plan, push and sync say when trainers can read a run's named evaluation by name (editingteacher as
push.teacher_role_id): asked along with the enrolled users, or once after a first push enrolled them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests import test_push_e2e
from tests.test_push_e2e import REPO, run_cli

world = test_push_e2e.world  # the fake with the blueprint and every catalogue account
RUNS = "kvz-2027-01, kvz-2027-02, kvz-2027-03"
CAPABILITIES = "mod/feedback:deletesubmissions, mod/feedback:edititems, mod/feedback:viewreports"
LISTING = "core_enrol_get_enrolled_users_with_capability"


def _calls(fake, wsfunction: str) -> list[dict]:
    """The parameters of each call of `wsfunction`, alone or inside the batch function's requests."""
    alone = [params for name, params in fake.requests if name == wsfunction]
    return alone + [json.loads(inner["arguments"]) for _, params in fake.requests
                    for inner in params.get("requests", []) if inner.get("function") == wsfunction]


def _requests(fake, wsfunction: str) -> int:
    return sum(1 for name, params in fake.requests if name == wsfunction
               or any(inner.get("function") == wsfunction for inner in params.get("requests", [])))


def test_a_first_push_with_editing_teachers_warns_naming_the_runs_and_the_role_script(world) -> None:
    fake, config = world
    pushed = run_cli(config, "push")
    assert pushed.exit_code == 0, pushed.output  # a warning, not a failure: everything was pushed
    warning = next(line for line in pushed.output.splitlines() if line.startswith("warning: evaluation not private"))
    assert f"trainers of run(s) {RUNS} (enrolled with push.teacher_role_id = 3) have {CAPABILITIES}" in warning
    assert "they can see who answered what, change the questions and delete answers in the evaluation" in warning
    assert "docs/moodle/trainer_role.php and set push.teacher_role_id" in warning
    # No run course existed before: asked once, after enrolling the trainers.
    assert fake.calls[LISTING] == 1 and _requests(fake, LISTING) == 1
    # The journal keeps it for whoever reads the run later (a warning changes no exit code).
    journaled = json.loads(run_cli(config, "runs", "--json").output)["runs"][0]
    assert (journaled["command"], journaled["status"]) == ("push", "ok")
    assert journaled["warnings"] == [warning.removeprefix("warning: ")]
    shown = run_cli(config, "runs", "show", str(journaled["id"])).output
    assert f"warning       evaluation not private: trainers of run(s) {RUNS} " in shown
    assert "0 error(s), 1 warning(s)" in run_cli(config, "runs").output

    fake.reset_counters()
    again = run_cli(config, "push", "--json")
    assert again.exit_code == 0 and fake.write_calls() == 0
    report = json.loads(again.output)
    assert report["warnings"] == report["plan"]["warnings"] and len(report["warnings"]) == 1
    assert RUNS in report["warnings"][0]
    assert fake.calls[LISTING] == 1  # folded into the enrolled users' listing: no request of its own
    planned = json.loads(run_cli(config, "plan", "--json").output)
    assert planned["warnings"] == report["warnings"]


def test_a_new_run_is_named_by_the_role_the_other_run_courses_show(world, catalogue) -> None:
    fake, config = world
    assert run_cli(config, "push", "kvz-2027-01").exit_code == 0
    fake.reset_counters()
    plan = run_cli(config, "plan")
    assert plan.exit_code == 0, plan.output
    assert f"warning: evaluation not private: trainers of run(s) {RUNS} " in plan.output


def test_trainers_with_the_role_of_the_role_script_get_no_warning(world) -> None:
    fake, config = world
    fake.add_role(9, "lmssynctrainer")  # what docs/moodle/trainer_role.php makes: editingteacher without the three
    with config.open("a", encoding="utf-8") as settings:
        settings.write("teacher_role_id = 9\n")
    first = run_cli(config, "push", "--json")
    assert first.exit_code == 0 and json.loads(first.output)["warnings"] == []
    second = run_cli(config, "push")
    assert second.exit_code == 0 and "warning" not in second.output


def test_an_anonymous_questionnaire_needs_no_warning_and_no_read(world, tmp_path: Path) -> None:
    fake, config = world
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "course_templates", templates)
    toml = templates / "kommune-zivilgesellschaft" / "template.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("anonymous = false", "anonymous = true"), encoding="utf-8")
    first = run_cli(config, "push", "--templates-dir", str(templates))
    assert first.exit_code == 0 and "warning" not in first.output
    assert fake.calls[LISTING] == 0  # nothing asked after enrolling
    second = run_cli(config, "push", "--templates-dir", str(templates))
    assert second.exit_code == 0 and "warning" not in second.output
    [listing] = _calls(fake, LISTING)
    assert all(entry["capabilities"] == [""] for entry in listing["coursecapabilities"])


def _every_run_active(config: Path) -> None:
    """The nightly sync's window reaching the example's runs in 2027."""
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[catalogue]\n", "[catalogue]\nactive_days_before_start = 3650\n"), encoding="utf-8")


def test_the_nightly_sync_says_it_even_when_quiet_and_still_exits_0(world) -> None:
    fake, config = world
    _every_run_active(config)
    assert run_cli(config, "push").exit_code == 0
    quiet = run_cli(config, "sync", "--quiet")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == ""
    assert quiet.stderr.startswith(f"warning: push: evaluation not private: trainers of run(s) {RUNS} ")
    assert len(quiet.stderr.splitlines()) == 1
    summary = json.loads(run_cli(config, "sync", "--json").stdout)
    assert summary["status"] == "ok" and any(RUNS in warning for warning in summary["warnings"])
    journaled = json.loads(run_cli(config, "runs", "show", str(summary["journal_id"]), "--json").output)
    assert journaled["warnings"] == [warning for warning in summary["warnings"] if warning.startswith("push: ")]
    assert len(journaled["warnings"]) == 1


def test_the_journal_keeps_push_warnings_but_not_the_catalogues_which_may_name_a_participant(world, catalogue) -> None:
    fake, config = world
    _every_run_active(config)
    csv = catalogue / "participants" / "kvz-2027-01.csv"
    csv.write_text(csv.read_text(encoding="utf-8-sig") + "Katrin;Wegener;katrin.wegener@privat.example.org;"
                   "Bezirksamt Neukölln;Verwaltung;nein\n", encoding="utf-8")
    summary = json.loads(run_cli(config, "sync", "--json").stdout)
    assert any("Katrin Wegener is listed twice" in warning for warning in summary["warnings"])
    journaled = json.loads(run_cli(config, "runs", "show", str(summary["journal_id"]), "--json").output)
    assert journaled["warnings"] and all(warning.startswith("push: ") for warning in journaled["warnings"])
    assert "Wegener" not in json.dumps(journaled)
