"""The competency framework as plan changes against the fake Moodle: the first plan creates the tree (parents first)
and links the run courses, push writes exactly that, a second plan is empty, drift gives the minimal writes, ratings
stay untouched, and what push must not do (wrong scale, unknown competency, moved parent) is a problem, not a write.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from lms_sync.config import PushSettings, Settings
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.functions import FUNCTIONS_BY_COMMAND, OPTIONAL_FUNCTIONS
from lms_sync.push.apply import PushReport, push
from lms_sync.push.desired import DesiredCourse
from lms_sync.push.observe import observe
from lms_sync.push.plan import Plan, diff
from lms_sync.workspace import load_workspace
from tests.competency_helpers import bundled_framework, calls_made, seed_framework, site_with_framework_scale
from tests.fake_moodle import MOODLE_VERSIONS, FakeMoodle
from tests.test_push_e2e import seed_accounts, seed_blueprint

REPO = Path(__file__).resolve().parents[1]
FRAMEWORK = "bip-kompetenzen-beteiligung"
COURSE_LINKS = ["bip-k-erwartungen", "bip-k-akteure", "bip-k-vertrauen", "bip-k-beteiligungsformate",
                "bip-k-konflikte", "bip-k-demokratie"]
WRITES = {"core_competency_create_competency_framework", "core_competency_update_competency_framework",
          "core_competency_create_competency", "core_competency_update_competency",
          "core_competency_add_competency_to_course"}


def courses_on(scale_id: int, run_ids: tuple[str, ...] = ("kvz-2027-01", "kvz-2027-02")) -> list[DesiredCourse]:
    settings = Settings.model_validate({
        "catalogue": {"path": str(REPO / "examples" / "catalogue"), "templates_dir": str(REPO / "course_templates")},
        "push": {"competency_scale_id": scale_id}})
    return load_workspace(settings, run_ids=run_ids).courses


def client_for(fake: FakeMoodle) -> MoodleClient:
    return MoodleClient(fake.url, SecretStr(fake.token), transport=httpx.MockTransport(fake), retries=0)


@pytest.fixture
def fake(moodle_version: str) -> FakeMoodle:
    fake = FakeMoodle(moodle_version)
    seed_blueprint(fake)
    seed_accounts(fake, REPO / "examples" / "catalogue")
    return fake


def plan_of(fake: FakeMoodle, courses: list[DesiredCourse]) -> Plan:
    return diff(courses, observe(client_for(fake), courses), PushSettings())


def competency_writes(fake: FakeMoodle) -> dict[str, int]:
    made: dict[str, int] = {}
    for name, _ in calls_made(fake):
        if name in WRITES:
            made[name] = made.get(name, 0) + 1
    return made


def pushed(fake: FakeMoodle, courses: list[DesiredCourse]) -> PushReport:
    fake.reset_counters()
    return push(client_for(fake), courses, PushSettings())


def linked(fake: FakeMoodle, course_idnumber: str) -> set[str]:
    course = next(c for c in fake.site.courses.values() if c.idnumber == course_idnumber)
    return {fake.site.competencies[link.competencyid].idnumber
            for link in fake.site.course_competencies.values() if link.courseid == course.id}


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_the_first_plan_creates_the_tree_and_links_and_push_writes_exactly_that(fake: FakeMoodle) -> None:
    framework = bundled_framework()
    courses = courses_on(site_with_framework_scale(fake, framework))
    plan = plan_of(fake, courses)
    assert [(c.kind, c.action, c.key) for c in plan.competencies] == [
        ("framework", "create", FRAMEWORK), *(("competency", "create", n.idnumber) for n in framework.parents_first())]
    assert [sorted(c.key for c in run.changes if c.kind == "link") for run in plan.runs] == [sorted(COURSE_LINKS)] * 2

    report = pushed(fake, courses)

    assert not report.failures
    assert competency_writes(fake) == {"core_competency_create_competency_framework": 1,
                                       "core_competency_create_competency": 8,
                                       "core_competency_add_competency_to_course": 12}
    assert {k: v for k, v in report.applied.items() if k in WRITES} == competency_writes(fake)
    [moodle_framework] = fake.site.frameworks.values()
    assert moodle_framework.idnumber == FRAMEWORK
    by_idnumber = {c.idnumber: c for c in fake.site.competencies.values()}
    for node in framework.competencies:
        assert by_idnumber[node.idnumber].parentid == (by_idnumber[node.parent].id if node.parent else 0)
        assert by_idnumber[node.idnumber].shortname == node.shortname
    assert linked(fake, "lms-sync-kvz-2027-01") == linked(fake, "lms-sync-kvz-2027-02") == set(COURSE_LINKS)
    used = {name for name, _ in calls_made(fake)} - set(OPTIONAL_FUNCTIONS)
    assert used <= set(FUNCTIONS_BY_COMMAND["push"]), used - set(FUNCTIONS_BY_COMMAND["push"])
    assert plan_of(fake, courses).changes() == []


def test_competencies_are_created_a_tree_level_per_request_and_links_all_at_once(fake: FakeMoodle) -> None:
    courses = courses_on(site_with_framework_scale(fake, bundled_framework()))
    pushed(fake, courses)
    batches = [[inner["function"] for inner in params["requests"]] for name, params in fake.requests
               if name == "tool_mobile_call_external_functions"]
    with_creates = [b for b in batches if "core_competency_create_competency" in b]
    assert [b.count("core_competency_create_competency") for b in with_creates] == [2, 6]  # areas, then their children
    assert [b.count("core_competency_add_competency_to_course") for b in batches if
            "core_competency_add_competency_to_course" in b] == [12]
    assert fake.calls["core_competency_create_competency_framework"] == 1


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_an_unchanged_framework_plans_nothing_and_push_writes_nothing(fake: FakeMoodle) -> None:
    courses = courses_on(site_with_framework_scale(fake, bundled_framework()))
    assert not pushed(fake, courses).failures
    plan = plan_of(fake, courses)
    assert plan.changes() == [] and not plan.problems
    assert sum(run.unchanged for run in plan.runs) >= 2 * len(COURSE_LINKS)  # the links count as unchanged
    report = pushed(fake, courses)
    assert fake.write_calls() == 0 and not report.failures and not report.applied


def test_a_partial_framework_and_missing_links_are_completed_with_the_minimal_writes(fake: FakeMoodle) -> None:
    framework = bundled_framework()
    first = next(c for c in fake.site.courses.values() if c.idnumber == "blueprint-kommune-zivilgesellschaft-v1").id
    ids = seed_framework(fake, framework, {first: ["bip-k-akteure"]})  # an extra link on another course stays
    del fake.site.competencies[ids["bip-k-demokratie"]]
    konflikte = fake.site.competencies[ids["bip-k-konflikte"]]
    konflikte.description = "<p>Alt.</p>"
    scale_id = next(f.scaleid for f in fake.site.frameworks.values())
    courses = courses_on(scale_id, ("kvz-2027-01",))
    plan = plan_of(fake, courses)
    assert [(c.kind, c.action, c.key) for c in plan.competencies] == [
        ("competency", "update", "bip-k-konflikte"), ("competency", "create", "bip-k-demokratie")]
    report = pushed(fake, courses)
    assert not report.failures
    assert competency_writes(fake) == {"core_competency_update_competency": 1, "core_competency_create_competency": 1,
                                       "core_competency_add_competency_to_course": 6}
    assert konflikte.description == next(n.description_html() for n in framework.competencies
                                         if n.idnumber == "bip-k-konflikte")
    assert linked(fake, "blueprint-kommune-zivilgesellschaft-v1") == {"bip-k-akteure"}
    assert plan_of(fake, courses).changes() == []


def test_push_leaves_existing_ratings_untouched(fake: FakeMoodle) -> None:
    courses = courses_on(site_with_framework_scale(fake, bundled_framework()), ("kvz-2027-01",))
    pushed(fake, courses)
    course = next(c for c in fake.site.courses.values() if c.idnumber == "lms-sync-kvz-2027-01").id
    student = next(u for u in fake.site.users.values() if u.email == courses[0].participants[0].email)
    competency = next(c for c in fake.site.competencies.values() if c.idnumber == "bip-k-akteure")
    fake.rate_competency(student.id, course, competency.id, 3, True, note="Akteurslandkarte sehr gründlich")
    before = dict(fake.site.competency_ratings)
    edited = replace(courses[0], competencies=(*courses[0].competencies, "bip-kb-beziehungen"))
    assert not pushed(fake, [edited]).failures
    assert fake.site.competency_ratings == before


def test_a_scale_without_the_levels_is_a_problem_and_nothing_of_the_framework_is_written(fake: FakeMoodle) -> None:
    courses = courses_on(2)  # the fake's scale 2 is Moodle's "Not yet competent, Competent"
    plan = plan_of(fake, courses)
    assert not plan.competencies and not [c for run in plan.runs for c in run.changes if c.kind == "link"]
    [problem] = plan.problems
    assert "Moodle scale 2 has the items ['Not yet competent', 'Competent'], the framework needs" in problem
    report = pushed(fake, courses)
    assert report.failures["-"] == [problem]
    assert not fake.site.frameworks and not competency_writes(fake)
    assert {"lms-sync-kvz-2027-01", "lms-sync-kvz-2027-02"} <= {c.idnumber for c in fake.site.courses.values()}


def test_a_scale_moodle_does_not_have_is_a_problem(fake: FakeMoodle) -> None:
    plan = plan_of(fake, courses_on(999))
    assert any("Moodle scale 999 has the items none" in p for p in plan.problems)
    assert not plan.competencies


def test_a_link_to_an_unknown_competency_or_framework_is_a_problem(fake: FakeMoodle) -> None:
    [course] = courses_on(site_with_framework_scale(fake, bundled_framework()), ("kvz-2027-01",))
    unknown = replace(course, competencies=("bip-k-unbekannt",))
    [problem] = plan_of(fake, [unknown]).problems
    assert "bip-k-unbekannt" in problem and "templates validate" in problem
    no_file = replace(course, framework=None)
    [problem] = plan_of(fake, [no_file]).problems
    assert f"framework {FRAMEWORK!r}, which has no valid file" in problem
    assert not plan_of(fake, [no_file]).competencies


def test_a_competency_moved_to_another_parent_in_moodle_is_a_problem_not_a_move(fake: FakeMoodle) -> None:
    ids = seed_framework(fake, bundled_framework(), {})
    fake.site.competencies[ids["bip-k-akteure"]].parentid = ids["bip-kb-beteiligung"]
    scale_id = next(f.scaleid for f in fake.site.frameworks.values())
    plan = plan_of(fake, courses_on(scale_id, ("kvz-2027-01",)))
    assert [p for p in plan.problems if "'bip-k-akteure' has another parent in Moodle" in p]
    assert not [c for c in plan.competencies if c.key == "bip-k-akteure"]
