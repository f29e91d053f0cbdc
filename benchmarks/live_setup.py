"""What the live benchmark needs on a real Moodle before it measures, made through Moodle itself (its PHP API and its
own admin/cli/restore_backup.php): a German language pack, the competency scale, the restored blueprint, answers.

Idempotent: each helper finds what an earlier benchmark run on the same site left and reuses it.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from lms_sync.blueprint import build_blueprint
from lms_sync.templates import CourseTemplate
from tests.live.site import LiveMoodle

RESTORED = re.compile(r"Restored course ID: (\d+)")


def ensure_german(site: LiveMoodle) -> None:
    """Courses force `lang = de`; Moodle refuses that until a `de` pack exists (a minimal langconfig.php is one)."""
    site.php("""
        $dir = $CFG->dataroot . '/lang/de';
        if (!is_dir($dir)) { mkdir($dir, 0777, true); }
        if (!file_exists($dir . '/langconfig.php')) {
            file_put_contents($dir . '/langconfig.php', "<?php\\n\\$string['thislanguage'] = 'Deutsch';\\n"
                . "\\$string['thislanguageint'] = 'German';\\n\\$string['parentlanguage'] = '';\\n");
            get_string_manager()->reset_caches();
        }
        return get_string_manager()->translation_exists('de');
    """)


def ensure_scale(site: LiveMoodle, levels: Sequence[str]) -> int:
    """The id of a site-wide scale with exactly these items, created as an admin would if there is none."""
    items = ",".join(levels)
    return int(site.php(f"""
        require_once($CFG->libdir . '/gradelib.php');
        $items = {json.dumps(items, ensure_ascii=False)};
        foreach ($DB->get_records('scale', ['courseid' => 0]) as $scale) {{
            if ($scale->scale === $items) {{ return (int)$scale->id; }}
        }}
        $scale = new grade_scale(['name' => 'lms-sync benchmark levels', 'scale' => $items, 'courseid' => 0,
                                  'userid' => 2, 'description' => '', 'descriptionformat' => 1]);
        return (int)$scale->insert();
    """))


def ensure_blueprint(site: LiveMoodle, template: CourseTemplate) -> int:
    """The blueprint course: restored with Moodle's own CLI from `lms-sync blueprint build`'s backup if missing.

    restore_backup.php empties the idnumber of a backup made elsewhere, so it is set again as an admin would.
    """
    idnumber = template.blueprint.idnumber
    found = site.records("SELECT id FROM {course} WHERE idnumber = :idnumber", {"idnumber": idnumber})
    if found:
        return int(found[0]["id"])
    built = build_blueprint(template, int(time.time()))
    with tempfile.TemporaryDirectory(prefix="lms-sync-live-bench-") as folder:
        backup = Path(folder) / built.filename
        backup.write_bytes(built.data)
        backup.chmod(0o644)
        Path(folder).chmod(0o755)
        restored = site.admin_cli("restore_backup.php", f"--file={backup}", "--categoryid=1")
    match = RESTORED.search(restored.stdout)
    if restored.returncode != 0 or not match:
        raise RuntimeError(f"restore_backup.php failed: {restored.stdout[-500:]} {restored.stderr[-500:]}")
    course_id = int(match.group(1))
    site.php(f"$DB->set_field('course', 'idnumber', {json.dumps(idnumber)}, ['id' => {course_id}]); return 1;")
    return course_id


def seed_answers(site: LiveMoodle, course_ids: Sequence[int], respondents: int) -> int:
    """`respondents` students per course hand in the course's evaluation through Moodle's feedback API, as on the
    form; returns how many responses were saved."""
    return int(site.php(f"""
        require_once($CFG->dirroot . '/mod/feedback/lib.php');
        $saved = 0;
        foreach ({json.dumps(list(course_ids))} as $courseid) {{
            foreach ($DB->get_records('feedback', ['course' => $courseid]) as $feedback) {{
                $cm = get_coursemodule_from_instance('feedback', $feedback->id, $courseid, false, MUST_EXIST);
                $items = $DB->get_records('feedback_item', ['feedback' => $feedback->id, 'hasvalue' => 1]);
                $students = get_role_users(5, context_course::instance($courseid), false, 'u.*', 'u.id', true, '',
                                           0, {int(respondents)});
                foreach (array_values($students) as $n => $student) {{
                    \\core\\session\\manager::set_user($student);
                    $completion = new mod_feedback_completion($feedback, $cm, $courseid);
                    $data = [];
                    foreach ($items as $item) {{
                        $value = in_array($item->typ, ['multichoice', 'multichoicerated']) ? (string)(1 + $n % 3)
                            : ($item->typ === 'numeric' ? (string)(10 + $n) : 'Antwort ' . $n);
                        $data[$item->typ . '_' . $item->id] = $value;
                    }}
                    $completion->save_response_tmp((object)$data);
                    $completion->save_response();
                    $saved++;
                }}
            }}
        }}
        return $saved;
    """))
