"""A site whose participants hold their own role: push enrols them with `push.student_role_id`, pull stores the role
ids Moodle holds, and the participation report lists exactly those holders (not the trainer, whatever the names).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from lms_sync.cli import main
from tests.live.site import LiveMoodle
from tests.live.world import Templates, write_catalogue, write_config
from tests.reports_parsing import read_csv


def _participant_role(live: LiveMoodle, shortname: str) -> int:
    """A course role with the student archetype's capabilities, named unlike Moodle's own student role."""
    return int(live.php(f"""
        $id = create_role('Teilnehmende', {json.dumps(shortname)}, 'Teilnehmende der Workshops', 'student');
        set_role_contextlevels($id, [CONTEXT_COURSE]);
        reset_role_capabilities($id);
        return $id;
    """))


def test_pull_stores_the_role_ids_moodle_holds_and_the_report_counts_the_configured_role(
        live_moodle: LiveMoodle, live_templates: Templates, unique: str, tmp_path: Path) -> None:
    run_id = f"role-{unique}"
    role_id = _participant_role(live_moodle, f"teilnehmende{unique}")
    catalogue = write_catalogue(tmp_path, run_id, participants=3)
    config = write_config(tmp_path / "cfg", live_moodle.url, live_moodle.token_file, catalogue, live_templates)
    config.write_text(config.read_text(encoding="utf-8") + f"student_role_id = {role_id}\n", encoding="utf-8")

    def cli(*args: str) -> str:
        result = CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    cli("push", run_id)
    cli("pull", run_id)

    in_moodle: dict[str, set[int]] = {}
    for row in live_moodle.records(
            "SELECT ra.id, u.email, ra.roleid FROM {role_assignments} ra JOIN {user} u ON u.id = ra.userid "
            "JOIN {context} x ON x.id = ra.contextid AND x.contextlevel = 50 JOIN {course} c ON c.id = x.instanceid "
            "WHERE c.idnumber = :idnumber", {"idnumber": f"lms-sync-{run_id}"}):
        in_moodle.setdefault(row["email"], set()).add(int(row["roleid"]))
    with sqlite3.connect(tmp_path / "cfg" / "records.db") as records:
        stored = dict(records.execute("SELECT p.email, e.role_ids FROM enrolments e JOIN people p ON p.id = e.person_id"))
    assert {email: {int(i) for i in ids.split(",")} for email, ids in stored.items()} == in_moodle
    participants = {email for email, roles in in_moodle.items() if role_id in roles}
    assert len(participants) == 3 and f"trainer-{run_id}@example.org" not in participants

    written = json.loads(cli("report", "participation", run_id, "-o", str(tmp_path / "out"), "--json"))["written"]
    [csv_path] = [Path(path) for path in written if path.endswith(".csv")]
    assert {row["email"] for row in read_csv(csv_path)} == participants
