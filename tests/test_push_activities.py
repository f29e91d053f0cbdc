"""Push after the import: dates moved to each run's days once Moodle's cron made their events, the welcome post held
until then, the announcements forum named as the template says, group modes a trainer changed set back — all planned."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from lms_sync.moodle.functions import BATCH_FUNCTION
from tests import test_push_e2e
from tests.fake_moodle import FakeMoodle, operations
from tests.fake_moodle.state import Assign, Feedback, Forum
from tests.test_push_e2e import run_cli

world = test_push_e2e.world  # the e2e tests' fixture: the fake with the blueprint and every catalogue account

RUN = "lms-sync-kvz-2027-01"
BERLIN = ZoneInfo("Europe/Berlin")


def _instances(fake: FakeMoodle, kind: type, idnumber: str = RUN) -> dict[str, object]:
    course = next(c for c in fake.site.courses.values() if c.idnumber == idnumber)
    return {i.name: i for i in fake.site.instances[kind.__name__.lower()].values()
            if isinstance(i, kind) and i.course == course.id}


def _berlin(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, BERLIN).strftime("%Y-%m-%d %H:%M")


def test_dates_are_moved_once_moodles_cron_made_their_events_and_a_second_push_writes_nothing(world) -> None:
    fake, config = world
    first = run_cli(config, "push")
    assert first.exit_code == 0, first.output
    assert "wait for the import and then for Moodle's cron" in first.output
    assert fake.calls["core_calendar_update_event_start_day"] == 0 and fake.calls["mod_forum_add_discussion"] == 0
    waiting = run_cli(config, "plan")
    assert "wait for Moodle's cron to create the calendar events" in waiting.output and "move date" not in waiting.output

    fake.run_cron()
    plan = run_cli(config, "plan")
    assert "~ move date of Akteurslandkarte meiner Kommune: due" in plan.output
    assert "Sun 2099-01-04 23:59 → Wed 2027-03-03 23:59 (Europe/Berlin)" in plan.output
    assert "~ move date of Evaluation des Workshops: open" in plan.output
    pushed = run_cli(config, "push", "--json")
    assert pushed.exit_code == 0, pushed.output
    applied = json.loads(pushed.output)["applied"]
    assert applied["core_calendar_update_event_start_day"] == 9  # 3 dates × 3 runs
    assert applied["mod_forum_add_discussion"] == 3  # the welcome posts, now that the dates are the runs'

    assign = _instances(fake, Assign)["Akteurslandkarte meiner Kommune"]
    feedback = _instances(fake, Feedback)["Evaluation des Workshops"]
    assert isinstance(assign, Assign) and isinstance(feedback, Feedback)
    assert _berlin(assign.duedate) == "2027-03-03 23:59"  # before the first session (4 March)
    assert (_berlin(feedback.timeopen), _berlin(feedback.timeclose)) == ("2027-04-08 18:00", "2027-04-22 23:59")
    fake.reset_counters()
    again = run_cli(config, "push")
    assert again.exit_code == 0 and fake.write_calls() == 0, fake.calls


def test_a_saved_plan_made_before_moodles_cron_is_refused_afterwards(world, tmp_path: Path) -> None:
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    path = tmp_path / "plan.json"
    assert run_cli(config, "plan", "-o", str(path)).exit_code == 0
    fake.run_cron()  # the events appear: the saved plan, which moves no date, no longer says what push would do
    fake.reset_counters()
    refused = run_cli(config, "push", "--plan", str(path))
    assert refused.exit_code == 2 and f"course {RUN} changed" in refused.output
    assert fake.write_calls() == 0


def test_the_news_forum_gets_the_templates_name_and_a_trainers_group_mode_change_is_set_back(world) -> None:
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    forums = _instances(fake, Forum)
    assert forums["Ankündigungen"] and "Announcements" not in forums
    fallklinik = next(cm for cm in fake.site.cms.values()
                      if cm.modname == "forum" and fake.site.instance(cm) is forums["Fallklinik: Konflikte aus der Praxis"])
    assert fallklinik.groupmode == 1  # the import kept the blueprint's
    fallklinik.groupmode = 0  # a trainer switched groups off and renamed the forum back
    forums["Ankündigungen"].name = "Announcements"  # type: ignore[attr-defined]
    operations.bump_cacherev(fake.site, fallklinik.course)  # as every edit on the course page does

    plan = run_cli(config, "plan")
    assert "~ set group mode of Fallklinik: Konflikte aus der Praxis" in plan.output
    assert "no groups → separate groups" in plan.output
    assert '"Announcements" → "Ankündigungen"' in plan.output
    assert run_cli(config, "push").exit_code == 0
    assert fallklinik.groupmode == 1 and forums["Ankündigungen"].name == "Ankündigungen"  # type: ignore[attr-defined]
    fake.reset_counters()
    assert run_cli(config, "push").exit_code == 0 and fake.write_calls() == 0



def test_a_refused_date_move_keeps_that_runs_welcome_post_back_until_a_push_moves_it(world) -> None:
    fake, config = world
    fake.allowed_functions -= {BATCH_FUNCTION}  # one call per move, so Moodle can refuse one of them
    assert run_cli(config, "push").exit_code == 0
    fake.run_cron()
    fake.inject("exception", wsfunction="core_calendar_update_event_start_day", error={  # the first move Moodle refuses
        "exception": "moodle_exception", "errorcode": "invalidrecord", "message": "Can't find data record in database."})
    refused = run_cli(config, "push")
    assert refused.exit_code == 1 and "FAILED kvz-2027-01" in refused.output, refused.output
    posted = {course: len(pushed["posts"]) for course, pushed in test_push_e2e.state(fake).items()
              if course.startswith("lms-sync-")}
    assert posted == {"lms-sync-kvz-2027-01": 0, "lms-sync-kvz-2027-02": 1, "lms-sync-kvz-2027-03": 1}
    fake.reset_counters()
    assert run_cli(config, "push").exit_code == 0
    # the refused move, and its run's second round (the feedback's other date), which the failure held back
    assert fake.calls["core_calendar_update_event_start_day"] == 2 and fake.calls["mod_forum_add_discussion"] == 1
    assert all(pushed["posts"] for course, pushed in test_push_e2e.state(fake).items() if course.startswith("lms-sync-"))


def test_a_hidden_activitys_date_is_moved_too_and_does_not_hold_the_welcome_post(world) -> None:
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    course = next(c for c in fake.site.courses.values() if c.idnumber == RUN)
    [cm] = [cm for cm in fake.site.course_cms(course.id) if cm.modname == "assign"
            and fake.site.instance(cm).name == "Akteurslandkarte meiner Kommune"]
    cm.visible = 0  # a trainer hides it until the workshop starts; Moodle's calendar leaves its event out by default
    fake.run_cron()
    pushed = run_cli(config, "push", "--json")
    assert pushed.exit_code == 0, pushed.output
    assert json.loads(pushed.output)["applied"]["mod_forum_add_discussion"] == 3
    assign = _instances(fake, Assign)["Akteurslandkarte meiner Kommune"]
    assert isinstance(assign, Assign) and _berlin(assign.duedate) == "2027-03-03 23:59"
