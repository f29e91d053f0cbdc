"""push with the records database's observation cache, end to end through the CLI: an unchanged course is not read
again, but whatever changes Moodle's own counters (a section renamed in Moodle, a deleted welcome post) is."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, select

from lms_sync.moodle.client import MoodleClient
from lms_sync.push.observe import subject_digest
from lms_sync.records.schema import observation_cache
from tests.fake_moodle import FakeMoodle
from tests.fake_moodle.state import Course, Forum
from tests.test_push_e2e import (
    SECTIONS,
    run_cli,
    seed_accounts,
    seed_blueprint,
    seed_competency_scale,
    state,
    write_config,
)


@pytest.fixture
def world(fake_moodle: FakeMoodle, catalogue: Path, tmp_path: Path) -> tuple[FakeMoodle, Path]:
    """The example catalogue pushed, then after Moodle's cron pushed again (dates moved, welcome posts posted), on a
    site whose service lacks the batch function (every read counts)."""
    seed_blueprint(fake_moodle)
    seed_accounts(fake_moodle, catalogue)
    config = write_config(fake_moodle, tmp_path, catalogue, seed_competency_scale(fake_moodle),
                          extra="batch_reads = false")
    assert run_cli(config, "push").exit_code == 0
    fake_moodle.run_cron()
    assert run_cli(config, "push").exit_code == 0
    fake_moodle.reset_counters()
    return fake_moodle, config


def _admin(fake: FakeMoodle) -> MoodleClient:
    return MoodleClient(fake.url, SecretStr(fake.token), retries=0)


def _course(fake: FakeMoodle, run_id: str) -> Course:
    return next(c for c in fake.site.courses.values() if c.idnumber == f"lms-sync-{run_id}")


def _news_forum(fake: FakeMoodle, run_id: str) -> Forum:
    course = _course(fake, run_id)
    return next(f for f in fake.site.instances["forum"].values() if f.course == course.id and f.type == "news")


def _announcements(fake: FakeMoodle, run_id: str) -> dict[str, int]:
    """subject -> discussion id of the run course's announcements."""
    forum = _news_forum(fake, run_id)
    return {d.name: key for key, d in fake.site.discussions.items() if d.forum == forum.id}


def test_an_unchanged_world_costs_a_constant_number_of_reads(world) -> None:
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    assert fake.write_calls() == 0
    # One request per kind of read, whatever the number of runs (3 here): nothing per course or per person.
    course_reads = {name: count for name, count in fake.calls.items() if not name.startswith("core_competency_")}
    assert course_reads == {
        "core_webservice_get_site_info": 1, "core_course_get_categories": 1,
        "core_course_get_courses_by_field": 2,  # the runs' category, the blueprint
        "core_enrol_get_enrolled_users_with_capability": 1, "mod_forum_get_forums_by_courses": 1,
        "core_calendar_get_calendar_events": 1, "core_group_get_groups": 1,  # the idnumbers of the members' groups
    }


def test_a_section_renamed_in_moodle_is_read_again_and_renamed_back(world) -> None:
    fake, config = world
    course = _course(fake, "kvz-2027-01")
    section = next(s for s in fake.site.sections.values() if s.course == course.id and s.section == 3)
    _admin(fake).call("core_update_inplace_editable", component="format_topics", itemtype="sectionname",
                      itemid=section.id, value="Vertrauen (umbenannt)")
    fake.reset_counters()
    result = run_cli(config, "push", "--json")
    assert result.exit_code == 0, result.output
    # Only the course whose revision changed: read, renamed back, read again for the cache.
    assert fake.calls["core_course_get_contents"] == 2
    assert fake.calls["core_update_inplace_editable"] == 1
    assert [name for _, name in state(fake)["lms-sync-kvz-2027-01"]["sections"]] == SECTIONS
    fake.reset_counters()
    assert run_cli(config, "push").exit_code == 0
    assert fake.write_calls() == 0 and "core_course_get_contents" not in fake.calls


def test_a_deleted_welcome_post_is_noticed_and_posted_again(world) -> None:
    fake, config = world
    [post] = _announcements(fake, "kvz-2027-02").values()
    before = state(fake)["lms-sync-kvz-2027-02"]["posts"]
    del fake.site.discussions[post]
    assert run_cli(config, "push").exit_code == 0
    assert fake.calls["mod_forum_add_discussion"] == 1
    assert state(fake)["lms-sync-kvz-2027-02"]["posts"] == before
    fake.reset_counters()
    assert run_cli(config, "push").exit_code == 0
    assert fake.write_calls() == 0 and "mod_forum_get_forum_discussions" not in fake.calls


def test_a_trainers_own_announcement_does_not_hide_a_missing_welcome_post(world) -> None:
    """Same number of discussions as before, but not the same ones: the count moved in between, so push re-reads."""
    fake, config = world
    forum = _news_forum(fake, "kvz-2027-03")
    [welcome] = _announcements(fake, "kvz-2027-03").values()
    _admin(fake).call("mod_forum_add_discussion", forumid=forum.id, subject="Raumänderung", message="<p>Raum 2</p>")
    assert run_cli(config, "push").exit_code == 0  # reads the 2 discussions: welcome post present
    del fake.site.discussions[welcome]
    fake.reset_counters()
    assert run_cli(config, "push").exit_code == 0
    assert fake.calls["mod_forum_get_forum_discussions"] == 1 and fake.calls["mod_forum_add_discussion"] == 1


def test_a_welcome_post_behind_a_hundred_newer_announcements_is_still_found(world) -> None:
    """Moodle answers mod_forum_get_forum_discussions page by page (page -1 is the first page, newest first)."""
    fake, config = world
    forum = _news_forum(fake, "kvz-2027-01")
    for number in range(105):
        fake.add_discussion(forum.id, f"Hinweis {number}", "<p>neu</p>", userid=2).timemodified += number + 1
    assert run_cli(config, "push", "--no-cache").exit_code == 0
    assert fake.calls["mod_forum_add_discussion"] == 0
    assert fake.calls["mod_forum_get_forum_discussions"] == 2 + 1 + 1  # two pages here, one for each other run


def test_the_cache_keeps_announcement_subjects_only_as_digests(world, tmp_path: Path) -> None:
    fake, _ = world
    subjects = {subject for course in state(fake).values() if isinstance(course, dict) for subject in course["posts"]}
    engine = create_engine(f"sqlite:///{tmp_path / 'records.db'}")
    with engine.connect() as connection:
        rows = connection.execute(select(observation_cache.c.kind, observation_cache.c.payload)).all()
    engine.dispose()
    assert {kind for kind, _ in rows} == {"contents", "discussions"}
    stored = " ".join(payload for kind, payload in rows if kind == "discussions")
    assert subjects and not any(subject in stored for subject in subjects)
    assert all(subject_digest(subject) in stored for subject in subjects)


def test_a_records_database_that_cannot_be_opened_costs_reads_not_the_push(world, tmp_path: Path) -> None:
    fake, config = world
    config.write_text(config.read_text(encoding="utf-8").replace(
        str(tmp_path / "records.db"), str(tmp_path / "no-such-dir" / "records.db")), encoding="utf-8")
    result = run_cli(config, "push")
    assert result.exit_code == 0, result.output
    assert "warning: records database" in result.stderr and "reading everything from Moodle" in result.stderr
    # 3 run courses and the blueprint they are checked against (was each import complete?)
    assert fake.write_calls() == 0 and fake.calls["core_course_get_contents"] == 4


def _member_changes(plan_output: str) -> list[tuple[str, object]]:
    plan = json.loads(plan_output)
    return sorted((c["key"], c["fields"]["group_id"]) for run in plan["runs"] for c in run["changes"]
                  if c["kind"] == "member")


def test_groups_are_matched_by_idnumber_first_whether_or_not_the_group_list_is_read(world) -> None:
    """lms-sync's group 1 renamed by a trainer, who made a new group with the wanted name and put someone in it."""
    fake, config = world
    course = _course(fake, "kvz-2027-01")
    own = next(g for g in fake.site.groups.values() if g.courseid == course.id and g.idnumber.endswith("1"))
    wanted_name, own.name = own.name, "Gruppe vom Vormittag"
    moved = next(iter(own.members))
    own.members.discard(moved)
    fake.add_group(course.id, wanted_name, members=[moved])  # the trainer's group: no idnumber
    plain = run_cli(config, "plan", "--json")
    pruned = run_cli(config, "plan", "--json", "--prune")
    assert _member_changes(plain.output) == _member_changes(pruned.output) == [
        (f"{fake.site.users[moved].email} → {wanted_name}", own.id)]  # back into lms-sync's own group 1


def test_a_lost_answer_to_the_welcome_post_never_leads_to_a_second_one(world) -> None:
    """Posted, but the answer was lost; then a trainer deletes one of their announcements, so the count is as it was
    when push last read the forum (without the welcome post). The cache must not be believed about a missing post."""
    fake, config = world
    [welcome] = _announcements(fake, "kvz-2027-03").values()
    for subject in ("Raumänderung", "Materialien"):
        _admin(fake).call("mod_forum_add_discussion", forumid=_news_forum(fake, "kvz-2027-03").id, subject=subject,
                          message="<p>x</p>")
    del fake.site.discussions[welcome]  # 2 discussions, no welcome post
    fake.inject("timeout", wsfunction="mod_forum_add_discussion")  # posted, but the answer is lost
    assert run_cli(config, "push").exit_code != 0
    del fake.site.discussions[_announcements(fake, "kvz-2027-03")["Raumänderung"]]
    assert run_cli(config, "push").exit_code == 0
    posts = state(fake)["lms-sync-kvz-2027-03"]["posts"]
    assert len(posts) == len(set(posts)) == 2, posts


def test_without_the_optional_array_reads_push_reads_course_by_course_and_still_changes_nothing(world) -> None:
    fake, config = world
    fake.allowed_functions -= {"core_enrol_get_enrolled_users_with_capability", "core_group_get_groups"}
    result = run_cli(config, "push")
    assert result.exit_code == 0, result.output
    assert fake.write_calls() == 0
    assert (fake.calls["core_enrol_get_enrolled_users"], fake.calls["core_group_get_course_groups"]) == (3, 3)
    check = run_cli(config, "check", "--json")
    assert check.exit_code == 0, check.output
    assert set(json.loads(check.output)["missing_optional_functions"]) == {
        "core_enrol_get_enrolled_users_with_capability", "core_group_get_groups",
        "tool_mobile_get_config"}  # the fake has no time-zone read


def test_push_no_cache_reads_everything_once_and_refills_the_cache(world, caplog: pytest.LogCaptureFixture) -> None:
    fake, config = world
    with caplog.at_level(logging.INFO, logger="lms_sync.push.observe"):
        assert run_cli(config, "push", "--no-cache").exit_code == 0
    # 3 run courses and the blueprint they are checked against (was each import complete?)
    assert (fake.calls["core_course_get_contents"], fake.calls["mod_forum_get_forum_discussions"]) == (4, 3)
    assert "observation cache: contents of 0 of 3 courses, welcome post of 0 of 3" in caplog.text
    fake.reset_counters()
    assert run_cli(config, "push").exit_code == 0
    assert "core_course_get_contents" not in fake.calls and "mod_forum_get_forum_discussions" not in fake.calls
