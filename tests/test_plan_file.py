"""`plan -o FILE` and `push --plan FILE` through the CLI against the fake Moodle: the saved plan is what gets applied,
a plan gone stale (Moodle or the catalogue changed) is refused without a write, and a lost write answer exits 5."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.fake_moodle import FakeMoodle
from tests.test_push_e2e import run_cli, seed_accounts, seed_blueprint, seed_competency_scale, state, write_config


def saved_plan(config: Path, tmp_path: Path, *args: str) -> tuple[Path, dict]:
    path = tmp_path / "plan.json"
    result = run_cli(config, "plan", "-o", str(path), *args)
    assert result.exit_code == 0, result.output
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_the_saved_plan_is_the_json_plan_and_names_site_versions_digests_and_every_change(world, tmp_path) -> None:
    fake, config = world
    path, doc = saved_plan(config, tmp_path)

    assert doc["format"] == "lms-sync-plan/1" and doc["lms_sync_version"]
    assert doc["site"] == {"url": fake.url, "release": fake.release()[0]}
    assert set(doc["digests"]) == {"catalogue", "templates", "desired"}
    assert doc["fingerprint"]["observation"] and "site (categories, accounts)" in doc["fingerprint"]["parts"]
    course = next(c for r in doc["runs"] for c in r["changes"] if c["kind"] == "course")
    assert course["fields"]["shortname"] == "KVZ-kvz-2027-01"  # what will be sent
    assert json.loads(run_cli(config, "plan", "--json").output) == doc  # one schema, one observation
    jsonschema.validate(doc, json.loads((Path(__file__).parents[1] / "docs" / "schemas" / "plan.json").read_text()))  # documented


def test_push_applies_the_saved_plan_and_a_second_plan_is_empty(world, tmp_path) -> None:
    fake, config = world
    path, doc = saved_plan(config, tmp_path)
    fake.reset_counters()

    pushed = run_cli(config, "push", "--plan", str(path), "--json")

    assert pushed.exit_code == 0, pushed.output
    report = json.loads(pushed.output)
    assert report["observation"] == doc["fingerprint"]["observation"]
    assert report["plan"]["runs"] == doc["runs"]
    enrolments = sum(1 for r in doc["runs"] for c in r["changes"] if c["kind"] == "enrolment")
    assert report["applied"]["enrol_manual_enrol_users"] == enrolments
    assert len(state(fake)) == 3 + 2  # three run courses, categories, users
    after = json.loads(run_cli(config, "plan", "--json").output)
    assert {kind for kind, count in after["summary"].items() if count} == {"unchanged"}


@pytest.mark.parametrize(("edited", "part"), [
    (lambda site: next(c for c in site.courses.values() if c.idnumber == "lms-sync-kvz-2027-01"),
     "course lms-sync-kvz-2027-01"),
    (lambda site: next(c for c in site.competencies.values() if c.idnumber == "bip-k-akteure"),
     "competency framework bip-kompetenzen-beteiligung"),
], ids=["course", "competency"])
def test_a_plan_is_refused_when_moodle_changed_after_it_was_made(world, tmp_path, edited, part) -> None:
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    thing = edited(fake.site)
    thing.shortname = "Von Hand geändert"
    path, doc = saved_plan(config, tmp_path)
    assert doc["summary"]["update"] == 1  # plans to change it back
    thing.shortname = "Noch einmal geändert"  # someone edits it again between plan and push
    fake.reset_counters()

    refused = run_cli(config, "push", "--plan", str(path))

    assert refused.exit_code == 2
    assert f"in Moodle: {part} changed" in refused.output and "plan -o" in refused.output
    assert fake.write_calls() == 0 and thing.shortname == "Noch einmal geändert"


def test_a_category_made_on_the_site_after_the_plan_does_not_make_it_stale(world, tmp_path) -> None:
    fake, config = world
    path, _doc = saved_plan(config, tmp_path)
    fake.add_category("Sprachkurse", idnumber="vhs-sprachen")  # another department's, in the same Moodle

    pushed = run_cli(config, "push", "--plan", str(path))

    assert pushed.exit_code == 0, pushed.output
    assert len(state(fake)) == 3 + 2


def test_the_plan_shows_every_competency_write_and_push_counts_them(world, tmp_path) -> None:
    fake, config = world
    path, doc = saved_plan(config, tmp_path)
    assert doc["by_kind"]["framework"] == 1 and doc["by_kind"]["competency"] == 8 and doc["by_kind"]["link"] == 18
    text = run_cli(config, "plan").output
    assert "+ create competency framework bip-kompetenzen-beteiligung" in text and "18 competency links to add" in text

    pushed = json.loads(run_cli(config, "push", "--plan", str(path), "--json").output)

    assert {k: v for k, v in pushed["applied"].items() if k.startswith("core_competency_")} == {
        "core_competency_create_competency_framework": 1, "core_competency_create_competency": 8,
        "core_competency_add_competency_to_course": 18}
    again = run_cli(config, "push")
    assert "nothing (Moodle already matches)" in again.output


def test_a_plan_is_refused_when_the_catalogue_changed(world, catalogue, tmp_path) -> None:
    fake, config = world
    path, _ = saved_plan(config, tmp_path)
    runs = catalogue / "2027-fruehjahr.toml"
    runs.write_text(runs.read_text(encoding="utf-8").replace("Raum 2.14", "Raum 3.01", 1),
                    encoding="utf-8")
    fake.reset_counters()

    refused = run_cli(config, "push", "--plan", str(path))

    assert refused.exit_code == 2 and "the catalogue changed" in refused.output
    assert fake.write_calls() == 0


@pytest.mark.parametrize(("content", "args", "message"), [
    ("not json", (), "not a plan file"),
    ('{"format": "lms-sync-plan/0"}', (), "is not 'lms-sync-plan/1'"),
    ('{"format": "lms-sync-plan/1", "offline": true}', (), "offline plan"),
    ('{"format": "lms-sync-plan/1"}', ("kvz-2027-01",), "give neither RUN nor --prune"),
])
def test_an_unusable_plan_file_is_one_line_and_exit_2(world, tmp_path, content, args, message) -> None:
    fake, config = world
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")

    result = run_cli(config, "push", "--plan", str(path), *args)

    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output and fake.write_calls() == 0


def test_a_write_without_a_reliable_answer_exits_5_and_a_rerun_reconciles(world) -> None:
    fake, config = world
    fake.inject("timeout", wsfunction="core_course_create_courses")

    lost = run_cli(config, "push")

    assert lost.exit_code == 5 and "run the same command again" in lost.output
    assert run_cli(config, "push").exit_code == 0
    assert len([c for c in fake.site.courses.values() if c.idnumber.startswith("lms-sync-")]) == 3  # no twin


@pytest.fixture
def world(fake_moodle: FakeMoodle, catalogue: Path, tmp_path: Path) -> tuple[FakeMoodle, Path]:
    seed_blueprint(fake_moodle)
    seed_accounts(fake_moodle, catalogue)
    return fake_moodle, write_config(fake_moodle, tmp_path, catalogue, seed_competency_scale(fake_moodle))
