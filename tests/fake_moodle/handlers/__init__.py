"""The web-service functions the fake implements, one module per Moodle area, joined into one registry.

`handlers_for(version)` leaves out functions a Moodle version does not have (e.g. core_courseformat_new_module on 4.5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tests.fake_moodle.handlers import (
    assign,
    calendar,
    categories,
    competency,
    competency_ratings,
    completion,
    contents,
    courseformat,
    courses,
    enrol,
    feedback,
    forum,
    groups,
    mobile,
    questionnaire,
    users,
    webservice,
)

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

Handler = Callable[["FakeMoodle", dict[str, Any]], Any]
_AREAS = (webservice, categories, courses, contents, courseformat, users, enrol, groups, calendar, forum, feedback,
          completion, assign, competency, competency_ratings, mobile, questionnaire)
_ONLY_IN = {"core_courseformat_new_module": "5.0", "mod_questionnaire_submit_questionnaire_response": "5.0"}


def handlers_for(version: str) -> dict[str, Handler]:
    registry: dict[str, Handler] = {}
    for area in _AREAS:
        registry.update(area.HANDLERS)
    return {name: handler for name, handler in registry.items() if _ONLY_IN.get(name, version) == version}
