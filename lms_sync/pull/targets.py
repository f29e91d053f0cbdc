"""What a pull reads: `CourseTarget`s from catalogue runs or `--course` arguments, and the catalogue's people.

A target names a Moodle course by idnumber or id; runs add their run id and template so reports can group by them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from lms_sync.push.desired import DesiredCourse
from lms_sync.records.people import Participant


@dataclass(frozen=True)
class CourseTarget:
    """One course to pull: by Moodle `course_id` or by `idnumber` (either may be tried, see `from_argument`)."""

    label: str
    """how the user named it (run id, idnumber or id): used in messages and the summary"""
    idnumber: str | None = None
    course_id: int | None = None
    run_id: str | None = None
    template: str | None = None
    required: bool = True
    """False for runs pulled with --all: a run not yet pushed to Moodle is noted, not a failure"""

    @classmethod
    def from_run(cls, course: DesiredCourse, *, required: bool = True) -> CourseTarget:
        return cls(label=course.run_id, idnumber=course.idnumber, run_id=course.run_id, template=course.template,
                   required=required)

    @classmethod
    def from_argument(cls, value: str) -> CourseTarget:
        """`--course 3` (a Moodle id, or an all-digit idnumber) or `--course bip-kvz-2026-01` (an idnumber)."""
        value = value.strip()
        course_id = int(value) if value.isdigit() and len(value) <= 18 else None  # a bigger number is no Moodle id
        return cls(label=value, idnumber=value, course_id=course_id)

    def of_run(self, course: DesiredCourse) -> CourseTarget:
        """This target as the catalogue run whose course it turned out to be (keeps run id and template)."""
        return replace(self, run_id=course.run_id, template=course.template)


def run_targets(courses: Iterable[DesiredCourse], *, required: bool = True) -> list[CourseTarget]:
    return [CourseTarget.from_run(course, required=required) for course in courses]


def catalogue_people(courses: Sequence[DesiredCourse]) -> list[Participant]:
    """Participants and trainers of `courses` as the records know people: one entry per e-mail address.

    The catalogue is the source of truth for names, organisation and sector; whoever opted in to the consultation
    in any run counts as opted in.
    """
    people: dict[str, Participant] = {}
    for course in courses:
        for person, opted_in in [(t, False) for t in course.trainers] + [
            (p, p.consultation_opt_in) for p in course.participants
        ]:
            known = people.get(person.email)
            people[person.email] = Participant(
                email=person.email,
                firstname=person.firstname,
                lastname=person.lastname,
                organisation=person.organisation or "",
                sector=str(person.sector.value),
                consultation_opt_in=opted_in or bool(known and known.consultation_opt_in),
            )
    return list(people.values())
