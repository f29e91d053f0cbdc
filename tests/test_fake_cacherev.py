"""The fake's course `cacherev`: it grows whenever a course's sections or modules change, as rebuild_course_cache()
makes it on a real site, and stays put for enrolments, groups, calendar events and forum posts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from lms_sync.moodle.client import MoodleClient
from tests.fake_moodle import MOODLE_VERSIONS, FakeMoodle

pytestmark = pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)


@dataclass(frozen=True)
class Courses:
    blueprint: int
    run: int
    other: int  # never touched: its revision must not move with the others


@pytest.fixture
def courses(fake_moodle: FakeMoodle) -> Courses:
    category = fake_moodle.add_category("Workshops", idnumber="ws")
    blueprint = fake_moodle.add_course("Vorlage", "TPL", category=category.id, section_names=["Einstieg", "Praxis"])
    fake_moodle.add_module(blueprint.id, "page", "Willkommen", section=1)
    run = fake_moodle.add_course("Durchgang", "RUN-1", category=category.id, numsections=1)
    other = fake_moodle.add_course("Anderer Kurs", "OTHER", category=category.id)
    return Courses(blueprint.id, run.id, other.id)


def _revisions_by_ids(client: MoodleClient, *ids: int) -> dict[int, int]:
    answer = client.call("core_course_get_courses_by_field", field="ids", value=",".join(map(str, ids)))
    return {course["id"]: course["cacherev"] for course in answer["courses"]}


def _revisions_by_category(fake: FakeMoodle, client: MoodleClient) -> dict[int, int]:
    [category] = [c for c in fake.site.categories.values() if c.idnumber == "ws"]
    answer = client.call("core_course_get_courses_by_field", field="category", value=str(category.id))
    return {course["id"]: course["cacherev"] for course in answer["courses"]}


def _enrol_group_event_and_post(fake: FakeMoodle, client: MoodleClient, courses: Courses) -> None:
    anna = fake.add_user("anna", "Anna", "Schmidt")
    client.call("enrol_manual_enrol_users", enrolments=[{"roleid": 5, "userid": anna.id, "courseid": courses.run}])
    [group] = client.call("core_group_create_groups", groups=[{"courseid": courses.run, "name": "Gruppe A",
                                                               "description": ""}])
    client.call("core_group_add_group_members", members=[{"groupid": group["id"], "userid": anna.id}])
    client.call("core_calendar_create_calendar_events", events=[{"name": "Präsenztag", "courseid": courses.run,
                                                                 "eventtype": "course", "timestart": 1768809600}])
    client.call("mod_forum_add_discussion", forumid=fake.news_forum(courses.run).id, subject="Raum",
                message="<p>Raum 3.02</p>")


def test_enrolments_groups_events_and_posts_leave_cacherev_alone(fake_moodle: FakeMoodle,
                                                                   moodle_client: MoodleClient,
                                                                   courses: Courses) -> None:
    before = _revisions_by_ids(moodle_client, courses.run, courses.other)

    _enrol_group_event_and_post(fake_moodle, moodle_client, courses)

    assert _revisions_by_ids(moodle_client, courses.run, courses.other) == before
    assert _revisions_by_category(fake_moodle, moodle_client)[courses.run] == before[courses.run]


def _import(fake: FakeMoodle, client: MoodleClient, courses: Courses) -> None:
    client.call("core_course_import_course", importfrom=courses.blueprint, importto=courses.run, deletecontent=0)


def _import_replacing(fake: FakeMoodle, client: MoodleClient, courses: Courses) -> None:
    client.call("core_course_import_course", importfrom=courses.blueprint, importto=courses.run, deletecontent=1)


def _rename_section(fake: FakeMoodle, client: MoodleClient, courses: Courses) -> None:
    section = next(s for s in fake.site.course_sections(courses.run) if s.section == 1)
    client.call("core_update_inplace_editable", component="format_topics", itemtype="sectionname",
                itemid=section.id, value="Transfer in die eigene Kommune")


def _rename_activity(fake: FakeMoodle, client: MoodleClient, courses: Courses) -> None:
    cm = fake.site.cm_for("forum", fake.news_forum(courses.run).id)
    client.call("core_update_inplace_editable", component="core_course", itemtype="activityname", itemid=cm.id,
                value="Neuigkeiten")


def _update_course(fake: FakeMoodle, client: MoodleClient, courses: Courses) -> None:
    client.call("core_course_update_courses", courses=[{"id": courses.run, "summary": "<p>Neu</p>"}])


def _add_section(fake: FakeMoodle, client: MoodleClient, courses: Courses) -> None:
    client.call("core_courseformat_update_course", action="section_add", courseid=courses.run, ids=[])


def _hide_section(fake: FakeMoodle, client: MoodleClient, courses: Courses) -> None:
    section = next(s for s in fake.site.course_sections(courses.run) if s.section == 1)
    client.call("core_course_edit_section", action="hide", id=section.id, sectionreturn=0)


Edit = Callable[[FakeMoodle, MoodleClient, Courses], None]


@pytest.mark.parametrize("edit", [_import, _import_replacing, _rename_section, _rename_activity, _update_course,
                                  _add_section, _hide_section])
def test_changing_sections_or_modules_raises_the_course_cacherev(fake_moodle: FakeMoodle,
                                                                  moodle_client: MoodleClient, courses: Courses,
                                                                  edit: Edit) -> None:
    before = _revisions_by_ids(moodle_client, courses.blueprint, courses.run, courses.other)

    edit(fake_moodle, moodle_client, courses)

    after = _revisions_by_ids(moodle_client, courses.blueprint, courses.run, courses.other)
    assert after[courses.run] > before[courses.run]
    assert (after[courses.blueprint], after[courses.other]) == (before[courses.blueprint], before[courses.other])
    assert _revisions_by_category(fake_moodle, moodle_client) == after


def test_every_further_edit_raises_it_again(fake_moodle: FakeMoodle, moodle_client: MoodleClient,
                                            courses: Courses) -> None:
    seen = [_revisions_by_ids(moodle_client, courses.run)[courses.run]]
    for edit in (_import, _rename_section, _update_course, _rename_section):
        edit(fake_moodle, moodle_client, courses)
        seen.append(_revisions_by_ids(moodle_client, courses.run)[courses.run])

    assert seen == sorted(set(seen))
