"""The pure plan: an empty site plans everything, a matching site plans nothing, drift plans only the difference."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms_sync.catalogue import Participant
from lms_sync.config import PushSettings, Settings
from lms_sync.push.observed import (
    ObservedCategory,
    ObservedCourse,
    ObservedEvent,
    ObservedGroup,
    ObservedModule,
    ObservedSection,
    ObservedSite,
    ObservedUser,
)
from lms_sync.push.plan import diff
from lms_sync.small_groups import allocate
from lms_sync.workspace import load_workspace

REPO = Path(__file__).resolve().parents[1]
PUSH = PushSettings()


@pytest.fixture(scope="module")
def courses():
    settings = Settings()
    settings.catalogue.templates_dir = REPO / "course_templates"
    return load_workspace(settings, catalogue=REPO / "examples" / "catalogue").courses


def matching_site(courses) -> ObservedSite:
    """A site that already holds exactly what the courses want."""
    site = ObservedSite()
    next_id = iter(range(100, 100_000))
    parents: dict[str | None, int] = {None: 0}
    for category in courses[0].categories:
        cid = next(next_id)
        site.categories.append(ObservedCategory(cid, category.name, category.idnumber, parents[category.parent_idnumber]))
        parents[category.idnumber] = cid
    site.blueprints[courses[0].blueprint_idnumber] = ObservedCourse(1, courses[0].blueprint_idnumber, "BP", "BP", "", 0, 0, 1)
    for course in courses:
        people = (*course.trainers, *course.participants)
        for person in people:
            if person.email not in site.users_by_email:
                site.users_by_email[person.email] = [ObservedUser(next(next_id), person.email, person.email, person.fullname)]
        observed = ObservedCourse(next(next_id), course.idnumber, course.shortname, course.fullname, course.summary,
                                  course.startdate, course.enddate, parents[course.category_idnumber])
        observed.sections = [ObservedSection(next(next_id), n, name) for n, name in enumerate(course.section_names)]
        observed.modules = [ObservedModule(next(next_id), "assign", "Stakeholder-Landkarte", 2)]
        uid = {email: users[0].id for email, users in site.users_by_email.items()}
        observed.active_roles = {uid[p.email]: {PUSH.teacher_role_id} for p in course.trainers}
        observed.active_roles |= {uid[p.email]: {PUSH.student_role_id} for p in course.participants}
        groups = allocate(course.participants, len(course.group_names), {})
        for number in range(1, len(course.group_names) + 1):
            gid = next(next_id)
            observed.groups[gid] = ObservedGroup(gid, course.group_names[number - 1], course.group_idnumber(number))
            observed.group_members[gid] = {uid[email] for email, n in groups.items() if n == number}
        observed.events = [ObservedEvent(next(next_id), e.name, e.timestart, e.timeduration) for e in course.events]
        observed.news_forum_id = next(next_id)
        observed.post_subjects = {course.welcome.subject}
        site.courses[course.idnumber] = observed
    return site


def test_offline_plan_creates_everything(courses):
    plan = diff(courses, ObservedSite.empty(), PUSH)
    counts = plan.counts()
    participants = sum(len(c.participants) for c in courses)
    trainers = sum(len(c.trainers) for c in courses)
    assert counts["import"] == len(courses)
    assert counts["enrol"] == participants + trainers
    assert counts["add"] == participants
    assert counts["post"] == len(courses)
    assert counts["unchanged"] == 0
    assert [c.key for c in plan.categories] == [c.idnumber for c in courses[0].categories]


def test_a_site_that_matches_plans_nothing(courses):
    plan = diff(courses, matching_site(courses), PUSH)
    assert plan.is_empty, plan.changes()
    assert plan.counts()["unchanged"] > 0


def test_drift_plans_only_the_difference(courses):
    site = matching_site(courses)
    first = site.courses[courses[0].idnumber]
    first.fullname = "Alter Titel"
    first.events[0] = ObservedEvent(first.events[0].id, first.events[0].name, first.events[0].timestart + 3600,
                                    first.events[0].timeduration)
    dropped = courses[1].participants[0]
    del site.courses[courses[1].idnumber].active_roles[site.users_by_email[dropped.email][0].id]
    stranger = 99_999
    site.courses[courses[2].idnumber].active_roles[stranger] = {PUSH.student_role_id}
    plan = diff(courses, site, PUSH)
    summary = sorted((c.kind, c.action, c.key.split(" ")[0]) for c in plan.changes())
    assert summary == sorted([
        ("course", "update", courses[0].idnumber),
        ("event", "replace", courses[0].events[0].name.split(" ")[0]),
        ("enrolment", "enrol", dropped.email),
        ("enrolment", "suspend", "user"),
    ])
    update = next(c for c in plan.changes() if c.action == "update")
    assert update.fields == {"fullname": ["Alter Titel", courses[0].fullname]}


def test_ambiguous_and_missing_accounts_are_reported_never_guessed(courses):
    site = matching_site(courses)
    email = courses[0].participants[0].email
    site.users_by_email[email].append(ObservedUser(1, email, "twin", "Twin"))
    missing = courses[0].participants[1].email
    del site.users_by_email[missing]
    plan = diff(courses, site, PUSH)
    assert any(email in p and "2 Moodle accounts" in p for p in plan.problems)
    assert any(missing in p and "create_missing_users" in p for p in plan.problems)
    assert not any(email in c.key or missing in c.key for c in plan.changes())
    created = diff(courses, site, PushSettings(create_missing_users=True, auth="ldap"))
    assert [(c.key, c.fields["auth"]) for c in created.users] == [(missing, "ldap")]


def test_a_missing_blueprint_blocks_only_new_courses(courses):
    site = matching_site(courses)
    site.blueprints.clear()
    del site.courses[courses[0].idnumber]
    plan = diff(courses, site, PUSH)
    blocked = [run for run in plan.runs if run.blocked]
    assert [run.run_id for run in blocked] == [courses[0].run_id]
    assert "lms-sync blueprint build" in blocked[0].problems[0]


def _person(email, sector):
    return Participant(email=email, firstname="A", lastname=email, sector=sector)


def test_small_groups_mix_sectors_balance_sizes_and_keep_placed_people():
    people = [_person(f"v{i}@x.org", "Verwaltung") for i in range(6)]
    people += [_person(f"z{i}@x.org", "Zivilgesellschaft") for i in range(6)]
    groups = allocate(people, 2, {})
    sizes = [list(groups.values()).count(n) for n in (1, 2)]
    assert sizes == [6, 6]
    for number in (1, 2):
        members = [e for e, n in groups.items() if n == number]
        assert sum(e.startswith("v") for e in members) == 3
    late = [*people, _person("late@x.org", "Politik")]
    again = allocate(late, 2, groups)
    assert {e: n for e, n in again.items() if e != "late@x.org"} == groups


def test_renamed_events_of_lms_sync_are_reused_and_others_are_left_alone(courses):
    site = matching_site(courses)
    site.ws_userid = 3
    course = site.courses[courses[0].idnumber]
    old = [ObservedEvent(900 + i, f"Alter Name {i}", e.timestart, e.timeduration, userid=3)
           for i, e in enumerate(courses[0].events)]
    trainers_own = ObservedEvent(999, "Sprechstunde", 1_800_000_000, 0, userid=15)
    course.events = [*old, trainers_own]
    changes = [c for c in diff(courses, site, PUSH).changes() if c.kind == "event"]
    assert [(c.action, c.fields["replaces"]) for c in changes] == [("replace", e.id) for e in old]
    pruned = [c for c in diff(courses, site, PUSH, prune=True).changes() if c.action == "delete"]
    assert pruned == []  # nothing spare: every old event was reused, the trainer's is not lms-sync's
