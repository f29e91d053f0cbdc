"""Certificates from the real Moodle: a small run pushed, two participants completed through Moodle itself, pulled.

Completion goes Moodle's own way: the questionnaire's activity completion is set with Moodle's web service (as a
trainer overriding it), then Moodle's completion task completes the course (the blueprint's criterion), and only
then does lms-sync pull. Each certificate must match a row of Moodle's course_completions.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from lms_sync.cli import main
from tests.live.site import LiveMoodle
from tests.live.world import Templates, write_catalogue, write_config

COMPLETERS = 2


def _students(live: LiveMoodle, course_id: int) -> list[dict[str, str]]:
    return live.records(
        "SELECT u.id, u.email, u.firstname, u.lastname FROM {user} u "
        "JOIN {role_assignments} ra ON ra.userid = u.id JOIN {role} r ON r.id = ra.roleid AND r.shortname = 'student' "
        "JOIN {context} x ON x.id = ra.contextid AND x.contextlevel = 50 AND x.instanceid = :course "
        "ORDER BY u.email", {"course": course_id})


def _complete_through_moodle(live: LiveMoodle, course_id: int, user_ids: list[int]) -> None:
    [feedback] = live.records("SELECT cm.id FROM {course_modules} cm JOIN {modules} m ON m.id = cm.module "
                              "WHERE cm.course = :course AND m.name = 'feedback'", {"course": course_id})
    for user_id in user_ids:
        live.ws("core_completion_override_activity_completion_status", userid=user_id, cmid=int(feedback["id"]),
                newstate=1)
    task = live.admin_cli("scheduled_task.php", "--execute=\\core\\task\\completion_regular_task")
    assert task.returncode == 0, task.stdout + task.stderr


def test_one_certificate_per_participant_moodle_counts_as_complete(live_moodle: LiveMoodle, live_templates: Templates,
                                                                  unique: str, tmp_path: Path) -> None:
    run_id = f"cert-{unique}"
    catalogue = write_catalogue(tmp_path, run_id, participants=4)
    config = write_config(tmp_path / "cfg", live_moodle.url, live_moodle.token_file, catalogue, live_templates)

    def cli(*args: str) -> dict | str:
        result = CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout) if "--json" in args else result.output

    cli("push", run_id)
    [course] = live_moodle.records("SELECT id FROM {course} WHERE idnumber = :i", {"i": f"lms-sync-{run_id}"})
    students = _students(live_moodle, int(course["id"]))
    assert len(students) == 4
    _complete_through_moodle(live_moodle, int(course["id"]), [int(s["id"]) for s in students[:COMPLETERS]])
    cli("pull", run_id)
    written = cli("report", "certificates", run_id, "-o", str(tmp_path / "out"), "--issued", "2027-11-02", "--json")
    assert isinstance(written, dict)

    completed_in_moodle = {row["email"] for row in live_moodle.records(
        "SELECT u.email FROM {course_completions} cc JOIN {user} u ON u.id = cc.userid "
        "WHERE cc.course = :course AND cc.timecompleted IS NOT NULL", {"course": course["id"]})}
    assert completed_in_moodle == {s["email"] for s in students[:COMPLETERS]}
    assert {w["email"] for w in written["written"]} == completed_in_moodle
    assert {s["email"] for s in written["skipped"]} == {s["email"] for s in students} - completed_in_moodle
    assert len(PdfReader(written["combined"]).pages) == COMPLETERS
    names = {s["email"]: f"{s['firstname']} {s['lastname']}" for s in students}
    for certificate in written["written"]:
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(certificate["path"]).pages).split())
        assert names[certificate["email"]] in text and certificate["number"] in text
        assert "13,5 Zeitstunden an 2 Terminen" in text and "Tina Trainer (BIP)" in text
