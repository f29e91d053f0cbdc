"""The participation report: who took part in which run, with course completion, as the basis for certificates.

Only participants (the role push enrols them with, `push.student_role_id`) are listed; trainers do not get certificates.
Suspended enrolments are listed and marked, but not counted among the run's participants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from lms_sync.records.queries import CourseRef, ParticipationRow
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
    def counted(self) -> tuple[ParticipationRow, ...]:
        """Participants whose enrolment is not known to be suspended: those the completion figure is about."""
        return tuple(row for row in self.participants if row.active is not False)

    @property
    def completed(self) -> int:
        return sum(1 for row in self.counted if row.completed)

    @property
    def suspended(self) -> int:
        return sum(1 for row in self.participants if row.active is False)

    @property
    def status_unknown(self) -> int:
        """Participants pulled without their enrolment state (older records, or a site that would not tell)."""
        return sum(1 for row in self.participants if row.active is None)


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
        if row.participant:
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
    "enrolment",
)
ENROLMENT_STATES = {True: "active", False: "suspended", None: "unknown"}


def participation_csv(report: ParticipationReport, timezone: ZoneInfo) -> str:
    """One row per participant and run; `enrolment` comes last so readers of the older columns keep working."""
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
            ENROLMENT_STATES[person.active],
        ]
        for run in report.runs
        for person in run.participants
    ]
    return csv_text(PARTICIPATION_COLUMNS, rows)
