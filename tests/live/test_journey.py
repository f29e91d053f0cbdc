"""The admin's whole journey on the real Moodle, through the CLI, each step checked in Moodle's own tables (issue 12).

check → templates validate → blueprint build → restore_backup.php → adopt → verify → plan → push → cron → push →
no-op push → answers through Moodle → pull → reports → export/forget → two syncs at once. One test: the steps build on
each other.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

from lms_sync.config import load_settings
from lms_sync.moodle.functions import is_read_function
from lms_sync.workspace import load_workspace
from tests.live.answers import answer_evaluation
from tests.live.site import LiveMoodle
from tests.live.workspace import (
    TEMPLATE,
    Workspace,
    install_language,
    make_scale,
    make_top_category,
    make_workspace,
    restore_blueprint,
)

TABLES = ("course", "groups", "groups_members", "user_enrolments", "event", "forum_discussions", "course_modules",
          "competency_coursecomp")


def _ledger(output: str) -> tuple[int, int]:
    """(write calls, HTTP requests) from the -v call ledger on stderr."""
    writes = 0
    for line in output.splitlines():
        if match := re.match(r"^([a-z_]+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+[\d.]+$", line):
            writes += 0 if is_read_function(match.group(1)) else int(match.group(2))
        if match := re.match(r"^total\s+\d+\s+(\d+)", line):
            requests = int(match.group(1))
    return writes, requests


def _snapshot(site: LiveMoodle, course_ids: list[int]) -> dict[str, int]:
    """Row counts of the tables push writes, restricted to the run courses (and the site's categories)."""
    ids = ",".join(map(str, course_ids))
    where = {
        "course": f"id IN ({ids})", "groups": f"courseid IN ({ids})",
        "groups_members": f"groupid IN (SELECT id FROM {{groups}} WHERE courseid IN ({ids}))",
        "user_enrolments": f"enrolid IN (SELECT id FROM {{enrol}} WHERE courseid IN ({ids}))",
        "event": f"courseid IN ({ids})", "forum_discussions": f"course IN ({ids})",
        "course_modules": f"course IN ({ids})", "competency_coursecomp": f"courseid IN ({ids})",
    }
    counts = {table: site.count(table, where[table]) for table in TABLES}
    counts["course_categories"] = site.count("course_categories")
    counts["user"] = site.count("user")
    return counts


def _check(ws: Workspace, site: LiveMoodle) -> None:
    full = ws.cli("check")
    assert full.exit_code == 0, full.output
    config = ws.config.read_text(encoding="utf-8")
    ws.config.write_text(config.replace(str(site.token_file), str(site.min_token_file)), encoding="utf-8")
    minimal = ws.cli("check")
    assert minimal.exit_code == 3 and "core_course_create_courses" in minimal.output, minimal.output
    bad = ws.root / "bad-token.txt"
    bad.write_text("0123456789abcdef0123456789abcdef\n", encoding="utf-8")
    ws.config.write_text(config.replace(str(site.token_file), str(bad)), encoding="utf-8")
    refused = ws.cli("check")
    assert refused.exit_code == 3 and "token" in refused.output, refused.output
    ws.config.write_text(config.replace(site.url, "http://127.0.0.1:9"), encoding="utf-8")
    closed = ws.cli("check")
    assert closed.exit_code == 3, closed.output
    ws.config.write_text(config, encoding="utf-8")
    for result in (full, minimal, refused, closed):
        assert site.token not in result.output and site.min_token_file.read_text().strip() not in result.output


def _blueprint(ws: Workspace, site: LiveMoodle) -> int:
    validated = ws.cli("templates", "validate", TEMPLATE)
    assert validated.exit_code == 0, validated.output
    course_id = restore_blueprint(ws, site)
    [restored] = site.records("SELECT id, idnumber, shortname FROM {course} WHERE id = :id", {"id": course_id})
    assert (restored["idnumber"], restored["shortname"]) == ("", ws.blueprint_shortname)  # Moodle drops it
    before = ws.cli("blueprint", "verify", str(ws.template_dir))
    assert before.exit_code == 1 and "lms-sync blueprint adopt" in before.output and "free" not in before.output
    plan = ws.cli("plan")
    assert plan.exit_code == 1 and f"lms-sync blueprint adopt {TEMPLATE}" in plan.output, plan.output
    adopted = ws.cli("blueprint", "adopt", str(ws.template_dir))
    assert adopted.exit_code == 0, adopted.output
    assert site.records("SELECT idnumber FROM {course} WHERE id = :id", {"id": course_id}) == [
        {"idnumber": ws.blueprint_idnumber}]
    verified = ws.cli("blueprint", "verify", str(ws.template_dir))
    assert verified.exit_code == 0 and "No drift" in verified.output, verified.output
    return course_id


def _push(ws: Workspace, site: LiveMoodle, top: int, clash: int, note: dict[str, object]) -> list[int]:
    plan = ws.cli("plan")
    assert plan.exit_code == 1, plan.output  # run 3 is blocked by the course holding its shortname
    assert f"is taken by Moodle course id {clash}" in plan.output
    started = time.monotonic()
    first = ws.cli("-v", "push")
    note["first push"] = (round(time.monotonic() - started, 1), *_ledger(first.output))
    assert first.exit_code == 1 and f"FAILED {ws.run_id(3)}" in first.output, first.output
    assert site.count("course", "idnumber = :i", {"i": ws.course_idnumber(3)}) == 0
    courses = site.records("SELECT c.id, c.idnumber, cc.parent FROM {course} c JOIN {course_categories} cc "
                           "ON cc.id = c.category WHERE c.idnumber IN (:a, :b) ORDER BY c.idnumber",
                           {"a": ws.course_idnumber(1), "b": ws.course_idnumber(2)})
    assert [int(c["parent"]) for c in courses] == [top, top]
    wanted = {c.run_id: len({p.email for p in (*c.trainers, *c.participants)})
              for c in load_workspace(load_settings(ws.config)).courses}
    ids = [int(c["id"]) for c in courses]
    for number, course_id in zip((1, 2), ids, strict=True):
        people = wanted[ws.run_id(number)]
        assert site.count("user_enrolments", "enrolid IN (SELECT id FROM {enrol} WHERE courseid = :c)",
                          {"c": course_id}) == people
        assert site.count("groups", "courseid = :c", {"c": course_id}) >= 1
        assert site.count("forum_discussions", "course = :c", {"c": course_id}) == 0  # its dates wait for cron
    tasks = site.admin_cli("adhoc_task.php", "--execute")  # the imports' refresh_mod_calendar_events_task
    assert tasks.returncode == 0, tasks.stdout + tasks.stderr
    started = time.monotonic()
    dated = ws.cli("-v", "push")
    note["push after cron"] = (round(time.monotonic() - started, 1), *_ledger(dated.output))
    assert dated.exit_code == 1 and "core_calendar_update_event_start_day" in dated.output, dated.output
    for course_id in ids:  # the dates moved, then the welcome post: one each
        assert site.count("forum_discussions", "course = :c", {"c": course_id}) == 1
    before = _snapshot(site, [*ids, clash])
    started = time.monotonic()
    again = ws.cli("-v", "push")
    note["no-op push"] = (round(time.monotonic() - started, 1), *_ledger(again.output))
    assert _ledger(again.output)[0] == 0, again.output
    assert _snapshot(site, [*ids, clash]) == before
    return ids


def _answers(site: LiveMoodle, course_ids: list[int]) -> dict[int, list[int]]:
    """Participants of course 1 answer by name; course 2's feedback is made anonymous first, then answered."""
    site.php(f"global $DB; $DB->set_field_select('feedback', 'anonymous', 1, 'course = {course_ids[1]}'); return 1;")
    answered = {}
    for course_id in course_ids:
        students = [int(r["userid"]) for r in site.records(
            "SELECT DISTINCT ra.userid FROM {role_assignments} ra JOIN {context} x ON x.id = ra.contextid "
            "WHERE x.contextlevel = 50 AND x.instanceid = :c AND ra.roleid = 5 ORDER BY ra.userid", {"c": course_id})]
        answered[course_id] = answer_evaluation(site, [(course_id, user) for user in students[:4]])
    return answered


def _records(ws: Workspace) -> sqlite3.Connection:
    return sqlite3.connect(ws.root / "records.db")


def _pulled_equals_moodle(ws: Workspace, site: LiveMoodle, course_ids: list[int]) -> None:
    pulled = ws.cli("pull", ws.run_id(1), ws.run_id(2))
    assert pulled.exit_code == 0, pulled.output
    db = _records(ws)
    for course_id in course_ids:
        moodle_people = {(r["email"].lower(), int(r["status"])) for r in site.records(
            "SELECT ue.id, u.email, ue.status FROM {user_enrolments} ue JOIN {enrol} e ON e.id = ue.enrolid "
            "JOIN {user} u ON u.id = ue.userid WHERE e.courseid = :c", {"c": course_id})}
        stored = set(db.execute("SELECT p.email, e.status FROM enrolments e JOIN people p ON p.id = e.person_id "
                                "JOIN courses c ON c.id = e.course_id WHERE c.moodle_id = ?", (course_id,)))
        assert stored == moodle_people
        done = {int(r["userid"]) for r in site.records(
            "SELECT userid FROM {course_completions} WHERE course = :c AND timecompleted IS NOT NULL", {"c": course_id})}
        stored_done = {row[0] for row in db.execute(
            "SELECT a.moodle_user_id FROM course_completion cc JOIN courses c ON c.id = cc.course_id "
            "JOIN person_accounts a ON a.person_id = cc.person_id WHERE c.moodle_id = ? AND cc.completed", (course_id,))}
        assert stored_done == done
        moodle_values = sorted(str(r["value"]) for r in site.records(
            "SELECT v.id, v.value FROM {feedback_value} v JOIN {feedback_completed} fc ON fc.id = v.completed "
            "JOIN {feedback} f ON f.id = fc.feedback WHERE f.course = :c", {"c": course_id}))
        stored_values = list(db.execute(
            "SELECT fa.numeric_value, fa.text_value FROM feedback_answers fa JOIN feedback_responses r "
            "ON r.id = fa.response_id JOIN feedback_instruments i ON i.id = r.instrument_id "
            "JOIN courses c ON c.id = i.course_id WHERE c.moodle_id = ?", (course_id,)))
        assert len(stored_values) == len(moodle_values) > 0
        texts = sorted(value for value in moodle_values if value.startswith("Antwort"))
        assert texts and sorted(t for _, t in stored_values if t and t.startswith("Antwort")) == texts
    anonymous = list(db.execute(
        "SELECT r.anonymous, r.person_id, r.submitted_at FROM feedback_responses r JOIN feedback_instruments i "
        "ON i.id = r.instrument_id JOIN courses c ON c.id = i.course_id WHERE c.moodle_id = ?", (course_ids[1],)))
    assert anonymous and all(row == (1, None, None) for row in anonymous), anonymous
    named = list(db.execute(
        "SELECT r.person_id FROM feedback_responses r JOIN feedback_instruments i ON i.id = r.instrument_id "
        "JOIN courses c ON c.id = i.course_id WHERE c.moodle_id = ?", (course_ids[0],)))
    assert named and all(person is not None for (person,) in named)


def _reports(ws: Workspace, site: LiveMoodle, course_ids: list[int]) -> None:
    report = ws.cli("report", "evaluation", ws.run_id(1), "-o", str(ws.root / "reports"))
    assert report.exit_code == 0, report.output
    [old] = site.records("SELECT id, idnumber FROM {course} WHERE id = :c", {"c": course_ids[0]})
    backfill = ws.root / "backfill.toml"
    backfill.write_text(ws.config.read_text(encoding="utf-8").replace("records.db", "backfill.db"), encoding="utf-8")
    other = Workspace(ws.root, ws.tag, backfill)
    assert other.cli("pull", "--course", old["idnumber"]).exit_code == 0
    backfilled = other.cli("report", "evaluation", old["idnumber"], "-o", str(ws.root / "backfill"))
    assert backfilled.exit_code == 0, backfilled.output


def _gdpr(ws: Workspace) -> None:
    db = _records(ws)
    [(email,)] = db.execute("SELECT p.email FROM people p JOIN enrolments e ON e.person_id = p.id "
                            "WHERE e.roles LIKE '%student%' ORDER BY p.email LIMIT 1")
    exported = ws.cli("records", "export-person", email)
    assert exported.exit_code == 0 and email in exported.output, exported.output
    assert json.loads(exported.output)
    forgotten = ws.cli("records", "forget", email, "--yes")
    assert forgotten.exit_code == 0, forgotten.output
    assert list(_records(ws).execute("SELECT count(*) FROM people WHERE email = ?", (email,))) == [(0,)]


def _two_syncs_at_once(ws: Workspace) -> None:
    text = ws.config.read_text(encoding="utf-8").replace("[catalogue]\n", "[catalogue]\nactive_days_before_start = 1000\n")
    ws.config.write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "lms_sync", "--config", str(ws.config), "sync", "--no-pull"]
    syncs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in (1, 2)]
    outputs = [p.communicate(timeout=300)[0] for p in syncs]  # reads and closes each pipe while its sync runs
    codes = sorted(p.returncode for p in syncs)
    # Each run is blocked (exit 1) for run 3's shortname; the other one waited for the lock or exited 4.
    assert codes in ([1, 1], [1, 4]), (codes, outputs)


def test_the_admins_journey(live_moodle: LiveMoodle, tmp_path: Path) -> None:
    site, note = live_moodle, {}
    ws = make_workspace(tmp_path, uuid.uuid4().hex[:8], site)
    install_language(site, "de", "Deutsch")
    top = make_top_category(site, ws.top_category)
    [clash] = site.ws("core_course_create_courses", courses=[{"fullname": "Alter Kurs von Hand", "categoryid": 1,
                                                             "shortname": f"KVZ-{ws.run_id(3)}"}])
    ws.set_config(f"competency_scale_id = {make_scale(site, ws.tag)}\n")
    _check(ws, site)
    _blueprint(ws, site)
    course_ids = _push(ws, site, top, int(clash["id"]), note)
    _answers(site, course_ids)
    _pulled_equals_moodle(ws, site, course_ids)
    _reports(ws, site, course_ids)
    _gdpr(ws)
    _two_syncs_at_once(ws)
    print(f"\nlive journey: {note} (seconds, write calls, requests)")
