"""A read that fails for one run's course fails that run only: plan shows it skipped with one line naming the read and
Moodle's message, push pushes every other run, leaves it untouched and exits 1; site-wide failures still stop all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fake_moodle import FakeMoodle
from tests.test_push_e2e import run_cli, seed_accounts, seed_blueprint, seed_competency_scale, state, write_config

RUNS = ("kvz-2027-01", "kvz-2027-02", "kvz-2027-03")
HAND_MADE = "Von Hand umbenannt"


@pytest.fixture(params=[True, False], ids=["batched", "single-calls"])
def world(request: pytest.FixtureRequest, fake_moodle: FakeMoodle, catalogue: Path,
          tmp_path: Path) -> tuple[FakeMoodle, Path]:
    """The example catalogue pushed once; then every run course renamed by hand, so each run has one change to make."""
    seed_blueprint(fake_moodle)
    seed_accounts(fake_moodle, catalogue)
    extra = "" if request.param else "batch_reads = false"
    config = write_config(fake_moodle, tmp_path, catalogue, seed_competency_scale(fake_moodle), extra=extra)
    assert run_cli(config, "push").exit_code == 0
    for course in _run_courses(fake_moodle).values():
        course.fullname = HAND_MADE
    fake_moodle.reset_counters()
    return fake_moodle, config


def _run_courses(fake: FakeMoodle) -> dict[str, object]:
    return {c.idnumber.removeprefix("lms-sync-"): c for c in fake.site.courses.values() if c.idnumber.startswith("lms-sync-")}


def _course_id(fake: FakeMoodle, run: str) -> int:
    return _run_courses(fake)[run].id  # type: ignore[attr-defined, no-any-return]


def _fullnames(fake: FakeMoodle) -> dict[str, str]:
    return {run: course.fullname for run, course in _run_courses(fake).items()}  # type: ignore[attr-defined]


def _pushed_all_but(fake: FakeMoodle, skipped: str) -> None:
    names = _fullnames(fake)
    assert names[skipped] == HAND_MADE  # untouched
    assert all(name != HAND_MADE for run, name in names.items() if run != skipped), names


@pytest.mark.parametrize("capability", ["", "moodle/course:enrolreview"], ids=["not-enterable", "no-enrolreview"])
def test_a_course_the_web_service_user_cannot_read_fails_only_its_run(world, capability) -> None:
    fake, config = world
    denied = _course_id(fake, "kvz-2027-02")
    fake.deny_course(denied, capability)
    before = state(fake)["lms-sync-kvz-2027-02"]

    plan = run_cli(config, "plan")
    pushed = run_cli(config, "push")

    assert plan.exit_code == pushed.exit_code == 1, pushed.output
    assert "run kvz-2027-02 — course lms-sync-kvz-2027-02  BLOCKED" in plan.output
    [line] = [line for line in plan.output.splitlines() if "not planned" in line]
    reason = "(no idnumber, no dates)" if not capability else "(Review course enrolments). [nopermissions]"
    assert reason in line and f"course id {denied}" in line
    assert "FAILED kvz-2027-02" in pushed.output and "ok     kvz-2027-01" in pushed.output
    _pushed_all_but(fake, "kvz-2027-02")
    assert state(fake)["lms-sync-kvz-2027-02"] == before


def test_a_warning_about_one_course_in_a_many_course_answer_fails_only_that_run(world) -> None:
    fake, config = world
    warned = _course_id(fake, "kvz-2027-03")
    fake.add_warning("core_calendar_get_calendar_events", {
        "item": "course", "itemid": warned, "warningcode": "nopermissions",
        "message": "No access rights in course context Course or activity not accessible.#0 /var/www/lib.php(12)"})

    result = run_cli(config, "push", "--json")

    assert result.exit_code == 1
    report = json.loads(result.output)
    [failure] = report["failures"]["kvz-2027-03"]
    assert failure.startswith(f"not planned: Moodle could not be read for this run (calendar events of course id {warned}: "
                              "Moodle's answer is incomplete (it carries the warning No access rights in course context")
    assert "[nopermissions]" in failure and "#0" not in failure
    assert set(report["failures"]) == {"kvz-2027-03"}
    _pushed_all_but(fake, "kvz-2027-03")


def test_a_warning_naming_no_course_fails_every_run_the_answer_is_about(world) -> None:
    fake, config = world
    fake.add_warning("core_calendar_get_calendar_events", {
        "item": "event", "itemid": 4711, "warningcode": "nopermissions",
        "message": "you do not have permissions to view this event"})

    result = run_cli(config, "plan", "--json")

    assert result.exit_code == 1
    runs = json.loads(result.output)["runs"]
    assert [run["blocked"] for run in runs] == [True, True, True]
    assert all("you do not have permissions to view this event [nopermissions]" in run["problems"][0] for run in runs)
    assert all(run["changes"] == [] for run in runs)


def test_a_saved_plan_carries_the_skipped_run_and_push_applies_the_rest(world, tmp_path) -> None:
    fake, config = world
    fake.deny_course(_course_id(fake, "kvz-2027-01"))
    path = tmp_path / "plan.json"

    planned = run_cli(config, "plan", "-o", str(path))
    pushed = run_cli(config, "push", "--plan", str(path), "--json")

    assert planned.exit_code == 1 and pushed.exit_code == 1, pushed.output
    saved = json.loads(path.read_text(encoding="utf-8"))
    [skipped] = [run for run in saved["runs"] if run["blocked"]]
    assert skipped["run_id"] == "kvz-2027-01" and skipped["problems"][0].startswith("not planned:")
    assert list(json.loads(pushed.output)["failures"]) == ["kvz-2027-01"]
    _pushed_all_but(fake, "kvz-2027-01")


def test_a_saved_plan_whose_skipped_run_became_readable_is_refused(world, tmp_path) -> None:
    fake, config = world
    denied = _course_id(fake, "kvz-2027-01")
    fake.deny_course(denied)
    path = tmp_path / "plan.json"
    assert run_cli(config, "plan", "-o", str(path)).exit_code == 1
    del fake.denied_courses[denied]
    fake.reset_counters()

    pushed = run_cli(config, "push", "--plan", str(path))

    assert pushed.exit_code == 2 and "the plan no longer holds" in pushed.output
    assert fake.write_calls() == 0


def test_a_site_wide_failure_still_stops_everything(world) -> None:
    fake, config = world
    fake.inject("exception", wsfunction="core_enrol_get_enrolled_users_with_capability", times=99,
                error={"exception": "moodle_exception", "errorcode": "sitemaintenance",
                       "message": "Site is undergoing maintenance"})
    fake.deny_course(_course_id(fake, "kvz-2027-02"))

    result = run_cli(config, "push")

    assert result.exit_code == 3, result.output
    assert fake.write_calls() == 0
    assert set(_fullnames(fake).values()) == {HAND_MADE}
