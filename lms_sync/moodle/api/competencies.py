"""Competencies (core_competency, tool_lp): frameworks, their competencies, course links, scales, user ratings.

Frameworks live in the system context (id 1) so every course category can use them; texts are sent as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import Call, Write
from lms_sync.moodle.fields import whole_number

SYSTEM_CONTEXT_ID = 1
"""Moodle's system context always has id 1."""
HTML_FORMAT = 1
CREATE_FRAMEWORK = "core_competency_create_competency_framework"
UPDATE_FRAMEWORK = "core_competency_update_competency_framework"
CREATE_COMPETENCY = "core_competency_create_competency"
UPDATE_COMPETENCY = "core_competency_update_competency"
ADD_TO_COURSE = "core_competency_add_competency_to_course"


def frameworks_matching(idnumber: str) -> Call:
    """`query` is a substring search over shortname and idnumber: callers pick the exact idnumber from the answer."""
    return "core_competency_list_competency_frameworks", {
        "context": {"contextid": SYSTEM_CONTEXT_ID}, "includes": "children", "query": idnumber}


def read_framework(framework_id: int) -> Call:
    return "core_competency_read_competency_framework", {"id": framework_id}


def competencies_of(framework_id: int) -> Call:
    return "core_competency_list_competencies", {
        "filters": [{"column": "competencyframeworkid", "value": str(framework_id)}]}


def course_competencies(course_id: int) -> Call:
    """The competencies linked to a course: entries `{"competency": {...}, ...}`."""
    return "core_competency_list_course_competencies", {"id": course_id}


def scale_values(scale_id: int) -> Call:
    return "core_competency_get_scale_values", {"scaleid": scale_id}


def create_framework(fields: dict[str, Any]) -> Write:
    """Moodle answers the created framework (`framework_from`)."""
    return Write(CREATE_FRAMEWORK, {"competencyframework": fields | {
        "descriptionformat": HTML_FORMAT, "visible": True, "contextid": SYSTEM_CONTEXT_ID}})


def update_framework(fields: dict[str, Any]) -> Write:
    return Write(UPDATE_FRAMEWORK,
                 {"competencyframework": fields | {"descriptionformat": HTML_FORMAT}}, repeat_safe=True)


def create_competency(fields: dict[str, Any]) -> Write:
    """Moodle has no array form for competencies: one call each; it answers the created competency (`competency_from`)."""
    return Write(CREATE_COMPETENCY, {"competency": fields | {"descriptionformat": HTML_FORMAT}})


def update_competency(fields: dict[str, Any]) -> Write:
    return Write(UPDATE_COMPETENCY, {"competency": fields | {"descriptionformat": HTML_FORMAT}},
                 repeat_safe=True)


def add_to_course(course_id: int, competency_id: int) -> Write:
    """Moodle answers false (not an error) when the link already exists: repeating is harmless."""
    return Write(ADD_TO_COURSE, {"courseid": course_id, "competencyid": competency_id},
                 repeat_safe=True)


def user_summary_in_course(user_id: int, competency_id: int, course_id: int) -> Call:
    """A participant's rating of one competency in one course, with its evidence (tool_lp's page data).

    The one web service that returns a rating *in a course*. Moodle creates an empty user_competency_course row on
    first read if none exists; it never changes a rating.
    """
    return "tool_lp_data_for_user_competency_summary_in_course", {
        "userid": user_id, "competencyid": competency_id, "courseid": course_id}


def user_plans(user_id: int) -> Call:
    return "core_competency_list_user_plans", {"userid": user_id}


def plan_competencies(plan_id: int) -> Call:
    return "core_competency_list_plan_competencies", {"id": plan_id}


@dataclass(frozen=True)
class Framework:
    id: int
    idnumber: str
    shortname: str
    description: str = ""
    """as Moodle stores it (HTML)"""


@dataclass(frozen=True)
class Competency:
    id: int
    idnumber: str
    shortname: str
    parentid: int
    """0 at the top of the framework"""
    frameworkid: int
    description: str = ""


@dataclass(frozen=True)
class Rating:
    """A user's rating of one competency (in a course, or in a learning plan)."""

    grade: int
    proficient: bool | None
    gradename: str
    timemodified: int
    evidence_note: str = ""
    """the trainers' notes on the evidence, oldest first (ratings in a course only)"""


@dataclass(frozen=True)
class Plan:
    id: int
    name: str


def framework_from(answer: Any) -> Framework:
    return Framework(id=int(answer["id"]), idnumber=str(answer.get("idnumber") or ""),
                     shortname=str(answer.get("shortname") or ""), description=str(answer.get("description") or ""))


def competency_from(record: Any) -> Competency:
    return Competency(id=int(record["id"]), idnumber=str(record.get("idnumber") or ""),
                      shortname=str(record.get("shortname") or ""), parentid=whole_number(record.get("parentid")),
                      frameworkid=int(record["competencyframeworkid"]), description=str(record.get("description") or ""))


def course_competencies_from(answer: Any) -> list[Competency]:
    """A `course_competencies` answer: the linked competencies."""
    return [competency_from(entry["competency"]) for entry in answer or []]


def scale_items_from(answer: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """A `scale_values` answer: the scale's items, in order."""
    return tuple(str(item.get("name", "")).strip() for item in answer)


def _rating(rated: Any, evidence_note: str = "") -> Rating | None:
    if not rated or rated.get("grade") is None:
        return None  # not rated yet
    return Rating(grade=int(rated["grade"]),
                  proficient=None if rated.get("proficiency") is None else bool(rated["proficiency"]),
                  gradename=str(rated.get("gradename") or ""), timemodified=whole_number(rated.get("timemodified")),
                  evidence_note=evidence_note)


def _evidence_notes(evidence: Any) -> str:
    """The trainers' notes on the evidence, oldest first (Moodle lists newest first)."""
    ordered = sorted(evidence or [], key=lambda item: (whole_number(item.get("timecreated")), whole_number(item.get("id"))))
    return "\n".join(note for note in (str(item.get("note") or "").strip() for item in ordered) if note)


def course_rating_from(answer: Any) -> Rating | None:
    """A `user_summary_in_course` answer: the rating in the course with its evidence notes; None when not rated."""
    details = (answer or {}).get("usercompetencysummary") or {}
    return _rating(details.get("usercompetencycourse"), _evidence_notes(details.get("evidence")))


def plans_from(answer: Any) -> list[Plan]:
    return [Plan(id=int(plan["id"]), name=str(plan.get("name") or "")) for plan in answer or []]


def plan_ratings_from(answer: Any) -> list[tuple[int, Rating | None]]:
    """A `plan_competencies` answer: (competency id, rating) per competency of the plan.

    A completed plan keeps its frozen rating in `usercompetencyplan`; an active one shows the live `usercompetency`.
    """
    return [(int(entry["competency"]["id"]), _rating(entry.get("usercompetencyplan") or entry.get("usercompetency")))
            for entry in answer or []]
