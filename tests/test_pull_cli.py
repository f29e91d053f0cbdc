"""`lms-sync pull` through the CLI: selection by run, --all and --course, summary and JSON output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from lms_sync.cli import main
from lms_sync.config import load_settings
from lms_sync.records.schema import courses, people
from lms_sync.records.store import RecordsStore
from lms_sync.workspace import load_workspace
from tests.fake_moodle import FakeMoodle
from tests.fake_moodle.seed import seed_contract_site
from tests.pull_site import add_workshop

REPOSITORY = Path(__file__).resolve().parents[1]
CATALOGUE = ["--catalogue", str(REPOSITORY / "examples" / "catalogue"),
             "--templates-dir", str(REPOSITORY / "course_templates")]


def _run(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--config", str(config), "pull", *args])
    return result.exit_code, result.stdout, result.stderr


def _records(config: Path) -> RecordsStore:
    return RecordsStore.open(load_settings(config).records.url)


def test_pull_without_a_selection_says_what_to_name(lms_config: Path) -> None:
    code, _, errors = _run(lms_config)
    assert code == 2 and "RUN…, --all" in errors and "--course" in errors


def test_backfill_a_course_by_idnumber_and_id_then_repull_changes_nothing(lms_config: Path,
                                                                          fake_moodle: FakeMoodle) -> None:
    seed_contract_site(fake_moodle)

    code, output, _ = _run(lms_config, "--course", "bip-kvz-2026-01", "--course", "3", "--course", "2", "--json")

    assert code == 0
    report = json.loads(output)
    assert [(c["label"], c["status"], c["course_id"]) for c in report["courses"]] == [
        ("bip-kvz-2026-01", "ok", 3), ("2", "ok", 2)]
    assert report["totals"]["responses"] == 7 + 5 and report["totals"]["users"] == 12
    assert report["courses"][0]["non_respondents"] == 3  # the recorded site: students 12-14 did not answer

    code, output, _ = _run(lms_config, "--course", "bip-kvz-2026-01", "--course", "2")
    assert code == 0
    assert "rows 0 inserted, 0 updated" in output and "0 deleted" in output
    assert output.splitlines()[0].startswith("ok       bip-kvz-2026-01  12 users, 10 with completion, 2 feedback, 12")


def test_an_unknown_course_fails_the_pull_with_exit_1_and_names_it(lms_config: Path, fake_moodle: FakeMoodle) -> None:
    add_workshop(fake_moodle, "bip-ws-2026-01", size=4, answered=2, surveyed=1)

    code, output, _ = _run(lms_config, "--course", "bip-ws-2026-01", "--course", "bip-ws-1999-01")

    assert code == 1
    assert "FAILED   bip-ws-1999-01" in output and "no Moodle course with id or idnumber 'bip-ws-1999-01'" in output
    assert "Pulled 1 of 2 courses" in output


def test_runs_are_pulled_with_the_catalogue_people_and_unpushed_runs_are_only_noted(
        lms_config: Path, fake_moodle: FakeMoodle) -> None:
    workspace = load_workspace(load_settings(lms_config), catalogue=Path(CATALOGUE[1]), templates_dir=Path(CATALOGUE[3]))
    run = workspace.courses[0]
    opted_in = next(p for p in run.participants if p.consultation_opt_in)
    add_workshop(fake_moodle, run.idnumber, people=[(p.email, p.firstname, p.lastname) for p in run.participants])

    code, output, _ = _run(lms_config, "--all", *CATALOGUE)

    assert code == 0, output
    assert output.count("missing  ") == len(workspace.courses) - 1
    with _records(lms_config) as store, store.engine.connect() as connection:
        assert list(connection.execute(select(courses.c.run_id, courses.c.template))) == [(run.run_id, run.template)]
        person = connection.execute(select(people).where(people.c.email == opted_in.email)).one()
    assert (person.organisation, person.sector, person.consultation_opt_in) == (
        opted_in.organisation or "", str(opted_in.sector.value), True)

    code, output, _ = _run(lms_config, workspace.courses[1].run_id, *CATALOGUE)
    assert code == 1 and "FAILED   " + workspace.courses[1].run_id in output and "push the run first" in output


@pytest.mark.parametrize("as_json", [False, True])
def test_a_revoked_token_is_exit_3_with_one_line(lms_config: Path, fake_moodle: FakeMoodle, as_json: bool) -> None:
    add_workshop(fake_moodle, "bip-ws-2026-01", size=4, answered=2, surveyed=1)
    fake_moodle.revoke_token()

    code, output, errors = _run(lms_config, "--course", "bip-ws-2026-01", *(["--json"] if as_json else []))

    assert code == 3
    if as_json:  # the error as one JSON object on stdout too
        error = json.loads(output)
        assert (error["code"], error["exit_code"]) == ("moodle", 3) and "Invalid token" in error["error"]
        assert "create a new one" in error["hint"] and fake_moodle.token not in output
    assert errors.strip().splitlines()[-1].startswith("error: core_webservice_get_site_info: Invalid token")
    assert fake_moodle.token not in errors


def test_a_site_in_maintenance_is_exit_3_as_for_sync(lms_config: Path, fake_moodle: FakeMoodle) -> None:
    add_workshop(fake_moodle, "bip-ws-2026-01", size=4, answered=2, surveyed=1)
    fake_moodle.inject("exception", wsfunction="core_webservice_get_site_info", times=10,
                       error={"exception": "moodle_exception", "errorcode": "sitemaintenance",
                              "message": "Site is undergoing maintenance"})

    code, _, errors = _run(lms_config, "--course", "bip-ws-2026-01")

    assert code == 3, errors
    assert "maintenance" in errors.strip().splitlines()[-1]
