"""A run course as Moodle 5.0 holds it after the blueprint's restore and push's import: what participants and
trainers meet (group modes, the sessions block, placeholder dates, who may see the evaluation's named answers).

The blueprint is built by lms-sync, restored with Moodle's admin/cli/restore_backup.php and imported with
core_course_import_course, exactly the route of docs/blueprint.md; every assertion reads Moodle itself.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from lms_sync.cli import main
from tests.live.site import LiveMoodle

REPO = Path(__file__).resolve().parents[2]
TRAINER_ROLE_SCRIPT = REPO / "docs" / "moodle" / "trainer_role.php"
SUMMARY = "<p><strong>Termine:</strong></p><ul><li>Donnerstag, 4. März 2027, 09:30–16:30 Uhr, Rathaus</li></ul>"
EVALUATION_CAPABILITIES = ("mod/feedback:viewreports", "mod/feedback:edititems", "mod/feedback:deletesubmissions")


@dataclass(frozen=True)
class RunCourse:
    blueprint_id: int
    course_id: int
    category_id: int
    modules: dict[str, dict[str, object]]
    """module name -> the module as core_course_get_contents reports it"""


@pytest.fixture(scope="module")
def run_course(live_moodle: LiveMoodle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunCourse]:
    folder = tmp_path_factory.mktemp("run-course")
    tag = uuid.uuid4().hex[:8]
    mbz, config = folder / "blueprint.mbz", folder / "lms-sync.toml"
    config.write_text(f'[moodle]\nurl = "{live_moodle.url}"\ntoken_file = "{live_moodle.token_file}"\n\n'
                      f'[catalogue]\ntemplates_dir = "{REPO / "course_templates"}"\n', encoding="utf-8")
    built = CliRunner().invoke(main, ["--config", str(config), "blueprint", "build", "kommune-zivilgesellschaft",
                                      "-o", str(mbz)])
    assert built.exit_code == 0, built.output
    category = live_moodle.ws("core_course_create_categories", categories=[{"name": f"Runs {tag}", "parent": 0}])[0]
    restored = live_moodle.admin_cli("restore_backup.php", f"--file={mbz}", f"--categoryid={category['id']}")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    blueprint_id = int(restored.stdout.rsplit("Restored course ID:", 1)[1].split("=")[0].strip())
    course = live_moodle.ws("core_course_create_courses", courses=[{
        "fullname": f"Run {tag}", "shortname": f"run-{tag}", "categoryid": category["id"],
        "summary": SUMMARY, "summaryformat": 1}])[0]
    live_moodle.ws("core_course_import_course", importfrom=blueprint_id, importto=course["id"])
    tasks = live_moodle.admin_cli("adhoc_task.php", "--execute")  # the calendar events import queues
    assert tasks.returncode == 0, tasks.stdout + tasks.stderr
    contents = live_moodle.ws("core_course_get_contents", courseid=course["id"])
    modules = {m["name"]: m for section in contents for m in section["modules"]}
    yield RunCourse(blueprint_id, int(course["id"]), int(category["id"]), modules)


def test_group_work_is_in_separate_groups_and_the_rest_is_for_everyone(live_moodle: LiveMoodle,
                                                                       run_course: RunCourse) -> None:
    modes = {name: module["groupmode"] for name, module in run_course.modules.items()}
    assert modes.pop("Fallklinik: Konflikte aus der Praxis") == 1  # SEPARATEGROUPS
    assert set(modes.values()) == {0}


def test_the_course_page_carries_the_summary_block_that_shows_each_runs_sessions(live_moodle: LiveMoodle,
                                                                                 run_course: RunCourse) -> None:
    # Moodle 5.0 installs the "Course/site summary" block disabled; the admin enables it once (README, setup).
    live_moodle.php("$DB->set_field('block', 'visible', 1, ['name' => 'course_summary']); return true;")
    blocks = live_moodle.ws("core_block_get_course_blocks", courseid=run_course.course_id, returncontents=1)["blocks"]
    summary = [b for b in blocks if b["name"] == "course_summary"]
    assert len(summary) == 1
    assert "4. März 2027, 09:30–16:30 Uhr, Rathaus" in summary[0]["contents"]["content"]
    again = live_moodle.ws("core_course_import_course", importfrom=run_course.blueprint_id,
                           importto=run_course.course_id, options=[{"name": "activities", "value": 0}])
    assert again is None
    blocks = live_moodle.ws("core_block_get_course_blocks", courseid=run_course.course_id)["blocks"]
    assert sum(b["name"] == "course_summary" for b in blocks) == 1  # a second import adds no twin


def test_dated_activities_arrive_with_calendar_events_on_the_placeholder_day(live_moodle: LiveMoodle,
                                                                             run_course: RunCourse) -> None:
    events = live_moodle.records(
        "SELECT id, modulename, eventtype, timestart FROM {event} WHERE courseid = :course ORDER BY id",
        {"course": run_course.course_id})
    kinds = sorted((e["modulename"], e["eventtype"]) for e in events)
    assert kinds == [("assign", "due")] * 3 + [("feedback", "close"), ("feedback", "open")]
    years = {live_moodle.php(f"return userdate({e['timestart']}, '%Y', 'Europe/Berlin');") for e in events}
    assert years == {"2099"}


def _can(live_moodle: LiveMoodle, user_id: int, cmid: int) -> dict[str, bool]:
    body = f"""
        $context = context_module::instance({cmid});
        $caps = json_decode({json.dumps(json.dumps(EVALUATION_CAPABILITIES))});
        $result = [];
        foreach ($caps as $cap) {{ $result[$cap] = has_capability($cap, $context, {user_id}); }}
        return $result;
    """
    return dict(live_moodle.php(body))


def test_trainers_with_the_trainer_role_cannot_see_named_answers_while_evaluation_staff_can(
        live_moodle: LiveMoodle, run_course: RunCourse) -> None:
    script = subprocess.run(["php", str(TRAINER_ROLE_SCRIPT), str(live_moodle.code_dir)], capture_output=True,
                            text=True, timeout=120, check=True)
    role_id = int(script.stdout.strip().splitlines()[-1])
    tag = run_course.course_id
    users = live_moodle.ws("core_user_create_users", users=[
        {"username": f"{who}{tag}", "password": "Pw!-2026-test", "firstname": who, "lastname": "Live",
         "email": f"{who}{tag}@live.example.org"} for who in ("trainer", "teacher", "staff")])
    trainer, teacher, staff = (int(u["id"]) for u in users)
    live_moodle.ws("enrol_manual_enrol_users", enrolments=[
        {"roleid": role_id, "userid": trainer, "courseid": run_course.course_id},
        {"roleid": 3, "userid": teacher, "courseid": run_course.course_id}])
    manager = live_moodle.records("SELECT id FROM {role} WHERE shortname = 'manager'")[0]["id"]
    live_moodle.ws("core_role_assign_roles", assignments=[
        {"roleid": manager, "userid": staff, "contextlevel": "coursecat", "instanceid": run_course.category_id}])
    cmid = int(run_course.modules["Evaluation des Workshops"]["id"])

    assert _can(live_moodle, trainer, cmid) == dict.fromkeys(EVALUATION_CAPABILITIES, False)
    assert _can(live_moodle, staff, cmid) == dict.fromkeys(EVALUATION_CAPABILITIES, True)
    # Why the role and not the blueprint's overrides: import drops them while backup_import_permissions is off
    # (a fresh site's default), so a plain editing teacher still sees the named answers.
    assert _can(live_moodle, teacher, cmid)["mod/feedback:viewreports"] is True


def test_moodles_cli_restore_drops_the_blueprints_permission_overrides(live_moodle: LiveMoodle,
                                                                      run_course: RunCourse) -> None:
    """restore_backup.php runs without a logged-in user, and restore checks get_overridable_roles() for $USER."""
    overrides = live_moodle.count(
        "role_capabilities",
        "capability = :cap AND contextid IN (SELECT ctx.id FROM {context} ctx JOIN {course_modules} cm "
        "ON cm.id = ctx.instanceid AND ctx.contextlevel = 70 WHERE cm.course = :course)",
        {"cap": "mod/feedback:viewreports", "course": run_course.blueprint_id})
    assert overrides == 0


def test_check_warns_that_participants_on_the_sites_default_zone_see_other_times(live_moodle: LiveMoodle,
                                                                                 live_config: Path) -> None:
    site_zone = live_moodle.php("return core_date::get_server_timezone();")
    result = CliRunner().invoke(main, ["--config", str(live_config), "check"])
    assert result.exit_code == 0, result.output
    if site_zone == "Europe/Berlin":
        assert "timezone" not in result.output
    else:
        assert f"the site's default time zone is {site_zone}, the catalogue's Europe/Berlin" in result.output
