"""Competencies on the real Moodle: what `plan -o` shows of the framework, its competencies and the course links is
what Moodle holds after `push --plan` (read back with core_competency_* as the admin), a second push writes nothing,
a plan made stale by an edit of the framework in Moodle is refused, and the next push repairs the edit."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lms_sync.cli import main
from tests.live.site import LiveMoodle
from tests.live.workspace import make_scale
from tests.live.world import REPO, TEMPLATE, Templates, write_catalogue, write_config

BUNDLED = REPO / "course_templates"
COMPETENCY_WRITES = ("core_competency_create_competency_framework", "core_competency_update_competency_framework",
                     "core_competency_create_competency", "core_competency_update_competency",
                     "core_competency_add_competency_to_course")


@pytest.fixture
def world(live_moodle: LiveMoodle, live_templates: Templates, tmp_path: Path, unique: str) -> tuple[Path, str, str]:
    """The session's template copy linking a framework of this test's own (idnumber `live-fw-<tag>`, on a scale
    made for it), one run of its own; nothing pushed yet. Returns (config, course idnumber, framework idnumber)."""
    framework = f"live-fw-{unique}"
    templates = Templates(tmp_path / "templates", live_templates.tag)
    shutil.copytree(live_templates.dir, templates.dir)
    bundled = (BUNDLED / TEMPLATE / "template.toml").read_text(encoding="utf-8")
    links = bundled[bundled.index("[competencies]"):].replace('"bip-kompetenzen-beteiligung"', f'"{framework}"')
    manifest = templates.dir / TEMPLATE / "template.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\n" + links, encoding="utf-8")
    (templates.dir / "competencies").mkdir()
    text = (BUNDLED / "competencies" / "bip-kompetenzen-beteiligung.toml").read_text(encoding="utf-8")
    text = text.replace('idnumber = "bip-kompetenzen-beteiligung"', f'idnumber = "{framework}"', 1)
    text = text.replace('shortname = "BIP Kompetenzen Beteiligung"', f'shortname = "Live {unique}"', 1)
    text = re.sub(r"^moodle_scale_id = \d+$", f"moodle_scale_id = {make_scale(live_moodle, unique)}", text, flags=re.M)
    (templates.dir / "competencies" / f"{framework}.toml").write_text(text, encoding="utf-8")
    run_id = f"comp-{unique}"
    config = write_config(tmp_path / "config", live_moodle.url, live_moodle.token_file,
                          write_catalogue(tmp_path, run_id, participants=2), templates)
    return config, f"lms-sync-{run_id}", framework


def cli(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)


def in_moodle(site: LiveMoodle, framework_idnumber: str, course_idnumber: str) -> dict[str, Any]:
    """The framework, its competencies (with their parents' idnumbers) and the course's links, as Moodle answers
    the admin."""
    found = site.ws("core_competency_list_competency_frameworks", context={"contextid": 1}, includes="self",
                    query=framework_idnumber)
    [framework] = [f for f in found if f["idnumber"] == framework_idnumber]
    competencies = site.ws("core_competency_list_competencies",
                           filters=[{"column": "competencyframeworkid", "value": str(framework["id"])}])
    by_id = {c["id"]: c for c in competencies}
    [course] = site.ws("core_course_get_courses_by_field", field="idnumber", value=course_idnumber)["courses"]
    linked = site.ws("core_competency_list_course_competencies", id=course["id"])
    return {"framework": (framework["shortname"], framework["scaleid"]),
            "competencies": {c["idnumber"]: (c["shortname"], by_id[c["parentid"]]["idnumber"] if c["parentid"] else None)
                             for c in competencies},
            "descriptions": {c["idnumber"]: c["description"] for c in competencies},
            "links": sorted(entry["competency"]["idnumber"] for entry in linked),
            "ids": {c["idnumber"]: c["id"] for c in competencies}, "framework_id": framework["id"]}


def last_journal(config: Path) -> dict[str, Any]:
    return json.loads(cli(config, "runs", "--json").output)["runs"][0]


def test_moodle_holds_the_planned_competencies_and_a_second_push_writes_nothing(world, live_moodle, tmp_path) -> None:
    config, course_idnumber, framework_idnumber = world
    path = tmp_path / "plan.json"
    assert cli(config, "plan", "-o", str(path)).exit_code == 0
    doc = json.loads(path.read_text(encoding="utf-8"))
    [framework_create] = [c for c in doc["competencies"] if c["kind"] == "framework"]
    creates = {c["key"]: (c["fields"]["shortname"], c["fields"]["parent"]) for c in doc["competencies"]
               if c["kind"] == "competency"}
    [run] = doc["runs"]
    planned_links = sorted(c["key"] for c in run["changes"] if c["kind"] == "link")
    assert len(creates) == 8 and len(planned_links) == 6

    pushed = cli(config, "push", "--plan", str(path), "--json")

    assert pushed.exit_code == 0, pushed.output
    report = json.loads(pushed.output)
    held = in_moodle(live_moodle, framework_idnumber, course_idnumber)
    assert held["framework"] == (framework_create["fields"]["shortname"], framework_create["fields"]["scaleid"])
    assert held["competencies"] == creates
    assert held["links"] == planned_links
    applied = {name: count for name, count in report["applied"].items() if name in COMPETENCY_WRITES}
    assert applied == {"core_competency_create_competency_framework": 1, "core_competency_create_competency": 8,
                       "core_competency_add_competency_to_course": 6}
    assert sum(report["applied"].values()) == len([c for r in doc["runs"] for c in r["changes"]]) + len(
        doc["competencies"]) + len(doc["categories"]) + len(doc["users"]) + sum(
        1 for r in doc["runs"] for c in r["changes"] if c["action"] == "replace")  # a moved event: delete + create
    first = last_journal(config)

    again = cli(config, "push", "--json")

    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["applied"] == {}
    assert in_moodle(live_moodle, framework_idnumber, course_idnumber) == held
    noop = last_journal(config)
    print(f"\nfirst push: {first['ws_requests']} requests, {sum(report['applied'].values())} writes; "
          f"no-op push: {noop['ws_requests']} requests, 0 writes")


def test_a_plan_made_stale_by_an_edit_of_the_framework_is_refused_and_push_repairs_the_edit(
        world, live_moodle, tmp_path) -> None:
    config, course_idnumber, framework_idnumber = world
    assert cli(config, "push").exit_code == 0
    held = in_moodle(live_moodle, framework_idnumber, course_idnumber)
    path = tmp_path / "plan.json"
    assert cli(config, "plan", "-o", str(path)).exit_code == 0  # nothing to do
    edited = held["ids"]["bip-k-akteure"]
    live_moodle.ws("core_competency_update_competency",
                   competency={"id": edited, "description": "<p>Changed by hand</p>", "descriptionformat": 1})
    live_moodle.ws("core_competency_update_competency_framework",
                   competencyframework={"id": held["framework_id"], "shortname": "Renamed by hand"})

    refused = cli(config, "push", "--plan", str(path))

    assert refused.exit_code == 2, refused.output
    assert f"in Moodle: competency framework {framework_idnumber} changed" in refused.output
    assert in_moodle(live_moodle, framework_idnumber, course_idnumber)["descriptions"]["bip-k-akteure"] == (
        "<p>Changed by hand</p>")

    replan = json.loads(cli(config, "plan", "--json").output)
    assert [(c["kind"], c["action"], c["key"]) for c in replan["competencies"]] == [
        ("framework", "update", framework_idnumber), ("competency", "update", "bip-k-akteure")]
    repaired = cli(config, "push", "--json")

    assert repaired.exit_code == 0, repaired.output
    assert {k: v for k, v in json.loads(repaired.output)["applied"].items()} == {
        "core_competency_update_competency_framework": 1, "core_competency_update_competency": 1}
    assert in_moodle(live_moodle, framework_idnumber, course_idnumber) == held
