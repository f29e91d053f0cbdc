"""Feedback (the evaluation questionnaire): the feedbacks of courses, their items, responses and non-respondents.

Responses are paged; anonymous attempts carry no user id and are never linked to a person, whatever Moodle sends.
Item options are encoded in `presentation` ("r>>>>>5####sehr gut|…<<<<<1"), answers in `rawval` (chosen positions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import Call
from lms_sync.moodle.api.warnings import AnswerWarning, warnings_in
from lms_sync.moodle.fields import Skip, reason, text, whole_number

FEEDBACKS_BY_COURSES = "mod_feedback_get_feedbacks_by_courses"
RATED = "multichoicerated"
CHOICE = "multichoice"
FREE_TEXT = frozenset({"textarea", "textfield"})
NUMERIC = "numeric"
ANSWERED_TYPES = frozenset({RATED, CHOICE, NUMERIC, *FREE_TEXT})
LAYOUT_TYPES = frozenset({"label", "pagebreak", "info", "captcha"})
"""Items that show something but ask nothing the institute evaluates: neither items nor answers."""
_NAMED = 2  # feedback.anonymous: 1 = anonymous, 2 = named

_TYPE_SEPARATOR = ">>>>>"  # "r>>>>>options": subtype (radio, check, dropdown) before, options after
_ADJUST_SEPARATOR = "<<<<<"  # "...<<<<<1": horizontal layout flag after the options
_VALUE_SEPARATOR = "####"  # rated option "5####sehr zufrieden": value before, label after


def of_courses(course_ids: Sequence[int]) -> Call:
    return FEEDBACKS_BY_COURSES, {"courseids": list(course_ids)}


def items(feedback_id: int) -> Call:
    return "mod_feedback_get_items", {"feedbackid": feedback_id}


def item_count(answer: dict[str, Any]) -> int:
    """How many items (questions, labels, page breaks) an items answer lists."""
    return len(answer.get("items") or [])


def responses(feedback_id: int, page: int, per_page: int) -> Call:
    """One page of named and anonymous attempts (both lists are paged alike)."""
    return "mod_feedback_get_responses_analysis", {"feedbackid": feedback_id, "page": page, "perpage": per_page}


def non_respondents(feedback_id: int) -> Call:
    """Moodle refuses this for anonymous feedbacks (errorcode "anonymous")."""
    return "mod_feedback_get_non_respondents", {"feedbackid": feedback_id}


@dataclass(frozen=True)
class Feedback:
    id: int
    courseid: int
    name: str
    anonymous: bool
    """Moodle's anonymous 2 is named; anything else counts as anonymous, the safe side"""
    cmid: int
    """its course module; 0 when Moodle does not say"""


def feedbacks_from(answer: Any) -> tuple[list[Feedback], list[AnswerWarning]]:
    """The feedbacks of an `of_courses` answer (records without an id left out) and Moodle's warnings."""
    answer = answer or {}
    warnings = warnings_in(answer)
    found = [Feedback(id=whole_number(f.get("id")), courseid=whole_number(f.get("course")), name=text(f.get("name")),
                      anonymous=f.get("anonymous") != _NAMED, cmid=whole_number(f.get("coursemodule")))
             for f in answer.get("feedbacks") or []]
    return [feedback for feedback in found if feedback.id > 0], warnings


def non_respondents_from(answer: Any) -> int:
    return whole_number((answer or {}).get("total"))


@dataclass(frozen=True)
class Choices:
    """The options of a (rated) multiple-choice item; Moodle stores the 1-based position of the chosen option."""

    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    """the rated value of each option ("value####label"), None where the option carries none"""

    @classmethod
    def parse(cls, presentation: str) -> Choices:
        options = presentation.split(_TYPE_SEPARATOR, 1)[-1].split(_ADJUST_SEPARATOR, 1)[0]
        labels: list[str] = []
        values: list[float | None] = []
        for option in options.split("|") if options else ():
            value, separator, label = option.partition(_VALUE_SEPARATOR)
            labels.append(text(label if separator else option))
            values.append(_number(value) if separator else None)
        return cls(tuple(labels), tuple(values))

    def scale(self) -> tuple[float | None, float | None]:
        rated = [value for value in self.values if value is not None]
        return (min(rated), max(rated)) if rated else (None, None)


def _number(value: Any) -> float | None:
    try:
        return float(str(value).strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Answer:
    """What a `rawval` means for its item: a number, a text (chosen labels joined by "; "), or both."""

    numeric: float | None = None
    text: str | None = None


@dataclass(frozen=True)
class Item:
    """One answerable item of a feedback."""

    id: int
    typ: str
    label: str
    name: str
    """the question"""
    presentation: str
    position: int
    choices: Choices
    required: bool = False

    def scale(self) -> tuple[float | None, float | None]:
        """The lowest and highest rated value of a rated item; (None, None) for any other."""
        return self.choices.scale() if self.typ == RATED else (None, None)

    def answer(self, rawval: str) -> Answer | None:
        """The answer Moodle's `rawval` stands for, or None when the item was left unanswered.

        Raises ValueError for a value that does not fit the item (the caller skips that answer).
        """
        raw = rawval.strip()
        if not raw:
            return None
        if self.typ in FREE_TEXT:
            return Answer(text=raw)
        if self.typ == NUMERIC:
            number = _number(raw)
            if number is None:
                raise ValueError(f"{raw!r} is not a number")
            return Answer(numeric=number)
        positions = [int(part) for part in raw.split("|") if part.strip()]
        chosen = [position for position in positions if position > 0]  # 0: "nothing selected"
        if not chosen:
            return None
        if any(position > len(self.choices.labels) for position in chosen):
            raise ValueError(f"option {raw!r} is not among the item's {len(self.choices.labels)} options")
        labels = "; ".join(self.choices.labels[position - 1] for position in chosen)
        if self.typ == RATED:
            value = self.choices.values[chosen[0] - 1]
            return Answer(numeric=value if value is not None else chosen[0], text=labels)
        return Answer(numeric=float(chosen[0]) if len(chosen) == 1 else None, text=labels)


def item_from(record: Mapping[str, Any]) -> Item:
    """One `items` record; raises KeyError, TypeError or ValueError for one that cannot be read."""
    typ = str(record.get("typ", ""))
    presentation = str(record.get("presentation") or "")
    return Item(id=int(record["id"]), typ=typ, label=text(record.get("label")), name=text(record.get("name")),
                presentation=presentation, position=int(record.get("position") or 0),
                choices=Choices.parse(presentation) if typ in (RATED, CHOICE) else Choices((), ()),
                required=bool(record.get("required")))


def every_item_from(answer: Any) -> list[Item]:
    """All items of an `items` answer, layout items too, by position (for comparing a questionnaire's shape)."""
    return sorted((item_from(record) for record in (answer or {}).get("items") or []), key=lambda item: item.position)


def items_from(answer: Any, skip: Skip) -> list[Item]:
    """The answerable items of an `items` answer; layout items are left out, unknown types and unreadable ones
    skipped with a note."""
    found: list[Item] = []
    for record in (answer or {}).get("items") or []:
        typ = str(record.get("typ", ""))
        if typ in LAYOUT_TYPES:
            continue
        if typ not in ANSWERED_TYPES:
            skip(f"item {record.get('id')} has type {typ!r}, which lms-sync does not read")
            continue
        try:
            found.append(item_from(record))
        except (KeyError, TypeError, ValueError) as error:
            skip(f"unreadable item {record.get('id')}: {reason(error)}")
    return found


@dataclass(frozen=True)
class Attempt:
    id: int
    """0 when Moodle sent none"""
    anonymous: bool
    """listed among the anonymous attempts: `userid` and `timemodified` are then 0 whatever Moodle sent"""
    userid: int
    timemodified: int
    responses: tuple[tuple[int, str], ...]
    """(item id, rawval) per answered item"""


@dataclass(frozen=True)
class Page:
    attempts: tuple[Attempt, ...]
    total: int
    """how many attempts all pages hold (the larger of the named and the anonymous count)"""


def _attempt(record: Mapping[str, Any], anonymous: bool) -> Attempt:
    responses = tuple((whole_number(r.get("id")), "" if r.get("rawval") is None else str(r.get("rawval")))
                      for r in record.get("responses") or [])
    if anonymous:
        # Not even Moodle's response `number`: it is feedback_completed.random_response, in the row naming the user.
        return Attempt(id=whole_number(record.get("id")), anonymous=True, userid=0, timemodified=0,
                       responses=responses)
    return Attempt(id=whole_number(record.get("id")), anonymous=False, userid=whole_number(record.get("userid")),
                   timemodified=whole_number(record.get("timemodified")), responses=responses)


def page_from(answer: Any) -> Page:
    """One `responses` answer: named attempts first, then the anonymous ones."""
    answer = answer or {}
    attempts = [_attempt(record, False) for record in answer.get("attempts") or []]
    attempts += [_attempt(record, True) for record in answer.get("anonattempts") or []]
    total = max(whole_number(answer.get("totalattempts")), whole_number(answer.get("totalanonattempts")))
    return Page(tuple(attempts), total)
