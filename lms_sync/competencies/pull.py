"""Reads the competency ratings of participants who opted in to the Kompetenzberatung, in a course and in their plans.

Nothing is read for anybody else: the opt-in list decides which users Moodle is even asked about.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api import competencies as api
from lms_sync.moodle.api.calls import ask
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import SITE_WIDE, MoodleError, MoodlePermissionError
from lms_sync.records.snapshot import Competency, CompetencyRating

log = logging.getLogger("lms_sync.competencies")

_NOT_ABOUT_ONE_USER: tuple[type[MoodleError], ...] = (*SITE_WIDE, MoodlePermissionError)
"""a missing capability fails every user's read alike: the course fails instead of losing its ratings one by one"""


@dataclass(frozen=True)
class CompetencyPull:
    """The course's competencies and the opted-in participants' ratings, in the records' snapshot types."""

    competencies: tuple[Competency, ...] = ()
    ratings: tuple[CompetencyRating, ...] = ()
    plan_ratings: tuple[CompetencyRating, ...] = ()
    """Ratings in the users' learning plans: `plan_id` and `plan_name` are set."""


def _answers(client: MoodleClient, calls: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Any]:
    """Batched reads; a failure about one user is logged and skipped (None), any other raised."""
    results: list[Any] = []
    for (wsfunction, params), answer in zip(calls, client.read_many(calls), strict=True):
        if isinstance(answer, _NOT_ABOUT_ONE_USER):
            raise answer
        if isinstance(answer, MoodleError):
            log.warning("skipped %s %s: %s", wsfunction, dict(params), answer)
            answer = None
        results.append(answer)
    return results


def course_competencies(client: MoodleClient, course_id: int) -> list[Competency]:
    """The competencies linked to the course, each with its framework's idnumber and shortname."""
    linked = api.course_competencies_from(ask(client, api.course_competencies(course_id)))
    framework_ids = sorted({competency.frameworkid for competency in linked})
    frameworks = {framework_id: api.framework_from(answer) for framework_id, answer in zip(
        framework_ids, _answers(client, [api.read_framework(i) for i in framework_ids]), strict=True) if answer}
    return [
        Competency(
            competency_id=c.id, idnumber=c.idnumber, shortname=c.shortname, parent_id=c.parentid or None,
            framework_id=c.frameworkid, framework_idnumber=frameworks[c.frameworkid].idnumber,
            framework_shortname=frameworks[c.frameworkid].shortname,
        )
        for c in linked
        if c.frameworkid in frameworks
    ]


def _stored(user_id: int, competency_id: int, rating: api.Rating, plan: api.Plan | None = None) -> CompetencyRating:
    return CompetencyRating(
        user_id=user_id, competency_id=competency_id, rating=rating.grade, proficient=rating.proficient,
        grade_label=rating.gradename, evidence_note=rating.evidence_note, rated_at=rating.timemodified,
        plan_id=plan.id if plan else None, plan_name=plan.name if plan else "",
    )


def _course_ratings(client: MoodleClient, course_id: int, users: Sequence[int],
                    competencies: Sequence[Competency]) -> list[CompetencyRating]:
    pairs = [(user, competency.competency_id) for user in users for competency in competencies]
    calls = [api.user_summary_in_course(user, competency, course_id) for user, competency in pairs]
    ratings = [(user, competency, api.course_rating_from(summary))
               for (user, competency), summary in zip(pairs, _answers(client, calls), strict=True) if summary]
    return [_stored(user, competency, rating) for user, competency, rating in ratings if rating is not None]


def _plan_ratings(client: MoodleClient, users: Sequence[int], competency_ids: Collection[int]) -> list[CompetencyRating]:
    plans_per_user = _answers(client, [api.user_plans(user) for user in users])
    plans = [(user, plan) for user, found in zip(users, plans_per_user, strict=True) for plan in api.plans_from(found)]
    entries = _answers(client, [api.plan_competencies(plan.id) for _, plan in plans])
    return [
        _stored(user, competency_id, rating, plan)
        for (user, plan), listed in zip(plans, entries, strict=True)
        for competency_id, rating in api.plan_ratings_from(listed)
        # Only the competencies this course develops: the consultation is about them, not the whole plan.
        if competency_id in competency_ids and rating is not None
    ]


def pull_ratings(client: MoodleClient, course_id: int, opted_in_user_ids: Collection[int]) -> CompetencyPull:
    """The course's competencies and, for the opted-in users only, their ratings in the course and in their plans.

    With nobody opted in, Moodle is not asked anything. Ratings not yet given are left out. A failure for one user
    is logged and skipped; token, permission and connection failures raise `MoodleError`.
    """
    users = sorted(set(opted_in_user_ids))
    if not users:
        return CompetencyPull()
    competencies = course_competencies(client, course_id)
    if not competencies:
        return CompetencyPull()
    return CompetencyPull(
        competencies=tuple(competencies),
        ratings=tuple(_course_ratings(client, course_id, users, competencies)),
        plan_ratings=tuple(_plan_ratings(client, users, {c.competency_id for c in competencies})),
    )
