"""On the real Moodle, a web-service user that is no site administrator (Moodle's manager archetype) and cannot read
two run courses — moodle/course:view prohibited in one, moodle/course:enrolreview in the other — pushes the third run,
names the two with the read and Moodle's answer, leaves them untouched and exits 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lms_sync.cli import main
from tests.live.site import LiveMoodle
from tests.live.world import Templates, write_catalogue, write_config

HAND_MADE = "Renamed by hand"


def cli(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)


def catalogue_of(root: Path, run_ids: list[str]) -> Path:
    """One catalogue holding the runs world.write_catalogue makes one at a time."""
    target = root / "catalogue"
    (target / "participants").mkdir(parents=True)
    runs = []
    for run_id in run_ids:
        single = write_catalogue(root / run_id, run_id)
        runs.append((single / "runs.toml").read_text(encoding="utf-8"))
        csv = single / "participants" / f"{run_id}.csv"
        (target / "participants" / csv.name).write_text(csv.read_text(encoding="utf-8"), encoding="utf-8")
    (target / "runs.toml").write_text("\n".join(runs), encoding="utf-8")
    return target


@pytest.fixture
def limited(live_moodle: LiveMoodle, tmp_path: Path, unique: str) -> tuple[Path, int]:
    """A token file of a new web-service user holding, at system level, a role made from Moodle's manager archetype
    with webservice/rest:use (the service is the lab's full one); and that role's id."""
    made = live_moodle.php(f"""
        require_once($CFG->dirroot . '/user/lib.php');
        $system = context_system::instance();
        $roleid = create_role('lms-sync limited {unique}', 'lmssynclimited{unique}', '', 'manager');
        reset_role_capabilities($roleid);
        assign_capability('webservice/rest:use', CAP_ALLOW, $roleid, $system->id);
        foreach (['editingteacher', 'teacher', 'student'] as $shortname) {{
            core_role_set_assign_allowed($roleid, $DB->get_field('role', 'id', ['shortname' => $shortname]));
        }}
        $userid = user_create_user((object) ['username' => 'limited{unique}', 'auth' => 'manual',
            'password' => 'Limited!Bot-2026', 'firstname' => 'Limited', 'lastname' => 'Bot {unique}',
            'email' => 'limited{unique}@example.org', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id],
            true, false);
        role_assign($roleid, $userid, $system->id);
        $service = $DB->get_record('external_services', ['shortname' => 'lms_sync_full'], '*', MUST_EXIST);
        $token = \\core_external\\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service, $userid, $system, 0, '',
            'lms-sync limited {unique}');
        return ['role' => $roleid, 'token' => $token];
    """)
    token_file = tmp_path / "limited-token"
    token_file.write_text(made["token"] + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    return token_file, int(made["role"])


def course(site: LiveMoodle, idnumber: str) -> dict:
    [found] = site.ws("core_course_get_courses_by_field", field="idnumber", value=idnumber)["courses"]
    return found


def prohibit(site: LiveMoodle, capability: str, role_id: int, course_id: int) -> None:
    """A per-course override, as a course's admin sets it under Permissions."""
    site.php(f"""
        assign_capability('{capability}', CAP_PROHIBIT, {role_id}, context_course::instance({course_id})->id);
        return true;
    """)


def test_a_run_course_the_web_service_user_cannot_read_fails_only_that_run(
        live_moodle: LiveMoodle, live_templates: Templates, limited: tuple[Path, int], tmp_path: Path,
        unique: str) -> None:
    token_file, role_id = limited
    new, hidden, unreviewable = (f"rf-{unique}-{n}" for n in (1, 2, 3))
    catalogue = catalogue_of(tmp_path, [new, hidden, unreviewable])
    as_admin = write_config(tmp_path / "admin", live_moodle.url, live_moodle.token_file, catalogue, live_templates)
    assert cli(as_admin, "push", hidden, unreviewable).exit_code == 0
    ids = {run: course(live_moodle, f"lms-sync-{run}")["id"] for run in (hidden, unreviewable)}
    live_moodle.ws("core_course_update_courses", courses=[{"id": i, "fullname": HAND_MADE} for i in ids.values()])
    prohibit(live_moodle, "moodle/course:view", role_id, ids[hidden])
    prohibit(live_moodle, "moodle/course:enrolreview", role_id, ids[unreviewable])
    as_limited = write_config(tmp_path / "limited", live_moodle.url, token_file, catalogue, live_templates)

    plan = cli(as_limited, "plan")
    pushed = cli(as_limited, "push", "--json")

    assert plan.exit_code == 1, plan.output
    assert f"run {hidden} — course lms-sync-{hidden}  BLOCKED" in plan.output
    assert pushed.exit_code == 1, pushed.output
    failures = json.loads(pushed.output)["failures"]
    assert set(failures) == {hidden, unreviewable}, failures
    [not_shown] = failures[hidden]
    assert f"Moodle shows only the public information of course id {ids[hidden]}" in not_shown
    [refused] = failures[unreviewable]
    assert f"enrolled users of course id {ids[unreviewable]}" in refused
    assert "permissions to do that (Review course enrolments). [nopermissions]" in refused, refused
    made = course(live_moodle, f"lms-sync-{new}")
    assert made["fullname"].startswith(f"Live {new} (")
    enrolled = live_moodle.ws("core_enrol_get_enrolled_users", courseid=made["id"])
    assert len(enrolled) == 6  # the trainer and five participants
    for run, course_id in ids.items():
        [untouched] = live_moodle.ws("core_course_get_courses_by_field", field="id", value=str(course_id))["courses"]
        assert untouched["fullname"] == HAND_MADE, run
