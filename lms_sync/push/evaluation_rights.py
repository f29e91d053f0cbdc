"""Which runs' named evaluation their trainers can read by name (or change, or empty): the warning plan and push show.

Pure: it judges what Moodle's capability listing said (`ObservedSite.capability_holders`, or push's read after
enrolling) against the runs' questionnaires and the trainers this plan enrols; it changes nothing in the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lms_sync.push.changes import RunPlan
from lms_sync.push.desired import DesiredCourse
from lms_sync.trainer_rights import FIX, Holders, trainers_capabilities, what_they_can


@dataclass(frozen=True)
class Verdict:
    warnings: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    """course idnumbers of runs that get their first trainers in this push while no run course shows what the role
    may: push asks Moodle once after enrolling them"""


def _enrols_trainers(run: RunPlan, teacher_role_id: int) -> bool:
    return not run.blocked and any(change.kind == "enrolment" and change.action == "enrol"
                                   and change.fields.get("roleid") == teacher_role_id for change in run.changes)


def verdict(courses: Sequence[DesiredCourse], course_ids: Mapping[str, int], holders: Holders,
            runs: Sequence[RunPlan], teacher_role_id: int) -> Verdict:
    """One warning per set of capabilities, naming the runs with a named questionnaire whose trainers hold them
    (`course_ids`: course idnumber -> Moodle id) or get them in this push: a role's definition holds site-wide, so a
    run still to get trainers is judged by the trainers of the other run courses."""
    rights = trainers_capabilities(holders, teacher_role_id)
    enrolling = {run.course_idnumber for run in runs if _enrols_trainers(run, teacher_role_id)}
    seen = set().union(*rights.values())
    found: dict[tuple[str, ...], list[str]] = {}
    unknown: list[str] = []
    for course in courses:
        course_id = course_ids.get(course.idnumber)
        if course.named_evaluation is None:
            continue
        if course_id in rights:
            capabilities = rights[course_id]
        elif course.idnumber in enrolling and rights:
            capabilities = seen
        elif course.idnumber in enrolling:
            unknown.append(course.idnumber)
            continue
        else:
            continue
        if capabilities:
            found.setdefault(tuple(sorted(capabilities)), []).append(course.run_id)
    return Verdict([_warning(run_ids, capabilities, teacher_role_id) for capabilities, run_ids in found.items()],
                   unknown)


def _warning(run_ids: Sequence[str], capabilities: Sequence[str], teacher_role_id: int) -> str:
    return (f"evaluation not private: trainers of run(s) {', '.join(run_ids)} (enrolled with push.teacher_role_id = "
            f"{teacher_role_id}) have {', '.join(capabilities)}: they can {what_they_can(capabilities)} in the "
            f"evaluation, whose questionnaire is named. {FIX} (docs/run-courses.md)")
