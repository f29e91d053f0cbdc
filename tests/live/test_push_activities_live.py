"""What push does to a run course's activities on the real Moodle 5.0 after the import: dates moved to the run's days
once Moodle's cron made their calendar events and only then the welcome post, the announcements forum named as the
template says, a group mode a trainer switched off set back. Every assertion reads Moodle's database or its web services."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from lms_sync.config import Settings
from lms_sync.workspace import load_workspace
from tests.live.site import LiveMoodle
from tests.live.workspace import Workspace, ready_workspace

BERLIN = ZoneInfo("Europe/Berlin")
REFRESH_TASK = r"--classname=\core\task\refresh_mod_calendar_events_task"


@dataclass
class PushedRun:
    ws: Workspace
    course_id: int
    first_output: str


def _berlin(timestamp: int | str) -> str:
    return datetime.fromtimestamp(int(timestamp), BERLIN).strftime("%Y-%m-%d %H:%M")


@pytest.fixture(scope="module")
def pushed(live_moodle: LiveMoodle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PushedRun]:
    root = tmp_path_factory.mktemp("activities")
    ws = ready_workspace(root, live_moodle)
    first = ws.cli("push")
    assert first.exit_code == 0, first.output
    found = live_moodle.ws("core_course_get_courses_by_field", field="idnumber", value=ws.course_idnumber(1))
    yield PushedRun(ws, int(found["courses"][0]["id"]), first.output)


def _dates(live: LiveMoodle, course_id: int) -> dict[str, str]:
    rows = live.records("SELECT name, duedate AS t FROM {assign} WHERE course = :c", {"c": course_id})
    dates = {f"{r['name']}: due": _berlin(r["t"]) for r in rows}
    [feedback] = live.records("SELECT name, timeopen, timeclose FROM {feedback} WHERE course = :c", {"c": course_id})
    return dates | {f"{feedback['name']}: open": _berlin(feedback["timeopen"]),
                    f"{feedback['name']}: close": _berlin(feedback["timeclose"])}


def _announcements(live: LiveMoodle, course_id: int) -> list[str]:
    """The subjects of the discussions in the course's announcements forum, as Moodle's forum web service lists them."""
    [news] = [f for f in live.ws("mod_forum_get_forums_by_courses", courseids=[course_id]) if f["type"] == "news"]
    return [d["subject"] for d in live.ws("mod_forum_get_forum_discussions", forumid=news["id"])["discussions"]]


def test_dates_move_to_the_runs_days_once_moodles_cron_made_the_events_and_only_then_is_the_run_welcomed(
        live_moodle: LiveMoodle, pushed: PushedRun) -> None:
    settings = Settings.model_validate({"catalogue": {"path": str(pushed.ws.catalogue),
                                                      "templates_dir": str(pushed.ws.root / "course_templates")}})
    [course] = load_workspace(settings).courses
    assert course.welcome is not None
    assert "wait for the import and then for Moodle's cron" in pushed.first_output
    assert "the welcome post waits for the activity dates" in pushed.first_output
    assert set(_dates(live_moodle, pushed.course_id).values()) <= {"2099-01-04 23:59", "2099-01-04 18:00",
                                                                     "2099-01-18 23:59"}
    assert _announcements(live_moodle, pushed.course_id) == []  # nobody was greeted into the placeholder dates
    # Hours without cron are said as a warning (sync --quiet prints it): the course as if made and last changed 7 hours
    # ago (timecreated, and cacherev, Moodle's revision of the contents, which is a time too).
    live_moodle.php(f"""foreach (['timecreated', 'cacherev'] as $field) {{
                            $DB->set_field('course', $field, time() - 7 * 3600, ['id' => {pushed.course_id}]);
                        }}
                        return 1;""")
    waiting = json.loads(pushed.ws.cli("plan", "--json").output)["warnings"]
    made = live_moodle.count("event", "courseid = :course AND modulename <> ''", {"course": pushed.course_id})
    # Warned exactly while Moodle holds none of the activities' events (in the whole live suite another test's cron
    # run has been seen to make them early: then there is nothing to warn about).
    assert any(w.startswith("Moodle's cron seems not to run: the activities' calendar events of run(s) ")
               for w in waiting) == (made == 0), (made, waiting)
    tasks = live_moodle.admin_cli("adhoc_task.php", "--execute", REFRESH_TASK)
    assert tasks.returncode == 0, tasks.stdout + tasks.stderr
    plan = pushed.ws.cli("plan")
    assert "Sun 2099-01-04 23:59 → Wed 2027-03-03 23:59 (Europe/Berlin)" in plan.output, plan.output
    assert "cron seems not to run" not in plan.output

    moved = pushed.ws.cli("push", "--json")
    assert moved.exit_code == 0, moved.output
    applied = json.loads(moved.output)["applied"]
    assert (applied["core_calendar_update_event_start_day"], applied["mod_forum_add_discussion"]) == (5, 1)
    assert _announcements(live_moodle, pushed.course_id) == [course.welcome.subject]

    wanted = {f"{d.activity}: {d.eventtype}": _berlin(d.timestamp) for d in course.dates}
    assert _dates(live_moodle, pushed.course_id) == wanted
    assert wanted["Akteurslandkarte meiner Kommune: due"] == "2027-03-03 23:59"
    assert (wanted["Evaluation des Workshops: open"], wanted["Evaluation des Workshops: close"]) == (
        "2027-04-08 18:00", "2027-04-22 23:59")
    # What a participant's timeline shows: the event at 23:59 in the account's own zone (push gave it Berlin).
    shown = live_moodle.php(f"""
        $user = $DB->get_record('user', ['email' => 'k.wegener@bezirksamt-neukoelln.example.org']);
        $event = $DB->get_record('event', ['courseid' => {pushed.course_id}, 'modulename' => 'assign',
                                           'eventtype' => 'due', 'timestart' => {course.dates[0].timestamp}]);
        return [$user->timezone, userdate($event->timestart, '%d.%m.%Y %H:%M', $user->timezone)];
    """)
    assert shown == ["Europe/Berlin", "3.03.2027 23:59"]  # userdate() drops the leading zero of the day

    again = pushed.ws.cli("push")
    assert "core_calendar_update_event_start_day" not in again.output and "nothing (Moodle already matches)" in again.output
    assert _announcements(live_moodle, pushed.course_id) == [course.welcome.subject]


def test_the_news_forum_is_named_by_the_template_and_a_trainers_group_mode_change_is_set_back(
        live_moodle: LiveMoodle, pushed: PushedRun) -> None:
    forums = live_moodle.ws("mod_forum_get_forums_by_courses", courseids=[pushed.course_id])
    assert [f["name"] for f in forums if f["type"] == "news"] == ["Ankündigungen"]
    [fallklinik] = live_moodle.records(
        "SELECT cm.id, cm.groupmode FROM {course_modules} cm JOIN {forum} f ON f.id = cm.instance "
        "JOIN {modules} m ON m.id = cm.module AND m.name = 'forum' WHERE f.course = :c AND f.name LIKE 'Fallklinik%'",
        {"c": pushed.course_id})
    assert int(fallklinik["groupmode"]) == 1
    live_moodle.ws("core_courseformat_update_course", action="cm_nogroups", courseid=pushed.course_id,
                   ids=[int(fallklinik["id"])])  # a trainer opens the confidential forum to everyone

    plan = pushed.ws.cli("plan")
    assert "~ set group mode of Fallklinik: Konflikte aus der Praxis" in plan.output
    assert "no groups → separate groups" in plan.output
    assert pushed.ws.cli("push").exit_code == 0
    assert live_moodle.records("SELECT groupmode FROM {course_modules} WHERE id = :id",
                               {"id": fallklinik["id"]})[0]["groupmode"] in (1, "1")


def test_check_asks_moodle_and_warns_that_editing_teachers_see_the_named_answers(live_moodle: LiveMoodle,
                                                                                  pushed: PushedRun) -> None:
    """The workspace enrols trainers as Moodle's editing teacher (role 3, lms-sync's default teacher_role_id)."""
    checked = pushed.ws.cli("check", "--json")
    assert checked.exit_code == 0, checked.output
    rights = json.loads(checked.output)["trainer_rights"]
    assert rights["warning"] is True, rights
    assert "mod/feedback:viewreports" in rights["finding"] and "docs/moodle/trainer_role.php" in rights["finding"]
