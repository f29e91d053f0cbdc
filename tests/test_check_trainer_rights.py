"""`check` asks Moodle whether the trainers of existing run courses can see the evaluation's named answers, change its
questions or delete answers (Moodle's capability listing per course), and says clearly what to do when they can."""

from __future__ import annotations

import json

from tests import test_push_e2e
from tests.test_push_e2e import run_cli

world = test_push_e2e.world  # the fake with the blueprint and every catalogue account


def test_before_any_push_the_trainers_rights_are_not_verified(world) -> None:
    _, config = world
    result = run_cli(config, "check")
    assert result.exit_code == 0, result.output
    assert "trainers  not verified: no run course has a trainer (role id 3) yet" in result.output


def test_trainers_enrolled_as_moodles_editing_teacher_are_warned_about_with_the_role_script(world) -> None:
    _, config = world
    assert run_cli(config, "push").exit_code == 0
    result = run_cli(config, "check", "--json")
    assert result.exit_code == 0, result.output
    rights = json.loads(result.output)["trainer_rights"]
    assert rights["warning"] is True
    assert "mod/feedback:deletesubmissions, mod/feedback:edititems, mod/feedback:viewreports" in rights["finding"]
    assert "docs/moodle/trainer_role.php" in rights["finding"]


def test_trainers_with_a_role_without_the_evaluations_rights_pass(world) -> None:
    fake, config = world
    fake.add_role(9, "lmssynctrainer")  # what docs/moodle/trainer_role.php makes: editingteacher without the three
    with config.open("a", encoding="utf-8") as settings:
        settings.write("teacher_role_id = 9\n")
    assert run_cli(config, "push").exit_code == 0
    result = run_cli(config, "check")
    assert result.exit_code == 0, result.output
    assert ("trainers  trainers (role id 9) in 3 run course(s) have none of mod/feedback:viewreports, "
            "mod/feedback:edititems, mod/feedback:deletesubmissions") in result.output
