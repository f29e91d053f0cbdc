"""The participation report: who took part in which run, with course completion, as the basis for certificates.

Only participants (Moodle role "student") are listed; trainers do not get certificates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from lms_sync.records.queries import STUDENT_ROLE, CourseRef, ParticipationRow
from lms_sync.reports.csv_output import csv_text, iso_date
from lms_sync.reports.evaluation import run_caption


@dataclass(frozen=True)
class RunParticipation:
    course: CourseRef
    participants: tuple[ParticipationRow, ...]

    @property
    def caption(self) -> str:
        return run_caption(self.course)

    @property
    def completed(self) -> int:
        return sum(1 for row in self.participants if row.completed)


@dataclass(frozen=True)
class ParticipationReport:
    title: str
    generated_at: datetime
    runs: tuple[RunParticipation, ...]


def build_participation_report(rows: Sequence[ParticipationRow], generated_at: datetime) -> ParticipationReport:
    """Group the enrolments by course (in the order given), keeping participants only."""
    by_course: dict[tuple[str, int], list[ParticipationRow]] = {}
    courses: dict[tuple[str, int], CourseRef] = {}
    for row in rows:
        key = (row.course.site_url, row.course.moodle_id)
        courses.setdefault(key, row.course)
        if STUDENT_ROLE in row.roles:
            by_course.setdefault(key, []).append(row)
    runs = tuple(RunParticipation(course, tuple(by_course.get(key, ()))) for key, course in courses.items())
    return ParticipationReport(title="Teilnahme und Abschluss", generated_at=generated_at, runs=runs)


PARTICIPATION_COLUMNS = (
    "run_id",
    "course_idnumber",
    "course",
    "course_start",
    "course_end",
    "lastname",
    "firstname",
    "email",
    "organisation",
    "sector",
    "groups",
    "completed",
    "completed_on",
    "activities_completed",
    "activities_tracked",
)


def participation_csv(report: ParticipationReport, timezone: ZoneInfo) -> str:
    """One row per participant and run."""
    rows = [
        [
            run.course.run_id or "",
            run.course.idnumber or "",
            run.course.fullname,
            iso_date(run.course.startdate, timezone),
            iso_date(run.course.enddate, timezone),
            person.lastname,
            person.firstname,
            person.email,
            person.organisation,
            person.sector,
            "; ".join(person.groups),
            "yes" if person.completed else "no",
            iso_date(person.timecompleted, timezone),
            person.activities_completed,
            person.activities_tracked,
        ]
        for run in report.runs
        for person in run.participants
    ]
    return csv_text(PARTICIPATION_COLUMNS, rows)
