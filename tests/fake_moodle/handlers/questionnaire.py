"""mod_questionnaire_submit_questionnaire_response (third-party plugin, only on the 5.0 site): as recorded,
the call is accepted but stores nothing (`submitted: false`); unknown ids are `invalidcoursemodule`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import moodle_exception

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle


def submit_response(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    cm = fake.site.cms.get(params["cmid"])
    if cm is None or cm.modname != "questionnaire" or cm.instance != params["questionnaireid"]:
        raise moodle_exception("invalidcoursemodule", "mod_questionnaire/invalidcoursemodule")
    return {"submitted": False, "warnings": []}


HANDLERS = {"mod_questionnaire_submit_questionnaire_response": submit_response}
