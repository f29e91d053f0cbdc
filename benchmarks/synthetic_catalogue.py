"""A synthetic workshop catalogue of any size for the benchmark: weekly runs of the bundled template, each with
its own participants (mixed sectors) and two trainers from a shared pool, rendered into desired courses.

Deterministic, so two fakes built from it end in states that can be compared object by object.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from lms_sync.catalogue import Participant, Person, Sector, Session, SourceLocation, WorkshopRun
from lms_sync.config import PushSettings
from lms_sync.push.desired import DesiredCourse, desired_course
from lms_sync.templates import CourseTemplate, load_template

REPO = Path(__file__).resolve().parents[1]
TEMPLATE_FOLDER = REPO / "course_templates" / "kommune-zivilgesellschaft"
TRAINER_POOL = 10
SESSION_DAYS = (0, 1)  # two consecutive workshop days per run
_SECTORS = (Sector.ADMINISTRATION, Sector.CIVIL_SOCIETY, Sector.POLITICS)
_FIRST_DAY = datetime(2027, 1, 11, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def bundled_template() -> CourseTemplate:
    return load_template(TEMPLATE_FOLDER)


def _trainer(number: int, tag: str) -> Person:
    return Person(email=f"referentin{tag}-{number:02d}@partizipation.example.org", firstname="Referentin",
                  lastname=f"Nummer {number}", organisation="Berlin Institut für Partizipation")


def _participant(run: int, number: int, tag: str) -> Participant:
    sector = _SECTORS[number % len(_SECTORS)]
    return Participant(email=f"tn{tag}-{run:03d}-{number:02d}@kommune.example.org", firstname=f"Vorname{number}",
                       lastname=f"Nachname{run}-{number}", organisation=f"Organisation {number % 7}", sector=sector)


def synthetic_runs(template: CourseTemplate, runs: int, participants: int, tag: str = "") -> list[WorkshopRun]:
    """`runs` weekly two-day runs with `participants` people each; trainers rotate through a pool of ten.

    `tag` goes into every run id and email, so catalogues with different tags share nothing (a shared live site).
    """
    catalogue = []
    for number in range(runs):
        first = _FIRST_DAY + timedelta(weeks=number)
        sessions = [Session(start=first + timedelta(days=day), end=first + timedelta(days=day, hours=7),
                            place="Berlin, Raum 2.01") for day in SESSION_DAYS]
        catalogue.append(WorkshopRun(
            id=f"bench{tag}-{number + 1:03d}", template=template.slug, start=sessions[0].start, end=sessions[-1].end,
            sessions=sessions, trainers=[_trainer(number % TRAINER_POOL, tag), _trainer((number + 1) % TRAINER_POOL, tag)],
            participants=[_participant(number + 1, n + 1, tag) for n in range(participants)],
            source=SourceLocation(file=Path("synthetic-benchmark-catalogue")),
        ))
    return catalogue


def synthetic_courses(runs: int, participants: int, push: PushSettings) -> list[DesiredCourse]:
    """The desired courses of the synthetic catalogue.

    Competency links are left out: they belong to the Kompetenzberatung push, which issue 7 does not benchmark.
    """
    template = bundled_template()
    return [replace(desired_course(template, run, push), competencies=())
            for run in synthetic_runs(template, runs, participants)]
