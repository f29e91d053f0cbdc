"""Feedback (the evaluation questionnaire): the feedbacks of courses, their items, responses and non-respondents.

Responses are paged; anonymous attempts carry no user id and must never be linked to a person.
"""

from __future__ import annotations

from collections.abc import Sequence

from lms_sync.moodle.api.calls import Call

FEEDBACKS_BY_COURSES = "mod_feedback_get_feedbacks_by_courses"


def of_courses(course_ids: Sequence[int]) -> Call:
    return FEEDBACKS_BY_COURSES, {"courseids": list(course_ids)}


def items(feedback_id: int) -> Call:
    return "mod_feedback_get_items", {"feedbackid": feedback_id}


def responses(feedback_id: int, page: int, per_page: int) -> Call:
    """One page of named and anonymous attempts (both lists are paged alike)."""
    return "mod_feedback_get_responses_analysis", {"feedbackid": feedback_id, "page": page, "perpage": per_page}


def non_respondents(feedback_id: int) -> Call:
    """Moodle refuses this for anonymous feedbacks (errorcode "anonymous")."""
    return "mod_feedback_get_non_respondents", {"feedbackid": feedback_id}
