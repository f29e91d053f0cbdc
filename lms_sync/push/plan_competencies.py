"""The competency part of the plan: the frameworks the runs link, their competencies, and each run course's links.

Pure, like `push.plan.diff` which calls it: a framework on a Moodle scale without its levels is a problem, not a write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lms_sync.push.changes import Change, Plan, RunPlan
from lms_sync.push.desired import DesiredCourse, DesiredFramework
from lms_sync.push.observed import ObservedFramework, ObservedSite


def _same_text(moodle_value: str, ours: str) -> bool:
    # Moodle may re-wrap stored HTML; whitespace differences are not a change worth a write.
    return " ".join(moodle_value.split()) == " ".join(ours.split())


def _text_drift(found: object, wanted: object) -> dict[str, Any]:
    return {name: [getattr(found, name), getattr(wanted, name)] for name in ("shortname", "description")
            if not _same_text(getattr(found, name), getattr(wanted, name))}


def _framework_changes(framework: DesiredFramework, observed: ObservedFramework | None, plan: Plan) -> None:
    """The framework and its competencies, parents first; a competency Moodle holds under another parent is a
    problem push does not repair (moving it would move its ratings' context)."""
    if observed is None:
        plan.competencies.append(Change("framework", "create", framework.idnumber, {
            "shortname": framework.shortname, "idnumber": framework.idnumber, "description": framework.description,
            "scaleid": framework.scale_id, "scaleconfiguration": framework.scale_configuration}))
    elif drift := _text_drift(observed.framework, framework):
        plan.competencies.append(Change("framework", "update", framework.idnumber, drift))
    found = observed.competencies if observed else {}
    idnumbers = {c.id: c.idnumber for c in found.values()}
    for competency in framework.competencies:
        record = found.get(competency.idnumber)
        if record is None:
            plan.competencies.append(Change("competency", "create", competency.idnumber, {
                "shortname": competency.shortname, "idnumber": competency.idnumber,
                "description": competency.description, "framework": framework.idnumber, "parent": competency.parent}))
            continue
        if idnumbers.get(record.parentid) != competency.parent:
            plan.problems.append(f"competency {competency.idnumber!r} has another parent in Moodle than in "
                                 f"{framework.source}; move it in Moodle (Site administration › Competencies) or "
                                 "change parent in the file")
        if drift := _text_drift(record, competency):
            plan.competencies.append(Change("competency", "update", competency.idnumber,
                                            drift | {"framework": framework.idnumber}))


def _link_changes(course: DesiredCourse, framework: DesiredFramework, observed: ObservedFramework | None,
                  site: ObservedSite, run: RunPlan) -> None:
    competencies = observed.competencies if observed else {}
    linked = site.courses[course.idnumber].competency_ids if course.idnumber in site.courses else set()
    for idnumber in course.competencies:
        found = competencies.get(idnumber)
        if found is not None and found.id in linked:
            run.unchanged += 1
        else:
            run.changes.append(Change("link", "add", idnumber, {"framework": framework.idnumber, "competency": idnumber}))


def _linked_frameworks(courses: Sequence[DesiredCourse], plan: Plan) -> dict[str, list[DesiredCourse]]:
    """The courses of the runs that go ahead, by the framework whose competencies they link; a template naming a
    framework without a file, or competencies the framework lacks, is a problem (its links are not planned)."""
    going = {run.run_id for run in plan.runs if not run.blocked}
    linking: dict[str, list[DesiredCourse]] = {}
    for course in courses:
        if course.run_id not in going or not course.competencies:
            continue
        framework = course.framework
        unknown = sorted(set(course.competencies) - {c.idnumber for c in framework.competencies}) if framework else []
        if framework is None:
            problem = (f"template {course.template!r} links competencies of framework {course.competency_framework!r}, "
                       "which has no valid file in the templates' competencies folder; run `lms-sync templates validate`")
        elif unknown:
            problem = (f"template {course.template!r} links competencies that framework {framework.idnumber!r} does "
                       f"not define: {', '.join(unknown)}; run `lms-sync templates validate`")
        else:
            linking.setdefault(framework.idnumber, []).append(course)
            continue
        if problem not in plan.problems:
            plan.problems.append(problem)
    return linking


def _scale_fits(framework: DesiredFramework, site: ObservedSite, plan: Plan) -> bool:
    """A framework is created only on a Moodle scale whose items are its levels (reports would lie otherwise)."""
    items = site.scales.get(framework.scale_id, ())
    if site.offline or [i.casefold() for i in items] == [level.casefold() for level in framework.levels]:
        return True
    plan.problems.append(
        f"{framework.source}: Moodle scale {framework.scale_id} has the items {list(items) or 'none'}, the framework "
        f"needs {list(framework.levels)}; create that scale in Moodle (Site administration › Grades › Scales) and set "
        "scale.moodle_scale_id (or push.competency_scale_id) to its id")
    return False


def competency_changes(courses: Sequence[DesiredCourse], site: ObservedSite, plan: Plan) -> None:
    runs = {run.run_id: run for run in plan.runs}
    for idnumber, linking in sorted(_linked_frameworks(courses, plan).items()):
        framework, observed = linking[0].framework, site.frameworks.get(idnumber)
        assert framework is not None  # _linked_frameworks keeps only courses with their framework's file
        if observed is None and not _scale_fits(framework, site, plan):
            continue
        _framework_changes(framework, observed, plan)
        for course in linking:
            _link_changes(course, framework, observed, site, runs[course.run_id])
