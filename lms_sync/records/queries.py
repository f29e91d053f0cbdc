"""Read models for reports: evaluation data per run, template or trainer; participation with completion; ratings.

Evaluation data never carries a person: reports aggregate answers, and named responses stay unnamed here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, case, func, or_, select

from lms_sync.records.people import normalise_email
from lms_sync.records.schema import (
    activity_completion,
    competencies,
    competency_frameworks,
    competency_ratings,
    course_completion,
    courses,
    enrolments,
    feedback_answers,
    feedback_instruments,
    feedback_items,
    feedback_responses,
    people,
    sites,
)
from lms_sync.records.snapshot import ENROLMENT_ACTIVE, ENROLMENT_NOT_ACTIVE

EDITING_TEACHER = "editingteacher"
"""the shortname Moodle's install gives its editing teacher role (the role's name is translated, its id may differ)"""


@dataclass(frozen=True)
class Enrolled:
    """One active enrolment of a course: the person's e-mail, their role ids and role shortnames."""

    email: str
    role_ids: frozenset[int]
    roles: frozenset[str]


@dataclass(frozen=True)
class CourseRoles:
    """Who counts as a participant or a trainer, by Moodle role id: the roles push enrols them with
    (`push.student_role_id`, `push.teacher_role_id`). A role's name and shortname differ from site to site; its id is
    what the configuration names."""

    participant: int
    trainers: frozenset[int]

    def trainers_among(self, enrolled: Sequence[Enrolled]) -> tuple[str, ...]:
        """The e-mails of a course's trainers: who holds a trainer role. In a course where nobody does, its editing
        teachers: it was pushed before `push.teacher_role_id` moved from Moodle's editing teacher (the default) to the
        trainer role of docs/moodle/trainer_role.php, as docs/run-courses.md advises, and its trainers stay trainers."""
        holders = [person.email for person in enrolled if self.trainers & person.role_ids]
        return tuple(sorted(holders or [person.email for person in enrolled if EDITING_TEACHER in person.roles]))

    @classmethod
    def enrolled_by(cls, student_role_id: int, teacher_role_id: int) -> CourseRoles:
        """The roles of push's settings: participants with `student_role_id`, trainers with `teacher_role_id`."""
        return cls(participant=student_role_id, trainers=frozenset({teacher_role_id}))


@dataclass(frozen=True)
class CourseRef:
    """The course (a workshop run's Moodle course) a report row belongs to."""

    site_url: str
    moodle_id: int
    idnumber: str | None
    shortname: str
    fullname: str
    run_id: str | None
    template: str | None
    startdate: datetime | None
    enddate: datetime | None


@dataclass(frozen=True)
class EvaluationItem:
    moodle_item_id: int
    label: str
    typ: str
    question: str
    presentation: str
    position: int
    scale_min: float | None
    scale_max: float | None


@dataclass(frozen=True)
class EvaluationAnswer:
    numeric_value: float | None
    text_value: str | None


@dataclass(frozen=True)
class EvaluationResponse:
    """One submitted questionnaire, without any link to who submitted it."""

    submitted_at: datetime | None
    answers: dict[int, EvaluationAnswer]
    """By Moodle item id."""


@dataclass(frozen=True)
class CourseEvaluation:
    """One feedback instrument of one course with everything a report needs for response rates and distributions."""

    course: CourseRef
    feedback_name: str
    anonymous: bool
    participants: int
    """Enrolled users with the participant role (`CourseRoles.participant`): the denominator of the response rate."""
    trainer_emails: tuple[str, ...]
    items: tuple[EvaluationItem, ...]
    responses: tuple[EvaluationResponse, ...]


@dataclass(frozen=True)
class ParticipationRow:
    """Who took part in which course, with completion: the basis for certificates."""

    course: CourseRef
    email: str
    firstname: str
    lastname: str
    organisation: str
    sector: str
    participant: bool
    """enrolled with the participant role (`CourseRoles.participant`); trainers are not"""
    groups: tuple[str, ...]
    active: bool | None
    """Whether the enrolment was active at the last pull: False when suspended (or outside its dates), None unknown."""
    completed: bool
    timecompleted: datetime | None
    activities_completed: int
    activities_tracked: int


@dataclass(frozen=True)
class RatingRow:
    """One competency rating of a person, in a course or a learning plan."""

    framework_idnumber: str
    competency_idnumber: str
    competency: str
    parent_moodle_id: int | None
    course: CourseRef | None
    plan_moodle_id: int | None
    plan_name: str
    rating: int | None
    proficient: bool | None
    grade_label: str
    evidence_note: str
    rated_at: datetime | None


_COURSE_REF_COLUMNS = (
    sites.c.url.label("site_url"),
    courses.c.moodle_id,
    courses.c.idnumber,
    courses.c.shortname,
    courses.c.fullname,
    courses.c.run_id,
    courses.c.template,
    courses.c.startdate,
    courses.c.enddate,
)


def _course_ref(row: Any) -> CourseRef:
    return CourseRef(**{column.name: row[column.name] for column in _COURSE_REF_COLUMNS})


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part)


def _role_ids(text: str) -> frozenset[int]:
    """An enrolment's `role_ids` column."""
    return frozenset(int(part) for part in _split(text))


def _roles_by_course(connection: Connection, course_ids: Sequence[int]) -> dict[int, list[Enrolled]]:
    """Who is enrolled in each course with which roles; not-active (suspended) enrolments are left out."""
    query = (
        select(enrolments.c.course_id, people.c.email, enrolments.c.role_ids, enrolments.c.roles)
        .join_from(enrolments, people)
        .where(enrolments.c.course_id.in_(course_ids))
        .where(or_(enrolments.c.status.is_(None), enrolments.c.status != ENROLMENT_NOT_ACTIVE))
    )
    found: dict[int, list[Enrolled]] = defaultdict(list)
    for course_id, email, role_ids, roles in connection.execute(query):
        found[course_id].append(Enrolled(email, _role_ids(role_ids), frozenset(_split(roles))))
    return found


def _by_content(response: EvaluationResponse) -> list[tuple[int, bool, float, str]]:
    return sorted((item, a.numeric_value is None, a.numeric_value or 0.0, a.text_value or "")
                  for item, a in response.answers.items())


def _answers_by_response(connection: Connection, instrument_id: int) -> dict[int, dict[int, EvaluationAnswer]]:
    query = (
        select(
            feedback_answers.c.response_id,
            feedback_items.c.moodle_item_id,
            feedback_answers.c.numeric_value,
            feedback_answers.c.text_value,
        )
        .join_from(feedback_answers, feedback_items)
        .where(feedback_items.c.instrument_id == instrument_id)
    )
    found: dict[int, dict[int, EvaluationAnswer]] = defaultdict(dict)
    for response_id, item_id, numeric_value, text_value in connection.execute(query):
        found[response_id][item_id] = EvaluationAnswer(numeric_value, text_value)
    return found


def _filtered(query: Select[Any], run_ids: Sequence[str] | None, template: str | None) -> Select[Any]:
    """`run_ids` name catalogue runs, or courses by idnumber or shortname (those pulled with `pull --course`)."""
    if run_ids is not None:
        query = query.where(or_(courses.c.run_id.in_(run_ids), courses.c.idnumber.in_(run_ids),
                                courses.c.shortname.in_(run_ids)))
    if template is not None:
        query = query.where(courses.c.template == template)
    return query


def evaluation_data(
    connection: Connection,
    roles: CourseRoles,
    *,
    run_ids: Sequence[str] | None = None,
    template: str | None = None,
    trainer_email: str | None = None,
) -> list[CourseEvaluation]:
    """Feedback instruments of the selected courses (all filters combine), ordered by course start and name."""
    query = _filtered(
        select(feedback_instruments, courses.c.id.label("course_row_id"), *_COURSE_REF_COLUMNS)
        .join_from(feedback_instruments, courses, feedback_instruments.c.course_id == courses.c.id)
        .join(sites, courses.c.site_id == sites.c.id)
        .order_by(courses.c.startdate, courses.c.moodle_id, feedback_instruments.c.name),
        run_ids,
        template,
    )
    instrument_rows = connection.execute(query).mappings().all()
    by_course = _roles_by_course(connection, sorted({row["course_row_id"] for row in instrument_rows}))
    wanted_trainer = normalise_email(trainer_email) if trainer_email else None
    evaluations = []
    for row in instrument_rows:
        enrolled = by_course.get(row["course_row_id"], [])
        trainers = roles.trainers_among(enrolled)
        if wanted_trainer is not None and wanted_trainer not in trainers:
            continue
        items = connection.execute(
            select(*(feedback_items.c[f.name] for f in EvaluationItem.__dataclass_fields__.values()))
            .where(feedback_items.c.instrument_id == row["id"])
            .order_by(feedback_items.c.position)
        ).mappings()
        answers = _answers_by_response(connection, row["id"])
        responses = connection.execute(
            select(feedback_responses.c.id, feedback_responses.c.submitted_at, feedback_responses.c.anonymous)
            .where(feedback_responses.c.instrument_id == row["id"])
            .order_by(feedback_responses.c.id)
        ).all()
        named = [EvaluationResponse(at, answers.get(rid, {})) for rid, at, anonymous in responses if not anonymous]
        # Anonymous rows are stored in random order (records/anonymous_responses.py); sorted by their answers, they
        # come out the same every time and in an order that says nothing about who answered when.
        unnamed = sorted((EvaluationResponse(at, answers.get(rid, {})) for rid, at, anonymous in responses if anonymous),
                         key=_by_content)
        evaluations.append(
            CourseEvaluation(
                course=_course_ref(row),
                feedback_name=row["name"],
                anonymous=row["anonymous"],
                participants=sum(1 for person in enrolled if roles.participant in person.role_ids),
                trainer_emails=trainers,
                items=tuple(EvaluationItem(**item) for item in items),
                responses=(*named, *unnamed),
            )
        )
    return evaluations


def participation(connection: Connection, roles: CourseRoles, *,
                  run_ids: Sequence[str] | None = None) -> list[ParticipationRow]:
    """Every enrolment of the selected courses with its state and course and activity completion, by course and name."""
    activity_counts = (
        select(
            activity_completion.c.course_id,
            activity_completion.c.person_id,
            func.count().label("tracked"),
            # Moodle completion states 1 (complete) and 2 (complete, pass) count as done; 3 is complete-fail.
            func.sum(case((activity_completion.c.state.in_((1, 2)), 1), else_=0)).label("done"),
        )
        .group_by(activity_completion.c.course_id, activity_completion.c.person_id)
        .subquery()
    )
    query = _filtered(
        select(
            *_COURSE_REF_COLUMNS,
            people.c.email,
            people.c.firstname,
            people.c.lastname,
            people.c.organisation,
            people.c.sector,
            enrolments.c.role_ids,
            enrolments.c.groups,
            enrolments.c.status,
            course_completion.c.completed,
            course_completion.c.timecompleted,
            activity_counts.c.tracked,
            activity_counts.c.done,
        )
        .join_from(enrolments, people)
        .join(courses, enrolments.c.course_id == courses.c.id)
        .join(sites, courses.c.site_id == sites.c.id)
        .outerjoin(
            course_completion,
            and_(
                course_completion.c.course_id == enrolments.c.course_id,
                course_completion.c.person_id == enrolments.c.person_id,
            ),
        )
        .outerjoin(
            activity_counts,
            and_(
                activity_counts.c.course_id == enrolments.c.course_id,
                activity_counts.c.person_id == enrolments.c.person_id,
            ),
        )
        .order_by(courses.c.startdate, courses.c.moodle_id, people.c.lastname, people.c.firstname),
        run_ids,
        None,
    )
    return [
        ParticipationRow(
            course=_course_ref(row),
            email=row["email"],
            firstname=row["firstname"],
            lastname=row["lastname"],
            organisation=row["organisation"],
            sector=row["sector"],
            participant=roles.participant in _role_ids(row["role_ids"]),
            groups=_split(row["groups"]),
            active=None if row["status"] is None else row["status"] == ENROLMENT_ACTIVE,
            completed=bool(row["completed"]),
            timecompleted=row["timecompleted"],
            activities_completed=int(row["done"] or 0),
            activities_tracked=int(row["tracked"] or 0),
        )
        for row in connection.execute(query).mappings()
    ]


def person_ratings(connection: Connection, email: str) -> list[RatingRow]:
    """The person's competency ratings across all courses and plans, oldest first (for the portfolio report)."""
    query = (
        select(
            competency_frameworks.c.idnumber.label("framework_idnumber"),
            competencies.c.idnumber.label("competency_idnumber"),
            competencies.c.shortname.label("competency"),
            competencies.c.parent_moodle_id,
            competency_ratings,
            courses.c.id.label("course_row_id"),
            *_COURSE_REF_COLUMNS,
        )
        .join_from(competency_ratings, people)
        .join(competencies, competency_ratings.c.competency_id == competencies.c.id)
        .join(competency_frameworks)
        .outerjoin(courses, competency_ratings.c.course_id == courses.c.id)
        .outerjoin(sites, courses.c.site_id == sites.c.id)
        .where(people.c.email == normalise_email(email))
        .order_by(competency_ratings.c.rated_at, competencies.c.idnumber)
    )
    return [
        RatingRow(
            framework_idnumber=row["framework_idnumber"],
            competency_idnumber=row["competency_idnumber"],
            competency=row["competency"],
            parent_moodle_id=row["parent_moodle_id"],
            course=None if row["course_row_id"] is None else _course_ref(row),
            plan_moodle_id=row["plan_moodle_id"],
            plan_name=row["plan_name"],
            rating=row["rating"],
            proficient=row["proficient"],
            grade_label=row["grade_label"],
            evidence_note=row["evidence_note"],
            rated_at=row["rated_at"],
        )
        for row in connection.execute(query).mappings()
    ]


def person_names(connection: Connection, emails: Sequence[str]) -> dict[str, str]:
    """E-mail -> "Vorname Nachname" for every address given; the address itself when no name is stored."""
    wanted = sorted({normalise_email(email) for email in emails})
    rows = connection.execute(
        select(people.c.email, people.c.firstname, people.c.lastname).where(people.c.email.in_(wanted))
    ).all()
    found = {email: f"{firstname} {lastname}".strip() for email, firstname, lastname in rows}
    return {email: found.get(email) or email for email in wanted}
