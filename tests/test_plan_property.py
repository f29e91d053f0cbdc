"""Property: over generated catalogues and Moodle states (competency framework missing, partial, links missing or
extra), the writes push makes (counted from the requests Moodle received) are exactly the changes plan showed, and a
second plan is empty."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from lms_sync.config import PushSettings, Settings
from lms_sync.moodle.client import MoodleClient
from lms_sync.push.apply import push
from lms_sync.push.desired import DesiredCourse
from lms_sync.push.observe import observe
from lms_sync.push.plan import Action, Kind, Plan, diff
from lms_sync.workspace import load_workspace
from tests.competency_helpers import bundled_framework, calls_made, seed_framework, site_with_framework_scale
from tests.fake_moodle import FakeMoodle
from tests.test_push_e2e import seed_blueprint

REPO = Path(__file__).resolve().parents[1]
SETTINGS = PushSettings(create_missing_users=True)
FRAMEWORK = bundled_framework()
SCALE_ID = site_with_framework_scale(FakeMoodle("5.0"), FRAMEWORK)  # the id a fresh fake gives the framework's scale
CATALOGUE = load_workspace(Settings.model_validate({
    "catalogue": {"path": str(REPO / "examples" / "catalogue"), "templates_dir": str(REPO / "course_templates")},
    "push": {"competency_scale_id": SCALE_ID}})).courses
COMPETENCY_STATES = ("unlinked runs", "no framework", "partial framework", "links missing", "extra links")
# What each planned change sends: (function, items); a moved event is deleted and created again.
SENDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("category", "create"): ("core_course_create_categories",), ("user", "create"): ("core_user_create_users",),
    ("course", "create"): ("core_course_create_courses",), ("course", "update"): ("core_course_update_courses",),
    ("content", "import"): ("core_course_import_course",),
    ("content", "repair"): ("core_course_delete_modules", "core_course_import_course"),
    ("section", "rename"): ("core_update_inplace_editable",),
    ("enrolment", "enrol"): ("enrol_manual_enrol_users",), ("enrolment", "suspend"): ("enrol_manual_enrol_users",),
    ("group", "create"): ("core_group_create_groups",), ("group", "delete"): ("core_group_delete_groups",),
    ("member", "add"): ("core_group_add_group_members",), ("event", "create"): ("core_calendar_create_calendar_events",),
    ("event", "replace"): ("core_calendar_delete_calendar_events", "core_calendar_create_calendar_events"),
    ("event", "delete"): ("core_calendar_delete_calendar_events",), ("post", "post"): ("mod_forum_add_discussion",),
    ("forum", "rename"): ("core_update_inplace_editable",), ("groupmode", "update"): ("core_courseformat_update_course",),
    ("date", "move"): ("core_calendar_update_event_start_day",),
    ("framework", "create"): ("core_competency_create_competency_framework",),
    ("framework", "update"): ("core_competency_update_competency_framework",),
    ("competency", "create"): ("core_competency_create_competency",),
    ("competency", "update"): ("core_competency_update_competency",),
    ("link", "add"): ("core_competency_add_competency_to_course",),
}
LIST_KEYS = ("categories", "users", "courses", "enrolments", "groups", "groupids", "members", "events", "ids")


def variant(course: DesiredCourse, participants: int, shift: int, renamed: bool) -> DesiredCourse:
    """The run with fewer participants, its sessions moved by `shift` hours, perhaps another title."""
    events = tuple(replace(e, timestart=e.timestart + 3600 * shift) for e in course.events)
    return replace(course, participants=course.participants[:participants], events=events,
                   fullname=course.fullname + (" (neu)" if renamed else ""))


catalogues = st.lists(st.tuples(st.sampled_from(range(len(CATALOGUE))), st.integers(0, 14), st.integers(-2, 2),
                                st.booleans()), min_size=1, max_size=3, unique_by=lambda t: t[0]).map(
    lambda picks: [variant(CATALOGUE[i], *rest) for i, *rest in picks])


def shape_competencies(fake: FakeMoodle, state: str, courses: list[DesiredCourse], picks: int) -> list[DesiredCourse]:
    """Moodle's competency state before the plan (after any earlier push); the runs link none for "unlinked runs"."""
    if state == "unlinked runs":
        return [replace(course, competencies=()) for course in courses]
    site = fake.site
    if state == "no framework":  # never pushed, or deleted by an admin since
        site.frameworks.clear(), site.competencies.clear(), site.course_competencies.clear()
        return courses
    if not site.frameworks:
        seed_framework(fake, FRAMEWORK, {}, scale_id=SCALE_ID)
    children = sorted((c for c in site.competencies.values() if c.parentid), key=lambda c: c.id)
    if state == "partial framework":
        for competency in children[:1 + picks % len(children)]:
            del site.competencies[competency.id]
            for link in [k for k, link in site.course_competencies.items() if link.competencyid == competency.id]:
                del site.course_competencies[link]
        next(iter(site.competencies.values())).description = "<p>Von Hand geändert.</p>"
    links = sorted(site.course_competencies)
    if state == "links missing":
        for link in links[picks % 3::3]:
            del site.course_competencies[link]
    run_courses = sorted(c.id for c in site.courses.values() if c.idnumber.startswith("lms-sync-"))
    if state == "extra links" and run_courses:  # the areas are never linked by the template: push leaves them
        for competency in sorted((c for c in site.competencies.values() if not c.parentid), key=lambda c: c.id):
            fake.link_competency(run_courses[picks % len(run_courses)], competency.id)
    return courses


def links_missing(fake: FakeMoodle, courses: list[DesiredCourse]) -> dict[str, set[str]]:
    """The competencies each run course should have and Moodle does not link (the plan could miss a write the
    writes would then agree with: this checks the end state itself)."""
    site = fake.site
    by_idnumber = {c.idnumber: c.id for c in site.courses.values()}
    linked: dict[int, set[str]] = {}
    for link in site.course_competencies.values():
        linked.setdefault(link.courseid, set()).add(site.competencies[link.competencyid].idnumber)
    return {c.idnumber: missing for c in courses
            if (missing := set(c.competencies) - linked.get(by_idnumber[c.idnumber], set()))}


def expected_writes(plan: Plan) -> Counter[str]:
    return Counter(function for change in plan.changes() for function in SENDS[(change.kind, change.action)])


def sent_writes(fake: FakeMoodle) -> Counter[str]:
    sent: Counter[str] = Counter()
    for function, params in calls_made(fake):
        if fake.is_write(function):
            items = next((params[key] for key in LIST_KEYS if isinstance(params.get(key), (list, dict))), [None])
            sent[function] += len(items)
    return sent


def client_for(fake: FakeMoodle) -> MoodleClient:
    return MoodleClient(fake.url, SecretStr(fake.token), transport=httpx.MockTransport(fake), retries=0)


def plan_of(client: MoodleClient, courses: list[DesiredCourse], prune: bool) -> Plan:
    return diff(courses, observe(client, courses, all_groups=prune), SETTINGS, prune=prune)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.one_of(st.none(), catalogues), now=catalogues, prune=st.booleans(), version=st.sampled_from(["4.5", "5.0"]),
       competencies=st.sampled_from(COMPETENCY_STATES), picks=st.integers(0, 20))
def test_push_writes_exactly_the_planned_changes_and_a_second_plan_is_empty(
        before: list[DesiredCourse] | None, now: list[DesiredCourse], prune: bool, version: Any, competencies: str,
        picks: int) -> None:
    fake = FakeMoodle(version)
    blueprint = seed_blueprint(fake)
    assert site_with_framework_scale(fake, FRAMEWORK) == SCALE_ID
    client = client_for(fake)
    if before is not None:  # an earlier catalogue was pushed, Moodle's cron made the activities' events, a trainer
        assert not push(client, before, SETTINGS).failures  # set a group mode; then the catalogue changed
        fake.run_cron()
        for cm in fake.site.cms.values():
            cm.groupmode = 0 if cm.modname == "forum" and cm.course != blueprint else cm.groupmode
    now = shape_competencies(fake, competencies, now, picks)
    plan = plan_of(client, now, prune)
    fake.reset_counters()

    report = push(client, now, SETTINGS, prune=prune)

    assert not report.failures
    assert sent_writes(fake) == expected_writes(plan)
    assert links_missing(fake, now) == {}
    assert plan_of(client, now, prune).changes() == []


def test_the_mapping_covers_every_kind_of_change() -> None:
    assert {kind for kind, _ in SENDS} == set(get_args(Kind)) and {a for _, a in SENDS} == set(get_args(Action))
