"""The competency part of push's observation: the frameworks the runs link, their competencies, the run courses'
links and, for a framework still to create, its scale — read inside observe's batched rounds, never in a round of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from lms_sync.moodle.api import competencies as api
from lms_sync.moodle.api.calls import Call, checked
from lms_sync.moodle.errors import SITE_WIDE, MoodleError
from lms_sync.push.desired import DesiredCourse, DesiredFramework
from lms_sync.push.observed import ObservedCourse, ObservedFramework, ObservedSite

Read = tuple[Call, Callable[[Any], None]]
"""a read and what to do with its answer (a result or the `MoodleError` it raised)"""


def linked_frameworks(wanted: Sequence[DesiredCourse]) -> dict[str, DesiredFramework]:
    """The frameworks whose competencies the runs link, by idnumber."""
    return {f.idnumber: f for c in wanted if (f := c.linked_framework) is not None}


def framework_reads(site: ObservedSite, wanted: Sequence[DesiredCourse]) -> list[Read]:
    """Each linked framework by its idnumber (Moodle's `query` is a substring search: the exact one is picked)."""

    def found(idnumber: str, answer: Any) -> None:
        match = next((f for f in map(api.framework_from, checked(answer)) if f.idnumber == idnumber), None)
        if match is not None:
            site.frameworks[idnumber] = ObservedFramework(match)

    return [(api.frameworks_matching(idnumber), partial(found, idnumber)) for idnumber in sorted(linked_frameworks(wanted))]


def detail_reads(site: ObservedSite, wanted: Sequence[DesiredCourse]) -> list[Read]:
    """For a found framework its competencies and the links of the run courses that exist; for a missing one the
    items of the scale it is to be created on. An unchanged world reads no scale."""

    def competencies(framework: ObservedFramework, answer: Any) -> None:
        framework.competencies = {c.idnumber: c for c in map(api.competency_from, checked(answer))}

    def scale(scale_id: int, answer: Any) -> None:
        # A scale Moodle does not have answers an error (its code fails on the missing record): no items.
        unknown = isinstance(answer, MoodleError) and not isinstance(answer, SITE_WIDE)
        site.scales[scale_id] = () if unknown else api.scale_items_from(checked(answer))

    def links(course: ObservedCourse, answer: Any) -> None:
        """A run course's links; a read that cannot be used fails the run (site-wide errors are raised)."""
        what = f"competencies linked to course id {course.course.id}"
        if (found := site.usable(answer, what, [course.course.idnumber])) is not None:
            course.competency_ids = {c.id for c in api.course_competencies_from(found)}

    frameworks = linked_frameworks(wanted)
    reads: list[Read] = [(api.competencies_of(site.frameworks[i].framework.id), partial(competencies, site.frameworks[i]))
                         for i in sorted(frameworks) if i in site.frameworks]
    reads += [(api.scale_values(scale_id), partial(scale, scale_id))
              for scale_id in sorted({f.scale_id for i, f in frameworks.items() if i not in site.frameworks})]
    for desired in wanted:
        course, framework = site.courses.get(desired.idnumber), desired.linked_framework
        if course is not None and framework is not None and framework.idnumber in site.frameworks:
            reads.append((api.course_competencies(course.course.id), partial(links, course)))
    return reads
