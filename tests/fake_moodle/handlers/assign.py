"""Assignments: mod_assign_get_assignments (only enrolled courses unless includenotenrolledcourses) and
mod_assign_get_submissions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_moodle.handlers.common import format_string
from tests.fake_moodle.state import Assign

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

_CONFIGS = (
    ("onlinetext", "assignsubmission", "enabled", "1"), ("onlinetext", "assignsubmission", "wordlimit", "0"),
    ("onlinetext", "assignsubmission", "wordlimitenabled", "0"), ("file", "assignsubmission", "enabled", "1"),
    ("file", "assignsubmission", "maxfilesubmissions", "2"),
    ("file", "assignsubmission", "maxsubmissionsizebytes", "10485760"),
    ("file", "assignsubmission", "filetypeslist", ""), ("comments", "assignsubmission", "enabled", "0"),
    ("comments", "assignfeedback", "enabled", "1"), ("comments", "assignfeedback", "commentinline", "0"),
)
_NOT_ENROLLED = "User is not enrolled or does not have requested capability"


def _assignment(fake: FakeMoodle, assign: Assign) -> dict[str, Any]:
    cm = fake.site.cm_for("assign", assign.id)
    return {
        "id": assign.id, "cmid": cm.id, "course": assign.course, "name": assign.name, "nosubmissions": 0,
        "submissiondrafts": 1, "sendnotifications": 0, "sendlatenotifications": 0, "sendstudentnotifications": 1,
        "duedate": assign.duedate, "allowsubmissionsfromdate": 0, "grade": 100, "gradepenalty": 0,
        "timemodified": assign.timemodified, "completionsubmit": assign.completionsubmit, "cutoffdate": 0,
        "gradingduedate": 0, "teamsubmission": 0, "requireallteammemberssubmit": 0, "teamsubmissiongroupingid": 0,
        "blindmarking": 0, "hidegrader": 0, "revealidentities": 0, "attemptreopenmethod": "untilpass",
        "maxattempts": 1, "markingworkflow": 0, "markingallocation": 0, "markinganonymous": 0,
        "requiresubmissionstatement": 0, "preventsubmissionnotingroup": 0,
        "configs": [{"plugin": p, "subtype": s, "name": n, "value": v} for p, s, n, v in _CONFIGS],
        "intro": assign.intro, "introformat": assign.introformat, "introfiles": [], "introattachments": [],
        "timelimit": 0, "submissionattachments": 0,
    }


def get_assignments(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    courses, warnings = [], []
    for courseid in params["courseids"]:
        course = fake.site.courses.get(courseid)
        enrolled = fake.site.is_enrolled(courseid, fake.current_user)
        if course is None or not (enrolled or (params["includenotenrolledcourses"] and fake.is_admin())):
            warnings.append({"item": "course", "itemid": courseid, "warningcode": "2", "message": _NOT_ENROLLED})
            continue
        assigns = [a for a in fake.site.instances["assign"].values() if a.course == courseid]
        courses.append({
            "id": course.id, "fullname": format_string(course.fullname), "shortname": format_string(course.shortname),
            "timemodified": course.timemodified,
            "assignments": [_assignment(fake, a) for a in assigns if isinstance(a, Assign)],
        })
    return {"courses": courses, "warnings": warnings}


def _plugins(text: str) -> list[dict[str, Any]]:
    return [
        {"type": "onlinetext", "name": "Online text",
         "fileareas": [{"area": "submissions_onlinetext", "files": []}],
         "editorfields": [{"name": "onlinetext", "description": "Online text submissions", "text": text,
                           "format": 1}]},
        {"type": "file", "name": "File submissions", "fileareas": [{"area": "submission_files", "files": []}]},
        {"type": "comments", "name": "Submission comments"},
    ]


def get_submissions(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    assignments = []
    for assignmentid in params["assignmentids"]:
        submissions = [s for s in fake.site.submissions.values() if s.assignment == assignmentid
                       and (not params["status"] or s.status == params["status"])]
        assignments.append({"assignmentid": assignmentid, "submissions": [
            {"id": s.id, "userid": s.userid, "attemptnumber": 0, "timecreated": s.timecreated,
             "timemodified": s.timemodified, "timestarted": None, "status": s.status, "groupid": 0,
             "plugins": _plugins(s.text), "gradingstatus": "notgraded"}
            for s in submissions
        ]})
    return {"assignments": assignments, "warnings": []}


HANDLERS = {"mod_assign_get_assignments": get_assignments, "mod_assign_get_submissions": get_submissions}
