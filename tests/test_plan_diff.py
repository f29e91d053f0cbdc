"""The pure plan: an empty site plans everything, a matching site plans nothing, drift plans only the difference."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lms_sync.catalogue import Participant
from lms_sync.config import PushSettings, Settings
from lms_sync.moodle.api.competencies import Framework
from lms_sync.moodle.api.courses import Course
from lms_sync.push.observed import (
    ObservedActivityEvent,
    ObservedCategory,
    ObservedCompetency,
    ObservedCourse,
    ObservedEvent,
    ObservedFramework,
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
    blueprint = Course(1, courses[0].blueprint_idnumber, "BP", "BP", "", 0, 0, 1)
    site.blueprints[courses[0].blueprint_idnumber] = ObservedCourse(blueprint)
    wanted = courses[0].framework
    framework = ObservedFramework(Framework(id=next(next_id), idnumber=wanted.idnumber, shortname=wanted.shortname,
                                            description=wanted.description))
    site.frameworks[wanted.idnumber] = framework
    for competency in wanted.competencies:
        parent = framework.competencies[competency.parent].id if competency.parent else 0
        framework.competencies[competency.idnumber] = ObservedCompetency(
            id=next(next_id), idnumber=competency.idnumber, shortname=competency.shortname, parentid=parent,
            frameworkid=framework.framework.id, description=competency.description)
    for course in courses:
        people = (*course.trainers, *course.participants)
        for person in people:
            if person.email not in site.users_by_email:
                site.users_by_email[person.email] = [ObservedUser(next(next_id), person.email, person.email, person.fullname)]
        observed = ObservedCourse(Course(next(next_id), course.idnumber, course.shortname, course.fullname, course.summary,
                                         course.startdate, course.enddate, parents[course.category_idnumber]))
        observed.sections = [ObservedSection(next(next_id), n, name) for n, name in enumerate(course.section_names)]
        observed.modules = [ObservedModule(next(next_id), "assign", "Stakeholder-Landkarte", 2)]
        observed.modules += [ObservedModule(next(next_id), "forum" if "Fallklinik" in name or "teilen" in name else
                                            "assign", name, 1, instance=next(next_id), groupmode=mode)
                             for name, mode in course.group_modes]
        observed.modules.append(ObservedModule(next(next_id), "feedback", "Evaluation des Workshops", 6,
                                               instance=next(next_id)))
        instances = {(m.modname, m.name): m.instance for m in observed.modules}
        observed.activity_events = [ObservedActivityEvent(next(next_id), d.modname, instances[d.modname, d.activity],
                                                          d.eventtype, d.timestamp) for d in course.dates]
        uid = {email: users[0].id for email, users in site.users_by_email.items()}
        observed.active_roles = {uid[p.email]: {PUSH.teacher_role_id} for p in course.trainers}
        observed.active_roles |= {uid[p.email]: {PUSH.student_role_id} for p in course.participants}
        groups = allocate(course.participants, len(course.group_names), {})
        for number in range(1, len(course.group_names) + 1):
            gid = next(next_id)
            observed.groups[gid] = ObservedGroup(gid, course.group_names[number - 1], course.group_idnumber(number))
            observed.group_members[gid] = {uid[email] for email, n in groups.items() if n == number}
        observed.events = [ObservedEvent(next(next_id), e.name, e.timestart, e.timeduration) for e in course.events]
        observed.news_forum_id, observed.news_forum_cmid = next(next_id), next(next_id)
        observed.news_forum_name = course.news_forum_name or ""
        observed.post_subjects = {course.welcome.subject}
        observed.competency_ids = {framework.competencies[idnumber].id for idnumber in course.competencies}
        site.courses[course.idnumber] = observed
    return site


def test_offline_plan_creates_everything(courses):
    plan = diff(courses, ObservedSite.empty(), PUSH)
    counts = plan.counts()
    participants = sum(len(c.participants) for c in courses)
    trainers = sum(len(c.trainers) for c in courses)
    assert counts["import"] == len(courses)
    assert counts["enrol"] == participants + trainers
    assert counts["add"] == participants + sum(len(c.competencies) for c in courses)  # group members, course links
    assert counts["post"] == 0  # each course is still to be imported, so its dates wait, and the welcome post with them
    assert all(run.notes[-1].startswith("the welcome post waits for the activity dates") for run in plan.runs)
    assert counts["unchanged"] == 0
    assert [c.key for c in plan.categories] == [c.idnumber for c in courses[0].categories]


def test_a_site_that_matches_plans_nothing(courses):
    plan = diff(courses, matching_site(courses), PUSH)
    assert plan.is_empty and not plan.problems, (plan.changes(), plan.problems)
    assert plan.counts()["unchanged"] > 0


def test_drift_plans_only_the_difference(courses):
    site = matching_site(courses)
    first = site.courses[courses[0].idnumber]
    first.course = replace(first.course, fullname="Alter Titel")
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


def _dates_on_placeholder(observed: ObservedCourse, shift: int) -> None:
    observed.activity_events = [ObservedActivityEvent(e.id, e.modname, e.instance, e.eventtype, e.timestart + shift)
                                for e in observed.activity_events]


def test_dates_on_the_blueprints_placeholder_day_are_moved_open_before_close_shown_in_the_runs_zone(courses):
    site = matching_site(courses)
    _dates_on_placeholder(site.courses[courses[0].idnumber], shift=72 * 365 * 86400)
    plan = diff(courses, site, PUSH)
    moves = [c for c in plan.changes() if c.kind == "date"]
    assert [c.key for c in moves] == [
        "Akteurslandkarte meiner Kommune: due", "Rollenspiel vorbereiten: Bürgerversammlung zum Quartiersplatz: due",
        "Lerntagebuch: Mein Transfer in den Arbeitsalltag: due", "Evaluation des Workshops: open",
        "Evaluation des Workshops: close"]
    assert [c.fields["round"] for c in moves] == [1, 1, 1, 1, 2]  # earlier: open first, else Moodle refuses close
    assert moves[0].fields["shown"][1] == "Wed 2027-03-03 23:59" and moves[0].fields["timezone"] == "Europe/Berlin"
    assert {c.fields["timestamp"][1] for c in moves} <= {d.timestamp for d in courses[0].dates}


def test_dates_moving_later_move_close_before_open(courses):
    site = matching_site(courses)
    _dates_on_placeholder(site.courses[courses[0].idnumber], shift=-30 * 86400)
    moves = {c.key: c.fields["round"] for c in diff(courses, site, PUSH).changes() if c.kind == "date"}
    assert moves["Evaluation des Workshops: close"] == 1 and moves["Evaluation des Workshops: open"] == 2


def test_dates_wait_for_moodles_cron_and_a_time_of_day_no_move_can_fix_is_a_note(courses):
    site = matching_site(courses)
    waiting, off = site.courses[courses[0].idnumber], site.courses[courses[1].idnumber]
    waiting.activity_events = []
    _dates_on_placeholder(off, shift=3600)  # e.g. a site zone without the catalogue's summer time
    plan = diff(courses, site, PUSH)
    assert plan.is_empty, plan.changes()
    assert "wait for Moodle's cron" in plan.runs[0].notes[0]
    assert any("23:59" in note and "00:59" in note and "site's default time zone" in note
               for note in plan.runs[1].notes)
    new = diff(courses, ObservedSite.empty(), PUSH)
    assert all("wait for the import" in run.notes[0] for run in new.runs)


def _without_welcome_post(site: ObservedSite, idnumber: str) -> ObservedCourse:
    observed = site.courses[idnumber]
    observed.post_subjects = set()
    return observed


def test_the_welcome_post_waits_while_the_dates_wait_for_the_import_or_moodles_cron(courses):
    site = matching_site(courses)
    _without_welcome_post(site, courses[0].idnumber).activity_events = []  # cron has not run since the import
    _without_welcome_post(site, courses[1].idnumber).modules = []  # still to be imported
    plan = diff(courses, site, PUSH)
    assert [c.kind for run in plan.runs[:2] for c in run.changes if c.kind == "post"] == []
    for run in plan.runs[:2]:
        assert run.notes[-1] == ("the welcome post waits for the activity dates, so participants are not greeted "
                                 "into a course showing placeholder dates: push again after Moodle's cron ran, or let "
                                 "the nightly sync post it")
    assert not any("welcome post" in note for note in plan.runs[2].notes)  # its post is there: nothing to say


def test_the_push_that_moves_the_dates_posts_after_the_moves(courses):
    observed = _without_welcome_post(site := matching_site(courses), courses[0].idnumber)
    _dates_on_placeholder(observed, shift=72 * 365 * 86400)  # cron made the events on the blueprint's placeholder day
    run = diff(courses, site, PUSH).runs[0]
    assert [c.kind for c in run.changes] == ["date"] * 5 + ["post"]  # in the order push applies them
    assert not any("welcome post" in note for note in run.notes)


def test_a_course_without_dated_activities_is_welcomed_at_once(courses):
    undated = [replace(course, dates=()) for course in courses]
    plan = diff(undated, ObservedSite.empty(), PUSH)
    assert plan.counts()["post"] == len(courses)
    assert not any("welcome post" in note for run in plan.runs for note in run.notes)


def test_dates_that_cannot_be_moved_for_other_reasons_do_not_hold_the_welcome_post(courses):
    site = matching_site(courses)
    missing = _without_welcome_post(site, courses[0].idnumber)
    missing.modules = [m for m in missing.modules if m.name != "Akteurslandkarte meiner Kommune"]  # a trainer deleted it
    _dates_on_placeholder(_without_welcome_post(site, courses[1].idnumber), shift=3600)  # the site's zone is off
    plan = diff(courses, site, PUSH)
    assert [[c.kind for c in run.changes] for run in plan.runs[:2]] == [["post"], ["post"]]
    assert "'Akteurslandkarte meiner Kommune' (assign) is not in the course" in plan.runs[0].notes[0]
    assert "site's default time zone" in plan.runs[1].notes[0]


def test_events_still_missing_hours_after_the_import_warn_that_moodles_cron_does_not_run(courses):
    site = matching_site(courses)
    site.observed_at = 1_900_000_000
    made, changed = 7 * 3600, 1 * 3600  # hours ago
    for observed, (created, revised) in zip([site.courses[c.idnumber] for c in courses],
                                            [(made, made), (changed, changed), (made, changed)], strict=True):
        observed.activity_events = []  # cron has not made them since the import
        observed.course = replace(observed.course, timecreated=site.observed_at - created,
                                  cacherev=site.observed_at - revised)  # 5.0's revision of the contents: a time
    [warning] = [warning for warning in diff(courses, site, PUSH).warnings if "cron" in warning]
    assert warning.startswith(f"Moodle's cron seems not to run: the activities' calendar events of run(s) "
                              f"{courses[0].run_id} are still missing more than 6 hours after their courses last "
                              "changed")
    assert "welcome posts wait" in warning and "Task processing" in warning
    site.courses[courses[0].idnumber].activity_events = matching_site(courses).courses[courses[0].idnumber].activity_events
    assert not any("cron" in warning for warning in diff(courses, site, PUSH).warnings)  # cron ran at last


def test_a_welcomed_run_missing_an_activity_is_not_imported_again_which_would_delete_the_participants_work(courses):
    site = matching_site(courses)
    observed = site.courses[courses[0].idnumber]
    site.blueprints[courses[0].blueprint_idnumber].modules = observed.content_modules()  # what the import brought
    observed.modules = [m for m in observed.modules if m.name != "Akteurslandkarte meiner Kommune"]  # a trainer deleted it
    run = diff(courses, site, PUSH).runs[0]
    assert [c for c in run.changes if c.kind == "content"] == []
    assert "the course lacks 1 assign of the blueprint: not imported again, since the run was welcomed" in run.notes[0]
    _without_welcome_post(site, courses[0].idnumber)  # never welcomed: a crash cut its import off, repair it
    assert [c.action for c in diff(courses, site, PUSH).runs[0].changes if c.kind == "content"] == ["repair"]


def test_a_run_being_repaired_does_not_warn_that_cron_does_not_run(courses):
    site = matching_site(courses)
    site.observed_at = 1_900_000_000
    observed = _without_welcome_post(site, courses[0].idnumber)
    site.blueprints[courses[0].blueprint_idnumber].modules = observed.content_modules()
    observed.modules = observed.modules[:1]  # a crash cut the import off, days ago
    observed.activity_events = []
    observed.course = replace(observed.course, timecreated=site.observed_at - 3 * 86400, cacherev=0)
    plan = diff(courses, site, PUSH)
    assert [c.action for c in plan.runs[0].changes if c.kind == "content"] == ["repair"]
    assert not any("cron" in warning for warning in plan.warnings)


def test_a_group_mode_a_trainer_changed_and_moodles_forum_name_are_corrected(courses):
    site = matching_site(courses)
    course = site.courses[courses[0].idnumber]
    fallklinik = next(m for m in course.modules if m.name.startswith("Fallklinik"))
    course.modules[course.modules.index(fallklinik)] = ObservedModule(
        fallklinik.id, "forum", fallklinik.name, 4, instance=fallklinik.instance, groupmode=0)
    course.news_forum_name = "Announcements"
    changes = diff(courses, site, PUSH).changes()
    assert [(c.kind, c.key, c.fields) for c in changes] == [
        ("forum", "announcements forum", {"cmid": course.news_forum_cmid, "name": ["Announcements", "Ankündigungen"]}),
        ("groupmode", fallklinik.name, {"cmid": fallklinik.id, "groupmode": [0, 1]})]


def test_a_course_to_import_gets_the_group_modes_its_blueprint_lacks(courses):
    site = matching_site(courses)
    del site.courses[courses[0].idnumber]
    blueprint = site.blueprints[courses[0].blueprint_idnumber]
    blueprint.modules = [ObservedModule(7, "forum", "Fallklinik: Konflikte aus der Praxis", 4, instance=3)]
    changes = [c for c in diff(courses, site, PUSH).runs[0].changes if c.kind in ("groupmode", "forum")]
    assert [(c.kind, c.fields["cmid"]) for c in changes] == [("forum", None), ("groupmode", None)]
