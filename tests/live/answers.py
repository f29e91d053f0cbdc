"""Participants answer a course's evaluation through Moodle itself: mod_feedback_completion in a PHP CLI script.

The same code path as the questionnaire page (save_response_tmp, save_response), logged in as the participant.
"""

from __future__ import annotations

import json

from tests.live.site import LiveMoodle

_ANSWER = """
require_once($CFG->dirroot . '/mod/feedback/lib.php');
$made = [];
foreach (json_decode(%s, true) as [$courseid, $userid, $n]) {
    $course = get_course($courseid);
    $feedback = $DB->get_record('feedback', ['course' => $courseid], '*', MUST_EXIST);
    $cm = get_fast_modinfo($course)->instances['feedback'][$feedback->id];
    \\core\\session\\manager::set_user(core_user::get_user($userid));
    $completion = new mod_feedback_completion($feedback, $cm, 0, false, null, null, $userid);
    $data = new stdClass();
    foreach ($DB->get_records('feedback_item', ['feedback' => $feedback->id, 'hasvalue' => 1]) as $item) {
        $key = $item->typ . '_' . $item->id;
        $data->$key = in_array($item->typ, ['multichoice', 'multichoicerated']) ? 1 + ($n + $item->id) %% 3
            : ($item->typ === 'numeric' ? $n : "Antwort $n zu $item->label");
    }
    $completion->save_response_tmp($data);
    $completion->save_response();
    $made[] = $completion->get_completed()->id;
}
return $made;
"""


def answer_evaluation(site: LiveMoodle, answers: list[tuple[int, int]]) -> list[int]:
    """Each (course id, user id) submits the course's feedback; returns the feedback_completed ids."""
    triples = [[course, user, n] for n, (course, user) in enumerate(answers, start=1)]
    return [int(i) for i in site.php(_ANSWER % json.dumps(json.dumps(triples)))]
