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
from lms_sync.moodle.errors import MoodleAuthError, MoodleError, MoodlePermissionError, MoodleTransientError
from lms_sync.records.snapshot import Competency, CompetencyRating

log = logging.getLogger("lms_sync.competencies")

_SITE_WIDE = (MoodleAuthError, MoodlePermissionError, MoodleTransientError)


@dataclass(frozen=True)
class CompetencyPull:
    """The course's competencies and the opted-in participants' ratings, in the records' snapshot types."""

    competencies: tuple[Competency, ...] = ()
    ratings: tuple[CompetencyRating, ...] = ()
    plan_ratings: tuple[CompetencyRating, ...] = ()
    """Ratings in the users' learning plans: `plan_id` and `plan_name` are set."""


def _answers(client: MoodleClient, calls: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Any]:
    """Batched reads; a failure about one user is logged and skipped (None), a site-wide one stops the pull."""
    results: list[Any] = []
    for (wsfunction, params), answer in zip(calls, client.read_many(calls), strict=True):
        if isinstance(answer, _SITE_WIDE):
            raise answer
        if isinstance(answer, MoodleError):
            log.warning("skipped %s %s: %s", wsfunction, dict(params), answer)
            answer = None
        results.append(answer)
    return results


def course_competencies(client: MoodleClient, course_id: int) -> list[Competency]:
    """The competencies linked to the course, each with its framework's idnumber and shortname."""
    linked = [entry["competency"] for entry in ask(client, api.course_competencies(course_id))]
    framework_ids = sorted({int(competency["competencyframeworkid"]) for competency in linked})
    frameworks = {}
    for framework_id, framework in zip(
            framework_ids, _answers(client, [api.read_framework(i) for i in framework_ids]), strict=True):
        if framework is not None:
            frameworks[framework_id] = framework
    return [
        Competency(
            competency_id=int(c["id"]), idnumber=c["idnumber"], shortname=c["shortname"],
            parent_id=int(c["parentid"]) or None, framework_id=int(c["competencyframeworkid"]),
            framework_idnumber=frameworks[int(c["competencyframeworkid"])]["idnumber"],
            framework_shortname=frameworks[int(c["competencyframeworkid"])]["shortname"],
        )
        for c in linked
        if int(c["competencyframeworkid"]) in frameworks
    ]


def _evidence_notes(evidence: Sequence[Mapping[str, Any]]) -> str:
    """The trainers' notes on the evidence, oldest first (Moodle lists newest first)."""
    ordered = sorted(evidence, key=lambda item: (int(item.get("timecreated") or 0), int(item.get("id") or 0)))
    return "\n".join(str(item["note"]).strip() for item in ordered if str(item.get("note") or "").strip())


def _course_rating(user_id: int, competency_id: int, summary: Mapping[str, Any]) -> CompetencyRating | None:
    details = summary.get("usercompetencysummary") or {}
    rated = details.get("usercompetencycourse") or {}
    if rated.get("grade") is None:
        return None  # not rated yet: nothing worth keeping about the person
    return CompetencyRating(
        user_id=user_id, competency_id=competency_id, rating=int(rated["grade"]),
        proficient=None if rated.get("proficiency") is None else bool(rated["proficiency"]),
        grade_label=str(rated.get("gradename") or ""), evidence_note=_evidence_notes(details.get("evidence") or []),
        rated_at=rated.get("timemodified"),
    )


def _course_ratings(client: MoodleClient, course_id: int, users: Sequence[int],
                    competencies: Sequence[Competency]) -> list[CompetencyRating]:
    pairs = [(user, competency.competency_id) for user in users for competency in competencies]
    calls = [api.user_summary_in_course(user, competency, course_id)
             for user, competency in pairs]
    ratings = [_course_rating(user, competency, summary)
               for (user, competency), summary in zip(pairs, _answers(client, calls), strict=True) if summary]
    return [rating for rating in ratings if rating is not None]


def _plan_rating(user_id: int, plan: Mapping[str, Any], entry: Mapping[str, Any]) -> CompetencyRating | None:
    # A completed plan keeps its frozen rating in usercompetencyplan; an active one shows the live usercompetency.
    rated = entry.get("usercompetencyplan") or entry.get("usercompetency") or {}
    if rated.get("grade") is None:
        return None
    return CompetencyRating(
        user_id=user_id, competency_id=int(entry["competency"]["id"]), rating=int(rated["grade"]),
        proficient=None if rated.get("proficiency") is None else bool(rated["proficiency"]),
        grade_label=str(rated.get("gradename") or ""), rated_at=rated.get("timemodified"),
        plan_id=int(plan["id"]), plan_name=str(plan.get("name") or ""),
    )


def _plan_ratings(client: MoodleClient, users: Sequence[int], competency_ids: Collection[int]) -> list[CompetencyRating]:
    plans_per_user = _answers(client, [api.user_plans(user) for user in users])
    plans = [(user, plan) for user, found in zip(users, plans_per_user, strict=True) for plan in found or []]
    entries = _answers(client, [api.plan_competencies(int(plan["id"])) for _, plan in plans])
    ratings = [
        _plan_rating(user, plan, entry)
        for (user, plan), listed in zip(plans, entries, strict=True)
        for entry in listed or []
        # Only the competencies this course develops: the consultation is about them, not the whole plan.
        if int(entry["competency"]["id"]) in competency_ids
    ]
    return [rating for rating in ratings if rating is not None]


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
