"""Crash safety on the real Moodle: its web server dies in the middle of a push (during the import, during the
enrolments, right after the welcome post); after a restart the next push ends where an uninterrupted push ends, with
no twin course, section, activity, group, event, post, enrolment or account — counted in Moodle's own tables."""

from __future__ import annotations

import json
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from click.testing import CliRunner

from lms_sync.cli import main
from tests.live.ledger import called_functions
from tests.live.site import LiveMoodle
from tests.live.world import Templates, write_catalogue, write_config

_COURSE = "SELECT id FROM {course} WHERE idnumber = :idnumber OR shortname LIKE :shortname"
_TABLES = {
    "sections": "SELECT id, section, name FROM {course_sections} WHERE course = :c",
    # A restore killed between an activity's course module and its own record leaves a course module with instance 0
    # that no page, web service or backup shows (no activity, so no twin); only Moodle's tables hold it.
    "modules": "SELECT cm.id, m.name FROM {course_modules} cm JOIN {modules} m ON m.id = cm.module "
               "WHERE cm.course = :c AND cm.instance <> 0",
    "feedback items": "SELECT i.id, i.name FROM {feedback_item} i JOIN {feedback} f ON f.id = i.feedback "
                      "WHERE f.course = :c",
    "groups": "SELECT g.id, g.name, g.idnumber, (SELECT COUNT(1) FROM {groups_members} m WHERE m.groupid = g.id) "
              "AS members FROM {groups} g WHERE g.courseid = :c",
    "events": "SELECT id, name, timestart, timeduration, eventtype FROM {event} WHERE courseid = :c",
    "posts": "SELECT p.id, p.subject FROM {forum_posts} p JOIN {forum_discussions} d ON d.id = p.discussion "
             "WHERE d.course = :c",
    "enrolments": "SELECT ue.id, u.email, ue.status, e.enrol FROM {user_enrolments} ue JOIN {enrol} e "
                  "ON e.id = ue.enrolid JOIN {user} u ON u.id = ue.userid WHERE e.courseid = :c",
    "roles": "SELECT ra.id, u.email, r.shortname FROM {role_assignments} ra JOIN {context} x ON x.id = ra.contextid "
             "AND x.contextlevel = 50 JOIN {user} u ON u.id = ra.userid JOIN {role} r ON r.id = ra.roleid "
             "WHERE x.instanceid = :c",
}


def moodle_state(live: LiveMoodle, run_id: str) -> dict[str, Any]:
    """The run's course as Moodle's tables hold it, ids dropped and the run id replaced by RUN."""
    courses = live.records(_COURSE, {"idnumber": f"lms-sync-{run_id}", "shortname": f"KVZ-{run_id}%"})
    accounts = live.records("SELECT id, username, email FROM {user} WHERE email LIKE :e AND deleted = 0",
                            {"e": f"%-{run_id}@example.org"})
    state: dict[str, Any] = {"courses": len(courses), "accounts": _rows(accounts, run_id)}
    for name, sql in _TABLES.items():
        state[name] = _rows([r for c in courses for r in live.records(sql, {"c": c["id"]})], run_id)
    return state


def _rows(rows: list[dict[str, Any]], run_id: str) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v).replace(run_id, "RUN") for k, v in row.items() if k != "id") for row in rows)


def _push(config: Path) -> int:
    return CliRunner().invoke(main, ["--config", str(config), "push"]).exit_code


@pytest.fixture(scope="module")
def uninterrupted(live_moodle: LiveMoodle, live_templates: Templates,
                  tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Moodle's state after a push, Moodle's cron and the push that moves the dates and welcomes the participants,
    none of them interrupted (run id replaced by RUN)."""
    root = tmp_path_factory.mktemp("uninterrupted")
    run_id = f"ref-{uuid.uuid4().hex[:8]}"
    config = write_config(root, live_moodle.url, live_moodle.token_file, write_catalogue(root, run_id), live_templates)
    assert _push(config) == 0
    _cron_then_push(live_moodle, config)
    return moodle_state(live_moodle, run_id)


def _cron(live: LiveMoodle) -> None:
    """Moodle's cron: the adhoc tasks the imports queued make the imported activities' calendar events."""
    tasks = live.admin_cli("adhoc_task.php", "--execute")
    assert tasks.returncode == 0, tasks.stdout + tasks.stderr


def _cron_then_push(live: LiveMoodle, config: Path) -> None:
    """Cron, then the push that moves the activities' dates and posts the welcome post."""
    _cron(live)
    assert _push(config) == 0


def restoring(live: LiveMoodle, request: httpx.Request, done: Path) -> None:
    """Return once Moodle has begun restoring activities into the import's target course (or `done` exists).

    Polled inside one PHP process: a CLI script per look takes longer than the restore of all ten activities.
    """
    target = int(dict(parse_qsl(request.content.decode()))["importto"])
    live.php(f"""
        $deadline = microtime(true) + 120;
        // the course's announcements forum, then the blueprint's activities one by one
        while ($DB->count_records('course_modules', ['course' => {target}]) < 2 && !file_exists({json.dumps(str(done))})
               && microtime(true) < $deadline) {{
            usleep(20000);
        }}
        return true;""")


def crash_when_sent(monkeypatch: pytest.MonkeyPatch, live: LiveMoodle, wsfunction: str, *,
                    after_answer: bool, mid_restore: bool = False) -> list[str]:
    """Kill the web server when lms-sync first sends `wsfunction`: as it goes out, once Moodle is restoring
    activities (`mid_restore`, for an import), or once its answer is in. Returns a list that holds the function's name once
    the server was killed."""
    original = httpx.HTTPTransport.handle_request
    killed: list[str] = []

    def handle(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        ours = request.headers.get("User-Agent") == "lms-sync" and wsfunction in called_functions(request)
        if not ours or killed:
            return original(transport, request)
        killed.append(wsfunction)
        if after_answer:
            response = original(transport, request)
            response.read()
            live.stop_web_server()
            return response
        if not mid_restore:  # the server dies as the call goes out (and with it every import still running)
            live.stop_web_server()
            return original(transport, request)
        done = Path(tempfile.mkdtemp()) / "answered"

        def kill() -> None:
            restoring(live, request, done)
            live.stop_web_server()

        killer = threading.Thread(target=kill)
        killer.start()
        try:
            return original(transport, request)
        finally:
            done.touch()
            killer.join()

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle)
    return killed


@pytest.mark.parametrize(("wsfunction", "after_answer", "mid_restore"), [
    pytest.param("core_course_import_course", False, True, id="during-the-import"),
    pytest.param("enrol_manual_enrol_users", False, False, id="during-the-enrolments"),
    pytest.param("mod_forum_add_discussion", True, False, id="right-after-the-welcome-post"),
])
def test_a_push_the_site_crashed_under_ends_like_an_uninterrupted_one_after_a_restart(
        live_moodle: LiveMoodle, live_templates: Templates, uninterrupted: dict[str, Any], unique: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, wsfunction: str, after_answer: bool, mid_restore: bool) -> None:
    run_id = f"crash-{unique}"
    config = write_config(tmp_path, live_moodle.url, live_moodle.token_file, write_catalogue(tmp_path, run_id),
                          live_templates)
    welcoming = wsfunction == "mod_forum_add_discussion"  # the welcome post goes out with the push after cron
    if welcoming:
        assert _push(config) == 0
        _cron(live_moodle)
    killed = crash_when_sent(monkeypatch, live_moodle, wsfunction, after_answer=after_answer, mid_restore=mid_restore)
    try:
        crashed = _push(config)
    finally:
        monkeypatch.undo()
        if killed:
            live_moodle.restart_web_server()
    assert killed == [wsfunction]
    assert crashed != 0 or after_answer  # the welcome post is push's last write: nothing was left to fail
    if mid_restore:  # the crash left a course with part of the blueprint's activities: the case to repair
        partial = moodle_state(live_moodle, run_id)
        assert partial["modules"] and partial != uninterrupted
    assert _push(config) == 0
    if not welcoming:  # the restarted push imported (or repaired): cron, then the push that moves dates and posts
        _cron_then_push(live_moodle, config)
    assert moodle_state(live_moodle, run_id) == uninterrupted
