"""On the real Moodle 5.0: push warns while its trainers are Moodle's editing teachers, who can read the run's named
evaluation by name, and stops warning once they hold the trainer role of docs/moodle/trainer_role.php.

Moodle's own has_capability() in the questionnaire's context, and its enrolment listing, say what the trainers hold.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from lms_sync.trainer_rights import EVALUATION_CAPABILITIES
from tests.live.site import LiveMoodle
from tests.live.workspace import ready_workspace

TRAINER_ROLE_SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "moodle" / "trainer_role.php"
TRAINER = "j.hartmann@partizipation.example.org"


def _trainer_can(live: LiveMoodle, course_id: int) -> tuple[set[int], dict[str, bool]]:
    """The trainer's roles in the run course (Moodle's enrolled-users listing) and, in the evaluation's own context,
    which of the evaluation's capabilities Moodle's has_capability() grants them."""
    enrolled = live.ws("core_enrol_get_enrolled_users", courseid=course_id)
    [trainer] = [user for user in enrolled if user.get("email") == TRAINER]
    [feedback] = [module for section in live.ws("core_course_get_contents", courseid=course_id)
                  for module in section["modules"] if module["modname"] == "feedback"]
    can = live.php(f"""
        $context = context_module::instance({int(feedback["id"])});
        $result = [];
        foreach (json_decode({json.dumps(json.dumps(EVALUATION_CAPABILITIES))}) as $cap) {{
            $result[$cap] = has_capability($cap, $context, {int(trainer["id"])});
        }}
        return $result;
    """)
    return {int(role["roleid"]) for role in trainer["roles"]}, dict(can)


def test_push_warns_about_editing_teachers_and_not_once_they_hold_the_trainer_role(live_moodle: LiveMoodle,
                                                                                   tmp_path: Path) -> None:
    ws = ready_workspace(tmp_path, live_moodle)

    first = ws.cli("push")
    assert first.exit_code == 0, first.output  # a warning does not fail the push
    [warning] = [line for line in first.output.splitlines() if line.startswith("warning: evaluation not private")]
    assert f"trainers of run(s) {ws.run_id(1)} (enrolled with push.teacher_role_id = 3) have" in warning
    assert "mod/feedback:viewreports" in warning and "docs/moodle/trainer_role.php" in warning
    [course] = live_moodle.ws("core_course_get_courses_by_field", field="idnumber",
                              value=ws.course_idnumber(1))["courses"]
    roles, can = _trainer_can(live_moodle, int(course["id"]))
    assert roles == {3} and can == dict.fromkeys(EVALUATION_CAPABILITIES, True)  # what the warning says
    planned = json.loads(ws.cli("plan", "--json").output)
    assert len(planned["warnings"]) == 1 and ws.run_id(1) in planned["warnings"][0]
    journaled = json.loads(ws.cli("runs", "--json").output)["runs"][0]  # the push's entry: plan is not journaled
    assert journaled["command"] == "push" and journaled["warnings"] == [warning.removeprefix("warning: ")]

    script = subprocess.run(["php", str(TRAINER_ROLE_SCRIPT), str(live_moodle.code_dir)], capture_output=True,
                            text=True, timeout=120, check=True)
    role_id = int(script.stdout.strip().splitlines()[-1])
    ws.set_config(f"teacher_role_id = {role_id}\n")
    fixed = ws.cli("push", "--json")
    assert fixed.exit_code == 0, fixed.output
    report = json.loads(fixed.output)
    assert report["warnings"] == [] and report["applied"]["enrol_manual_enrol_users"] == report["plan"]["summary"]["enrol"]
    assert json.loads(ws.cli("runs", "--json").output)["runs"][0]["warnings"] == []
    assert {change["fields"]["roleid"] for run in report["plan"]["runs"] for change in run["changes"]} == {role_id}
    roles, can = _trainer_can(live_moodle, int(course["id"]))
    # The old editing-teacher assignment stays, but the role's PROHIBIT wins over it.
    assert roles == {3, role_id} and can == dict.fromkeys(EVALUATION_CAPABILITIES, False)
    again = ws.cli("push")
    assert again.exit_code == 0 and "warning" not in again.output and "nothing (Moodle already matches)" in again.output
