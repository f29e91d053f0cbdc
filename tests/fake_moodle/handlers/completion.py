"""Completion: core_completion_get_course_completion_status (criteria = required activities) and
core_completion_get_activities_completion_status (every activity with completion tracking).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_moodle import operations
from tests.fake_moodle.errors import moodle_exception
from tests.fake_moodle.handlers.common import get_course, get_user
from tests.fake_moodle.handlers.contents import completion_data

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle


def _require_enrolled(fake: FakeMoodle, courseid: int, userid: int, *, active: bool = False) -> None:
    get_course(fake, courseid)
    get_user(fake, userid)
    enrolment = fake.site.enrolment(courseid, userid)
    if enrolment is None or (active and not operations.is_active_enrolment(enrolment)):
        raise moodle_exception("usernotenroled", "User is not enrolled in this course")


def get_course_completion_status(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    courseid, userid = params["courseid"], params["userid"]
    # completion_info::is_tracked_user asks is_enrolled(..., onlyactive=true): a suspended student is "not enrolled".
    _require_enrolled(fake, courseid, userid, active=True)
    course = fake.site.courses[courseid]
    if not course.enablecompletion or not course.completion_cmids:
        raise moodle_exception("nocriteriaset", "No completion criteria set for this course")
    completions = []
    for cmid in course.completion_cmids:
        cm = fake.site.cms[cmid]
        state, timecompleted = fake.site.activity_completion.get((cmid, userid), (0, 0))
        name = fake.site.instance(cm).name
        completions.append({
            "type": 4, "title": "Activity completion", "status": "Yes" if state else "No", "complete": bool(state),
            "timecompleted": timecompleted if state else None,
            "details": {"type": "Activity completion",
                        "criteria": f'<a href="{fake.url}/mod/{cm.modname}/view.php?id={cm.id}">{name}</a>',
                        "requirement": "", "status": ""},
        })
    completed = (courseid, userid) in fake.site.course_completion
    return {"completionstatus": {"completed": completed, "aggregation": 1, "completions": completions},
            "warnings": []}


def get_activities_completion_status(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    courseid, userid = params["courseid"], params["userid"]
    _require_enrolled(fake, courseid, userid)
    statuses = []
    for section in fake.site.course_sections(courseid):
        for cm in fake.site.section_cms(section.id):
            if not cm.completion or cm.modname in fake.site.disabled_modules:
                continue
            status = completion_data(fake, cm, userid)
            statuses.append({"cmid": cm.id, "modname": cm.modname, "instance": cm.instance,
                             "tracking": cm.completion, **status})
    return {"statuses": statuses, "warnings": []}


HANDLERS = {
    "core_completion_get_course_completion_status": get_course_completion_status,
    "core_completion_get_activities_completion_status": get_activities_completion_status,
}
