"""Feedback: activities, items, responses (named attempts vs anonymous `anonattempts`), analysis, non-respondents.

Anonymous attempts are answered without a user (Moodle stores it, but never sends it); `anonymous` is 1 anonymous, 2 named.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import moodle_exception, must_exist
from tests.fake_moodle.state import STUDENT, Feedback, FeedbackAttempt, FeedbackItem

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle


def _feedback(fake: FakeMoodle, feedbackid: int) -> Feedback:
    return must_exist(fake.site.instances["feedback"], "feedback", feedbackid, Feedback)


def _items(fake: FakeMoodle, feedback: Feedback) -> list[FeedbackItem]:
    return sorted((i for i in fake.site.feedback_items.values() if i.feedback == feedback.id), key=lambda i: i.position)


def _item_record(fake: FakeMoodle, item: FeedbackItem) -> dict[str, Any]:
    number = sum(1 for other in _items(fake, _feedback(fake, item.feedback))
                 if other.hasvalue and other.position <= item.position)
    return {
        "id": item.id, "feedback": item.feedback, "template": 0, "name": item.name, "nameformat": 1,
        "label": item.label, "presentation": item.presentation, "presentationformat": 1, "typ": item.typ,
        "hasvalue": item.hasvalue, "position": item.position, "required": item.required, "dependitem": 0,
        "dependvalue": "", "options": item.options, "itemfiles": [], "itemnumber": number if item.hasvalue else None,
        "otherdata": None,
    }


def _choices(item: FeedbackItem) -> list[tuple[str, str]]:
    """(value, answer text) per answer of a choice item: `r>>>>>1####text|…` rated, `r>>>>>a|b` plain."""
    body = item.presentation.split(">>>>>", 1)[-1]
    answers = [answer for answer in body.split("|") if answer != ""]
    if item.typ == "multichoicerated":
        return [tuple(answer.split("####", 1)) for answer in answers]  # type: ignore[misc]
    return [(str(index), answer) for index, answer in enumerate(answers, start=1)]


def _printval(item: FeedbackItem, raw: str | None) -> str:
    if raw is None:
        return ""
    if item.typ.startswith("multichoice"):
        texts = dict(_choices(item))
        return "; ".join(texts.get(value, "") for value in raw.split("|"))
    return raw


def shorten(text: str, ideal: int = 30) -> str:
    """Moodle's shorten_text(): cut at a word boundary so that text plus "..." fits `ideal` characters."""
    if len(text) <= ideal:
        return text
    cut = text[:ideal - 3]
    if text[ideal - 3] != " " and " " in cut:
        cut = cut[:cut.rindex(" ") + 1]
    return cut + "..."


def _responses(fake: FakeMoodle, feedback: Feedback, attempt: FeedbackAttempt) -> list[dict[str, Any]]:
    return [
        {"id": item.id, "name": f"({item.label}) {shorten(item.name)}",
         "printval": _printval(item, attempt.values.get(item.id)), "rawval": attempt.values.get(item.id)}
        for item in _items(fake, feedback) if item.hasvalue
    ]


def _attempts(fake: FakeMoodle, feedback: Feedback, groupid: int = 0) -> list[FeedbackAttempt]:
    attempts = [a for a in fake.site.feedback_attempts.values() if a.feedback == feedback.id]
    if groupid:
        members = fake.site.groups[groupid].members
        attempts = [a for a in attempts if a.userid in members]
    return attempts


def _page(rows: list[Any], page: int, perpage: int) -> list[Any]:
    return rows[page * perpage:(page + 1) * perpage] if perpage else rows


def get_feedbacks_by_courses(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    courseids = params["courseids"] or [c for c in fake.site.courses if fake.site.is_enrolled(c, fake.current_user)]
    feedbacks = []
    for courseid in courseids:
        for section in fake.site.course_sections(courseid):
            for cm in fake.site.section_cms(section.id):
                if cm.modname != "feedback":
                    continue
                feedback = fake.site.instance(cm)
                assert isinstance(feedback, Feedback)
                feedbacks.append({
                    "id": feedback.id, "course": feedback.course, "name": feedback.name, "intro": feedback.intro,
                    "introformat": feedback.introformat, "lang": None, "anonymous": feedback.anonymous,
                    "email_notification": False, "multiple_submit": feedback.multiple_submit,
                    "autonumbering": feedback.autonumbering, "site_after_submit": "",
                    "page_after_submit": feedback.page_after_submit, "page_after_submitformat": 1,
                    "publish_stats": False, "timeopen": feedback.timeopen, "timeclose": feedback.timeclose,
                    "timemodified": feedback.timemodified,
                    "completionsubmit": feedback.completionsubmit, "coursemodule": cm.id, "introfiles": [],
                    "pageaftersubmitfiles": [],
                })
    return {"feedbacks": feedbacks, "warnings": []}


def get_items(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    feedback = _feedback(fake, params["feedbackid"])
    return {"items": [_item_record(fake, item) for item in _items(fake, feedback)], "warnings": []}


def get_responses_analysis(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    feedback = _feedback(fake, params["feedbackid"])
    attempts = _attempts(fake, feedback, params["groupid"])
    named = sorted((a for a in attempts if a.anonymous_response == 2),
                   key=lambda a: (fake.site.users[a.userid].lastname, fake.site.users[a.userid].firstname, a.id))
    anonymous = sorted((a for a in attempts if a.anonymous_response == 1), key=lambda a: (a.random_response, a.id))
    page, perpage = params["page"], params["perpage"]
    offset = page * perpage if perpage else 0
    return {
        "attempts": [
            {"id": a.id, "courseid": 0, "userid": a.userid, "timemodified": a.timemodified,
             "fullname": fake.site.users[a.userid].fullname, "responses": _responses(fake, feedback, a)}
            for a in _page(named, page, perpage)
        ],
        "totalattempts": len(named),
        "anonattempts": [
            {"id": a.id, "courseid": 0, "number": offset + index, "responses": _responses(fake, feedback, a)}
            for index, a in enumerate(_page(anonymous, page, perpage), start=1)
        ],
        "totalanonattempts": len(anonymous),
        "warnings": [],
    }


def _item_analysis(item: FeedbackItem, attempts: list[FeedbackAttempt]) -> list[str]:
    values = [a.values[item.id] for a in attempts if a.values.get(item.id) not in (None, "")]
    if not item.typ.startswith("multichoice"):
        return values
    total = len(attempts) or 1
    data = []
    for value, text in _choices(item):
        count = sum(1 for chosen in values if value in chosen.split("|"))
        entry: dict[str, Any] = {"answertext": text, "answercount": count}
        if item.typ == "multichoicerated":
            entry.update(avg=count * int(value) / total, value=value)
        entry["quotient"] = count / total
        data.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return data


def get_analysis(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    feedback = _feedback(fake, params["feedbackid"])
    attempts = _attempts(fake, feedback, params["groupid"])
    items = [item for item in _items(fake, feedback) if item.hasvalue]
    return {
        "completedcount": len(attempts),
        "itemscount": len(items),
        "itemsdata": [{"item": _item_record(fake, item), "data": _item_analysis(item, attempts)} for item in items],
        "warnings": [],
    }


def get_non_respondents(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    feedback = _feedback(fake, params["feedbackid"])
    if feedback.anonymous == 1:
        raise moodle_exception("anonymous", "Anonymous")
    responded = {a.userid for a in _attempts(fake, feedback)}
    candidates = [u for u in fake.site.enrolled_userids(feedback.course)
                  if STUDENT in fake.site.roles_in(feedback.course, u) and u not in responded]
    if params["groupid"]:
        candidates = [u for u in candidates if u in fake.site.groups[params["groupid"]].members]
    users = [{"courseid": 0, "userid": u, "fullname": fake.site.users[u].fullname, "started": False}
             for u in _page(candidates, params["page"], params["perpage"])]
    return {"users": users, "total": len(candidates), "warnings": []}


HANDLERS = {
    "mod_feedback_get_feedbacks_by_courses": get_feedbacks_by_courses,
    "mod_feedback_get_items": get_items,
    "mod_feedback_get_responses_analysis": get_responses_analysis,
    "mod_feedback_get_analysis": get_analysis,
    "mod_feedback_get_non_respondents": get_non_respondents,
}
