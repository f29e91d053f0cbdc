"""Data protection: export everything stored about a person, erase a person, purge personal data past retention.

Erasure and purge keep anonymous aggregates: feedback answers stay, unlinked from anybody, so reports remain valid.
"""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, exists, func, insert, or_, select, update

from lms_sync.records.errors import PersonNotFound
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
    forgotten_accounts,
    people,
    person_accounts,
    sites,
)

# Tables whose rows are personal data of one person and go with them (feedback responses are unlinked instead).
PERSONAL_TABLES: tuple[Table, ...] = (enrolments, course_completion, activity_completion, competency_ratings)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _records(connection: Connection, query: Any) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row.items()} for row in connection.execute(query).mappings()]


def _person_id(connection: Connection, email: str) -> int:
    person_id = connection.scalar(select(people.c.id).where(people.c.email == normalise_email(email)))
    if person_id is None:
        raise PersonNotFound("no person with this e-mail address is stored; check the spelling")
    return person_id


_COURSE_COLUMNS = (
    sites.c.url.label("site_url"),
    courses.c.moodle_id.label("course_moodle_id"),
    courses.c.idnumber.label("course_idnumber"),
    courses.c.shortname.label("course_shortname"),
    courses.c.run_id,
)


def _course_rows(connection: Connection, table: Table, person_id: int) -> list[dict[str, Any]]:
    own_columns = [column for column in table.c if column.name not in ("id", "person_id", "course_id")]
    query = (
        select(*_COURSE_COLUMNS, *own_columns)
        .join_from(table, courses, table.c.course_id == courses.c.id)
        .join(sites, courses.c.site_id == sites.c.id)
        .where(table.c.person_id == person_id)
        .order_by(courses.c.moodle_id)
    )
    return _records(connection, query)


def _feedback_responses(connection: Connection, person_id: int) -> list[dict[str, Any]]:
    responses = _records(
        connection,
        select(
            feedback_responses.c.id,
            *_COURSE_COLUMNS,
            feedback_instruments.c.name.label("feedback"),
            feedback_responses.c.submitted_at,
        )
        .join_from(feedback_responses, feedback_instruments)
        .join(courses, feedback_instruments.c.course_id == courses.c.id)
        .join(sites, courses.c.site_id == sites.c.id)
        .where(feedback_responses.c.person_id == person_id)
        .order_by(feedback_responses.c.id),
    )
    for response in responses:
        response["answers"] = _records(
            connection,
            select(
                feedback_items.c.label,
                feedback_items.c.question,
                feedback_answers.c.numeric_value,
                feedback_answers.c.text_value,
            )
            .join_from(feedback_answers, feedback_items)
            .where(feedback_answers.c.response_id == response.pop("id"))
            .order_by(feedback_items.c.position),
        )
    return responses


def _competency_ratings(connection: Connection, person_id: int) -> list[dict[str, Any]]:
    query = (
        select(
            competency_frameworks.c.idnumber.label("framework_idnumber"),
            competencies.c.idnumber.label("competency_idnumber"),
            competencies.c.shortname.label("competency"),
            courses.c.idnumber.label("course_idnumber"),
            competency_ratings.c.plan_moodle_id,
            competency_ratings.c.plan_name,
            competency_ratings.c.rating,
            competency_ratings.c.proficient,
            competency_ratings.c.grade_label,
            competency_ratings.c.evidence_note,
            competency_ratings.c.rated_at,
        )
        .join_from(competency_ratings, competencies)
        .join(competency_frameworks)
        .outerjoin(courses, competency_ratings.c.course_id == courses.c.id)
        .where(competency_ratings.c.person_id == person_id)
        .order_by(competency_ratings.c.rated_at, competencies.c.idnumber)
    )
    return _records(connection, query)


def export_person(connection: Connection, email: str) -> dict[str, Any]:
    """Everything stored about the person, JSON-serialisable (times as ISO 8601 strings)."""
    person_id = _person_id(connection, email)
    person = _records(connection, select(*(c for c in people.c if c.name != "id")).where(people.c.id == person_id))[0]
    accounts = _records(
        connection,
        select(sites.c.url.label("site_url"), person_accounts.c.moodle_user_id)
        .join_from(person_accounts, sites)
        .where(person_accounts.c.person_id == person_id),
    )
    return {
        "person": person,
        "moodle_accounts": accounts,
        "enrolments": _course_rows(connection, enrolments, person_id),
        "course_completion": _course_rows(connection, course_completion, person_id),
        "activity_completion": _course_rows(connection, activity_completion, person_id),
        "feedback_responses": _feedback_responses(connection, person_id),
        "competency_ratings": _competency_ratings(connection, person_id),
    }


def forget_person(connection: Connection, email: str, now: datetime) -> dict[str, int]:
    """Erase the person: their rows go, their named feedback responses stay in the aggregates without a link.

    Their Moodle accounts are remembered by number only (forgotten_accounts), so a later pull does not re-create them.
    Free-text answers are kept as written; a participant who named themselves in one must be handled by hand.
    """
    person_id = _person_id(connection, email)
    accounts = connection.execute(
        select(person_accounts.c.site_id, person_accounts.c.moodle_user_id).where(person_accounts.c.person_id == person_id)
    ).all()
    if accounts:
        tombstones = [{"site_id": site, "moodle_user_id": user, "forgotten_at": now} for site, user in accounts]
        already = set(connection.execute(select(forgotten_accounts.c.site_id, forgotten_accounts.c.moodle_user_id)))
        fresh = [row for row in tombstones if (row["site_id"], row["moodle_user_id"]) not in already]
        if fresh:
            connection.execute(insert(forgotten_accounts), fresh)
    counts = {
        table.name: connection.execute(delete(table).where(table.c.person_id == person_id)).rowcount for table in PERSONAL_TABLES
    }
    unlink = update(feedback_responses).where(feedback_responses.c.person_id == person_id).values(person_id=None)
    counts["feedback_responses_unlinked"] = connection.execute(unlink).rowcount
    counts["person_accounts"] = connection.execute(
        delete(person_accounts).where(person_accounts.c.person_id == person_id)
    ).rowcount
    counts["people"] = connection.execute(delete(people).where(people.c.id == person_id)).rowcount
    return counts


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's last day)."""
    year, month_index = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month_index + 1)[1])
    return moment.replace(year=year, month=month_index + 1, day=day)


def purge_older_than(connection: Connection, months: int, now: datetime) -> dict[str, int]:
    """Purge personal data of courses that ended more than `months` months before `now` (0 keeps everything).

    A course's age is its end date, else its start date; courses with neither are kept. Enrolments, completion and
    ratings of those courses are deleted, their feedback responses unlinked, and people left with nothing are erased.
    """
    if months <= 0:
        return {}
    cutoff = months_before(now, months)
    old_course_ids = select(courses.c.id).where(func.coalesce(courses.c.enddate, courses.c.startdate) < cutoff)
    touched_people = set(
        connection.scalars(
            select(enrolments.c.person_id)
            .where(enrolments.c.course_id.in_(old_course_ids))
            .union(select(competency_ratings.c.person_id).where(competency_ratings.c.course_id.in_(old_course_ids)))
        )
    )
    counts = {
        table.name: connection.execute(delete(table).where(table.c.course_id.in_(old_course_ids))).rowcount
        for table in PERSONAL_TABLES
    }
    old_instruments = select(feedback_instruments.c.id).where(feedback_instruments.c.course_id.in_(old_course_ids))
    counts["feedback_responses_unlinked"] = connection.execute(
        update(feedback_responses)
        .where(and_(feedback_responses.c.instrument_id.in_(old_instruments), feedback_responses.c.person_id.is_not(None)))
        .values(person_id=None)
    ).rowcount
    connection.execute(
        update(courses)
        .where(and_(courses.c.id.in_(old_course_ids), courses.c.personal_data_purged_at.is_(None)))
        .values(personal_data_purged_at=now)
    )
    counts["people"] = _delete_people_without_records(connection, touched_people)
    return counts


def _delete_people_without_records(connection: Connection, person_ids: set[int]) -> int:
    if not person_ids:
        return 0
    still_referenced = or_(
        *(exists().where(table.c.person_id == people.c.id) for table in (*PERSONAL_TABLES, feedback_responses))
    )
    query = delete(people).where(and_(people.c.id.in_(sorted(person_ids)), ~still_referenced))
    return connection.execute(query).rowcount
