"""Fault injection for one course: a course the web-service user cannot enter, and warnings added to answers.

As seen on the real 5.0.6 (a manager whose moodle/course:view is prohibited in one course): reads naming the course
fail with `errorcoursecontextnotvalid`, the many-course enrolled-users listing fails as a whole without naming it,
the forum listing leaves it out, and `core_course_get_courses_by_field` shows only its public information. With
moodle/course:enrolreview prohibited in one course instead, both enrolled-users listings fail with `nopermissions`
(the many-course one as a whole, naming the capability by its title, "Review course enrolments", but not the course).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import MoodleException, moodle_exception, no_permission

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

_NOT_ACCESSIBLE = "The context error message was: Course or activity not accessible."
# Reads that check the context of the course they name (the course, or the course of the activity or groups named).
_COURSE_OF: dict[str, Callable[[FakeMoodle, dict[str, Any]], list[int]]] = {
    name: lambda fake, params: [int(params["courseid"])]
    for name in ("core_course_get_contents", "core_enrol_get_enrolled_users", "core_group_get_course_groups")
} | {
    "core_competency_list_course_competencies": lambda fake, params: [int(params["id"])],
    "mod_feedback_get_items": lambda fake, params: [fake.site.instances["feedback"][int(params["feedbackid"])].course],
    "mod_forum_get_forum_discussions": lambda fake, params: [fake.site.instances["forum"][int(params["forumid"])].course],
    "core_group_get_groups": lambda fake, params: [fake.site.groups[int(g)].courseid for g in params["groupids"]
                                                   if int(g) in fake.site.groups],
}
_MANY_COURSES = "core_enrol_get_enrolled_users_with_capability"
_ENROLLED = ("core_enrol_get_enrolled_users", _MANY_COURSES)  # with onlyactive, they need moodle/course:enrolreview


@dataclass(frozen=True)
class AddedWarning:
    wsfunction: str
    warning: dict[str, Any]
    applies: Callable[[dict[str, Any]], bool]


def refusal(fake: FakeMoodle, wsfunction: str, params: dict[str, Any]) -> MoodleException | None:
    """The error Moodle raises instead of answering `wsfunction` about a course `fake.deny_course` named."""
    if wsfunction in _ENROLLED and (missing := _without_enrolreview(fake, wsfunction, params)):
        return no_permission(missing)
    if wsfunction == _MANY_COURSES:
        if any(fake.denied_courses.get(int(entry["courseid"])) == "" for entry in params["coursecapabilities"]):
            # Moodle builds this one with the message as its errorcode, and the course id left out.
            text = f"You cannot execute functions in the course context (course id:). {_NOT_ACCESSIBLE}"
            return moodle_exception(text, f"error/{text}")
        return None
    named = _COURSE_OF.get(wsfunction)
    denied = [course for course in named(fake, params) if fake.denied_courses.get(course) == ""] if named else []
    if not denied:
        return None
    return moodle_exception("errorcoursecontextnotvalid", "You cannot execute functions in the course context "
                            f"(course id:{denied[0]}). {_NOT_ACCESSIBLE}")


def with_warnings(fake: FakeMoodle, wsfunction: str, params: dict[str, Any], answer: Any) -> Any:
    """`answer` with the warnings `fake.add_warning` asked for (answers that have a `warnings` list only)."""
    added = [w.warning for w in fake.added_warnings if w.wsfunction == wsfunction and w.applies(params)]
    if not added or not isinstance(answer, dict):
        return answer
    return answer | {"warnings": [*answer.get("warnings", []), *added]}


def _without_enrolreview(fake: FakeMoodle, wsfunction: str, params: dict[str, Any]) -> str | None:
    courses = ([int(e["courseid"]) for e in params["coursecapabilities"]] if wsfunction == _MANY_COURSES
               else [int(params["courseid"])])
    denied = any(fake.denied_courses.get(course) == "moodle/course:enrolreview" for course in courses)
    return "Review course enrolments" if denied else None  # the real message names the capability so
