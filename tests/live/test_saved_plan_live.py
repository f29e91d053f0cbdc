"""The saved plan on the real Moodle: what `plan -o` showed is what Moodle holds after `push --plan`, a second plan
is empty, and a plan made stale by a change in Moodle between plan and push is refused without a write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lms_sync.cli import main
from tests.live.site import LiveMoodle
from tests.live.world import Templates, write_catalogue, write_config


@pytest.fixture
def world(live_moodle: LiveMoodle, live_templates: Templates, tmp_path: Path, unique: str) -> tuple[Path, str]:
    """A config for one run of this test's own (course `lms-sync-plan-<tag>`), nothing pushed yet."""
    run_id = f"plan-{unique}"
    config = write_config(tmp_path / "config", live_moodle.url, live_moodle.token_file,
                          write_catalogue(tmp_path, run_id), live_templates)
    return config, f"lms-sync-{run_id}"


def cli(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)


def course(site: LiveMoodle, idnumber: str) -> dict:
    [found] = site.ws("core_course_get_courses_by_field", field="idnumber", value=idnumber)["courses"]
    return found


def test_moodle_holds_what_the_saved_plan_showed_and_a_second_plan_is_empty(world, live_moodle, tmp_path) -> None:
    config, idnumber = world
    path = tmp_path / "plan.json"
    assert cli(config, "plan", "-o", str(path)).exit_code == 0
    doc = json.loads(path.read_text(encoding="utf-8"))
    [run] = doc["runs"]
    planned: dict[tuple[str, str], list[dict]] = {}
    for change in run["changes"]:
        planned.setdefault((change["kind"], change["action"]), []).append(change)

    pushed = cli(config, "push", "--plan", str(path), "--json")

    assert pushed.exit_code == 0, pushed.output
    assert json.loads(pushed.output)["observation"] == doc["fingerprint"]["observation"]
    [create] = planned[("course", "create")]
    made = course(live_moodle, idnumber)
    assert (made["shortname"], made["startdate"]) == (create["fields"]["shortname"], create["fields"]["startdate"])
    enrolled = live_moodle.ws("core_enrol_get_enrolled_users", courseid=made["id"])
    assert sorted(u["email"].lower() for u in enrolled) == sorted(
        c["fields"]["email"] for c in planned[("enrolment", "enrol")])
    groups = {g["name"] for g in live_moodle.ws("core_group_get_course_groups", courseid=made["id"])}
    assert groups == {c["fields"]["name"] for c in planned.get(("group", "create"), [])}
    assert live_moodle.count("event", "courseid = :c AND eventtype = 'course'", {"c": made["id"]}) == len(
        planned[("event", "create")]) == 2
    sections = {s["section"]: s["name"] for s in live_moodle.ws("core_course_get_contents", courseid=made["id"])}
    assert all(sections[c["fields"]["section_number"]] == c["fields"]["name"][1] for c in planned.get(("section", "rename"), []))
    again = json.loads(cli(config, "plan", "--json").output)
    moved = [c for run in again["runs"] for c in run["changes"] if c["action"] == "move"]
    if moved:
        # Seen only in the whole live suite (not yet explained, see the issue note): Moodle had dated calendar events
        # for the new course by the second plan. Then the plan moves them, and once moved nothing is left to do.
        assert {kind for kind, count in again["summary"].items() if count} == {"move", "unchanged"}, moved
        assert cli(config, "push").exit_code == 0
        again = json.loads(cli(config, "plan", "--json").output)
    assert {kind for kind, count in again["summary"].items() if count} == {"unchanged"}, again["summary"]


def test_a_plan_made_stale_by_a_change_in_moodle_is_refused(world, live_moodle, tmp_path) -> None:
    config, idnumber = world
    assert cli(config, "push").exit_code == 0
    made = course(live_moodle, idnumber)
    live_moodle.ws("core_course_update_courses", courses=[{"id": made["id"], "fullname": "Changed by hand"}])
    path = tmp_path / "plan.json"
    assert cli(config, "plan", "-o", str(path)).exit_code == 0  # plans to rename it back
    live_moodle.ws("core_course_update_courses", courses=[{"id": made["id"], "fullname": "Changed again"}])

    refused = cli(config, "push", "--plan", str(path))

    assert refused.exit_code == 2, refused.output
    assert f"in Moodle: course {idnumber} changed" in refused.output
    assert course(live_moodle, idnumber)["fullname"] == "Changed again"
