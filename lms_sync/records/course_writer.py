"""Write one pulled course (`CourseSnapshot`) into the records: upsert by Moodle ids, delete what disappeared.

Runs inside the caller's transaction; the store wraps each course in one, so a failure leaves the course as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, select, update

from lms_sync.records import anonymous_responses
from lms_sync.records.people import link_enrolled_users, linked_persons
from lms_sync.records.rows import Key, TableCounts, sync_rows
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
from lms_sync.records.snapshot import CourseSnapshot


@dataclass
class SnapshotCounts:
    """What writing one course snapshot did, per table; `changed == 0` for a re-pull of an unchanged course."""

    tables: dict[str, TableCounts] = field(default_factory=dict)
    ratings_skipped_without_opt_in: int = 0
    """Competency ratings not stored because the person did not opt in to the consultation."""

    def add(self, table: str, counts: TableCounts) -> None:
        self.tables[table] = self.tables.get(table, TableCounts()) + counts

    @property
    def total(self) -> TableCounts:
        return sum(self.tables.values(), TableCounts())

    @property
    def changed(self) -> int:
        return self.total.changed

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable form for the journal and `--json` output."""
        return {
            "tables": {name: vars(counts).copy() for name, counts in sorted(self.tables.items())},
            "ratings_skipped_without_opt_in": self.ratings_skipped_without_opt_in,
        }


def ensure_site(connection: Connection, url: str, release: str | None) -> int:
    """The id of the site row for `url`, created on first sight; the release is kept current."""
    site_id = connection.scalar(select(sites.c.id).where(sites.c.url == url))
    if site_id is None:
        return connection.execute(sites.insert().values(url=url, release=release).returning(sites.c.id)).scalar_one()
    if release is not None:
        connection.execute(
            update(sites).where(and_(sites.c.id == site_id, sites.c.release.is_distinct_from(release))).values(release=release)
        )
    return site_id


def _write_course_row(connection: Connection, site_id: int, snapshot: CourseSnapshot, counts: SnapshotCounts) -> int:
    scope = and_(courses.c.site_id == site_id, courses.c.moodle_id == snapshot.course_id)
    values = {
        "idnumber": snapshot.idnumber,
        "shortname": snapshot.shortname,
        "fullname": snapshot.fullname,
        "startdate": snapshot.startdate,
        "enddate": snapshot.enddate,
        "run_id": snapshot.run_id,
        "template": snapshot.template,
    }
    result = sync_rows(connection, courses, scope, ("site_id", "moodle_id"), {(site_id, snapshot.course_id): values})
    counts.add("courses", result.counts)
    course_id = result.ids[(site_id, snapshot.course_id)]
    # Bookkeeping, not data: not counted, so an unchanged re-pull still reports zero changes.
    connection.execute(update(courses).where(courses.c.id == course_id).values(last_pulled_at=snapshot.pulled_at))
    return course_id


def _write_enrolments_and_completion(
    connection: Connection, course_id: int, snapshot: CourseSnapshot, person_by_user: dict[int, int], counts: SnapshotCounts
) -> None:
    enrolled = {
        (course_id, person_by_user[u.user_id]): {
            "roles": ",".join(u.roles),
            "role_ids": ",".join(map(str, u.role_ids)),
            "status": u.status,
            "timestart": u.timestart,
            "timeend": u.timeend,
            "lastaccess": u.lastaccess,
            "groups": ",".join(u.groups),
        }
        for u in snapshot.users
        if u.user_id in person_by_user
    }
    linked = [c for c in snapshot.completions if c.user_id in person_by_user]
    completed = {
        (course_id, person_by_user[c.user_id]): {"completed": c.completed, "timecompleted": c.timecompleted} for c in linked
    }
    activities = {
        (course_id, person_by_user[c.user_id], a.cmid): {
            "modname": a.modname,
            "state": a.state,
            "timecompleted": a.timecompleted,
        }
        for c in linked
        for a in c.activities
    }
    key = ("course_id", "person_id")
    counts.add("enrolments", sync_rows(connection, enrolments, enrolments.c.course_id == course_id, key, enrolled).counts)
    in_course = course_completion.c.course_id == course_id
    counts.add("course_completion", sync_rows(connection, course_completion, in_course, key, completed).counts)
    in_course = activity_completion.c.course_id == course_id
    result = sync_rows(connection, activity_completion, in_course, (*key, "cmid"), activities)
    counts.add("activity_completion", result.counts)


def _write_feedback(
    connection: Connection, site_id: int, course_id: int, snapshot: CourseSnapshot, counts: SnapshotCounts
) -> None:
    instruments = {
        (site_id, f.feedback_id): {"course_id": course_id, "cmid": f.cmid, "name": f.name, "anonymous": f.anonymous}
        for f in snapshot.feedback
    }
    result = sync_rows(
        connection,
        feedback_instruments,
        feedback_instruments.c.course_id == course_id,
        ("site_id", "moodle_feedback_id"),
        instruments,
    )
    counts.add("feedback_instruments", result.counts)
    instrument_ids = [result.ids[(site_id, f.feedback_id)] for f in snapshot.feedback]
    by_feedback = dict(zip((f.feedback_id for f in snapshot.feedback), instrument_ids, strict=True))

    items = {
        (by_feedback[f.feedback_id], i.item_id): i.model_dump(exclude={"item_id"}) for f in snapshot.feedback for i in f.items
    }
    in_instruments = feedback_items.c.instrument_id.in_(instrument_ids)
    item_result = sync_rows(connection, feedback_items, in_instruments, ("instrument_id", "moodle_item_id"), items)
    counts.add("feedback_items", item_result.counts)

    named_users = [a.user_id for f in snapshot.feedback for a in f.attempts if a.user_id is not None]
    person_by_user = linked_persons(connection, site_id, named_users)
    responses: dict[Key, dict[str, Any]] = {
        (by_feedback[f.feedback_id], a.attempt_id): {
            "person_id": person_by_user.get(a.user_id),  # type: ignore[arg-type]  # named: user_id is set
            "anonymous": False,
            "submitted_at": a.submitted_at,
        }
        for f in snapshot.feedback
        for a in f.attempts
        if not a.anonymous
    }
    named_in_instruments = and_(feedback_responses.c.instrument_id.in_(instrument_ids),
                                feedback_responses.c.anonymous.is_(False))
    response_key = ("instrument_id", "moodle_attempt_id")
    response_result = sync_rows(connection, feedback_responses, named_in_instruments, response_key, responses)
    counts.add("feedback_responses", response_result.counts)

    answers = {
        (
            response_result.ids[(by_feedback[f.feedback_id], a.attempt_id)],
            item_result.ids[(by_feedback[f.feedback_id], answer.item_id)],
        ): {"numeric_value": answer.numeric_value, "text_value": answer.text_value}
        for f in snapshot.feedback
        for a in f.attempts
        if not a.anonymous
        for answer in a.answers
    }
    of_responses = feedback_answers.c.response_id.in_(select(feedback_responses.c.id).where(named_in_instruments))
    answer_result = sync_rows(connection, feedback_answers, of_responses, ("response_id", "item_id"), answers)
    counts.add("feedback_answers", answer_result.counts)

    for f in snapshot.feedback:
        instrument_id = by_feedback[f.feedback_id]
        item_ids = {item.item_id: item_result.ids[(instrument_id, item.item_id)] for item in f.items}
        anonymous = [a for a in f.attempts if a.anonymous]
        response_counts, answer_counts = anonymous_responses.replace(connection, instrument_id, item_ids, anonymous)
        counts.add("feedback_responses", response_counts)
        counts.add("feedback_answers", answer_counts)


def _write_competency_ratings(
    connection: Connection,
    site_id: int,
    course_id: int,
    snapshot: CourseSnapshot,
    person_by_user: dict[int, int],
    counts: SnapshotCounts,
) -> None:
    frameworks = {
        (site_id, c.framework_id): {"idnumber": c.framework_idnumber, "shortname": c.framework_shortname}
        for c in snapshot.competencies
    }
    in_site = and_(
        competency_frameworks.c.site_id == site_id,
        competency_frameworks.c.moodle_id.in_([moodle_id for _, moodle_id in frameworks]),
    )
    # Frameworks and competencies are shared by many courses: a course never deletes them.
    framework_result = sync_rows(
        connection, competency_frameworks, in_site, ("site_id", "moodle_id"), frameworks, delete_missing=False
    )
    counts.add("competency_frameworks", framework_result.counts)
    framework_ids = framework_result.ids
    listed = {
        (framework_ids[(site_id, c.framework_id)], c.competency_id): {
            "idnumber": c.idnumber,
            "shortname": c.shortname,
            "parent_moodle_id": c.parent_id,
        }
        for c in snapshot.competencies
    }
    in_frameworks = competencies.c.framework_id.in_(list(framework_ids.values()))
    competency_result = sync_rows(
        connection, competencies, in_frameworks, ("framework_id", "moodle_id"), listed, delete_missing=False
    )
    counts.add("competencies", competency_result.counts)
    competency_ids = {moodle_id: row_id for (_, moodle_id), row_id in competency_result.ids.items()}

    opted_in = set(
        connection.scalars(
            select(people.c.id).where(
                and_(people.c.id.in_(list(person_by_user.values())), people.c.consultation_opt_in.is_(True))
            )
        )
    )
    ratings: dict[Key, dict[str, Any]] = {}
    for rating in snapshot.competency_ratings:
        person_id = person_by_user.get(rating.user_id)
        if person_id not in opted_in:
            counts.ratings_skipped_without_opt_in += 1
            continue
        # Keyed by plan too: the course rating (plan None) and a plan rating of the same competency are two rows.
        ratings[(person_id, course_id, rating.plan_id, competency_ids[rating.competency_id])] = rating.model_dump(
            include={"plan_name", "rating", "proficient", "grade_label", "evidence_note", "rated_at"}
        )
    key = ("person_id", "course_id", "plan_moodle_id", "competency_id")
    result = sync_rows(connection, competency_ratings, competency_ratings.c.course_id == course_id, key, ratings)
    counts.add("competency_ratings", result.counts)


def write_course_snapshot(connection: Connection, snapshot: CourseSnapshot) -> SnapshotCounts:
    """Make the stored state of the snapshot's course equal to the snapshot; returns per-table counts."""
    counts = SnapshotCounts()
    site_id = ensure_site(connection, snapshot.site_url, snapshot.site_release)
    course_id = _write_course_row(connection, site_id, snapshot, counts)
    links = link_enrolled_users(connection, site_id, snapshot.users, snapshot.pulled_at)
    counts.add("people", links.people)
    counts.add("person_accounts", links.accounts)
    _write_enrolments_and_completion(connection, course_id, snapshot, links.person_by_user, counts)
    _write_feedback(connection, site_id, course_id, snapshot, counts)
    _write_competency_ratings(connection, site_id, course_id, snapshot, links.person_by_user, counts)
    return counts
