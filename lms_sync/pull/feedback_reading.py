"""Turns Moodle's feedback answers (`moodle.api.feedback.items`, `.responses`) into snapshot
instruments with typed answers; anonymous attempts are built without any user data, whatever Moodle sends.

Unknown item types and unreadable values are skipped and reported through the `skip` callback, never raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.fields import text
from lms_sync.pull.reading_support import Skip, moodle_time, reason, whole_number
from lms_sync.records.snapshot import FeedbackAnswer, FeedbackAttempt, FeedbackInstrument, FeedbackItem

RATED = "multichoicerated"
CHOICE = "multichoice"
FREE_TEXT = frozenset({"textarea", "textfield"})
NUMERIC = "numeric"
ANSWERED_TYPES = frozenset({RATED, CHOICE, NUMERIC, *FREE_TEXT})
LAYOUT_TYPES = frozenset({"label", "pagebreak", "info", "captcha"})
"""Items that show something but ask nothing the institute evaluates: stored neither as items nor as answers."""

_TYPE_SEPARATOR = ">>>>>"  # "r>>>>>options": subtype (radio, check, dropdown) before, options after
_ADJUST_SEPARATOR = "<<<<<"  # "...<<<<<1": horizontal layout flag after the options
_VALUE_SEPARATOR = "####"  # rated option "5####sehr zufrieden": value before, label after


def is_anonymous(feedback: Mapping[str, Any]) -> bool:
    """Moodle: anonymous 1 = anonymous, 2 = named. Anything else is treated as anonymous, the safe side."""
    return feedback.get("anonymous") != 2


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
class Question:
    """One answerable item and how its raw values become a typed `FeedbackAnswer`."""

    item: FeedbackItem
    choices: Choices

    def answer(self, rawval: Any) -> FeedbackAnswer | None:
        """The typed answer for Moodle's `rawval`, or None when the item was left unanswered.

        Raises ValueError for a value that does not fit the item (the caller skips that answer).
        """
        raw = "" if rawval is None else str(rawval).strip()
        if not raw:
            return None
        typ = self.item.typ
        if typ in FREE_TEXT:
            return FeedbackAnswer(item_id=self.item.item_id, text_value=raw)
        if typ == NUMERIC:
            number = _number(raw)
            if number is None:
                raise ValueError(f"{raw!r} is not a number")
            return FeedbackAnswer(item_id=self.item.item_id, numeric_value=number)
        positions = [int(part) for part in raw.split("|") if part.strip()]
        chosen = [position for position in positions if position > 0]  # 0: "nothing selected"
        if not chosen:
            return None
        if any(position > len(self.choices.labels) for position in chosen):
            raise ValueError(f"option {raw!r} is not among the item's {len(self.choices.labels)} options")
        labels = "; ".join(self.choices.labels[position - 1] for position in chosen)
        if typ == RATED:
            value = self.choices.values[chosen[0] - 1]
            return FeedbackAnswer(item_id=self.item.item_id, numeric_value=value if value is not None else chosen[0],
                                  text_value=labels)
        single = float(chosen[0]) if len(chosen) == 1 else None
        return FeedbackAnswer(item_id=self.item.item_id, numeric_value=single, text_value=labels)


def questions(items: Iterable[Mapping[str, Any]], feedback_name: str, skip: Skip) -> dict[int, Question]:
    """The answerable items of a feedback by Moodle item id; layout items are left out, unknown types skipped."""
    found: dict[int, Question] = {}
    for record in items:
        typ = str(record.get("typ", ""))
        if typ in LAYOUT_TYPES:
            continue
        if typ not in ANSWERED_TYPES:
            skip(f"feedback {feedback_name!r}: item {record.get('id')} has type {typ!r}, which lms-sync does not read")
            continue
        try:
            presentation = str(record.get("presentation") or "")
            choices = Choices.parse(presentation) if typ in (RATED, CHOICE) else Choices((), ())
            scale_min, scale_max = choices.scale() if typ == RATED else (None, None)
            item = FeedbackItem(
                item_id=int(record["id"]),
                label=text(record.get("label")),
                typ=typ,
                question=text(record.get("name")),
                presentation=presentation,
                position=int(record.get("position") or 0),
                scale_min=scale_min,
                scale_max=scale_max,
            )
        except (KeyError, TypeError, ValueError) as error:
            skip(f"feedback {feedback_name!r}: unreadable item {record.get('id')}: {reason(error)}")
            continue
        found[item.item_id] = Question(item, choices)
    return found


def _answers(responses: Iterable[Mapping[str, Any]], questions_by_id: Mapping[int, Question], where: str,
             skip: Skip) -> tuple[FeedbackAnswer, ...]:
    answers: dict[int, FeedbackAnswer] = {}
    for response in responses:
        question = questions_by_id.get(whole_number(response.get("id")))
        if question is None:
            continue  # a layout item or one skipped above
        try:
            answer = question.answer(response.get("rawval"))
        except ValueError as error:
            skip(f"{where}, item {question.item.item_id}: {error}")
            continue
        if answer is not None:
            answers[answer.item_id] = answer
    return tuple(answers.values())


def attempts(pages: Sequence[Mapping[str, Any]], anonymous_feedback: bool, questions_by_id: Mapping[int, Question],
             feedback_name: str, skip: Skip) -> tuple[FeedbackAttempt, ...]:
    """Every attempt of all pages of `moodle.api.feedback.responses`, once each.

    In an anonymous feedback even entries Moodle lists as named (answered before the feedback was made anonymous)
    are stored as anonymous: no user id, no time. Named attempts without a user id are skipped.
    """
    found: dict[int, FeedbackAttempt] = {}
    for page in pages:
        named = [(record, False) for record in page.get("attempts") or []]
        unnamed = [(record, True) for record in page.get("anonattempts") or []]
        for record, listed_anonymous in named + unnamed:
            attempt_id = whole_number(record.get("id"))
            where = f"feedback {feedback_name!r}, attempt {attempt_id or '?'}"
            if attempt_id <= 0:
                skip(f"{where}: no attempt id")
                continue
            answers = _answers(record.get("responses") or [], questions_by_id, where, skip)
            anonymous = listed_anonymous or anonymous_feedback
            if anonymous:
                number = record.get("number") if listed_anonymous else None
                attempt = FeedbackAttempt(attempt_id=attempt_id, anonymous=True, number=whole_number(number) or None,
                                          answers=answers)
            else:
                user_id = whole_number(record.get("userid"))
                if user_id <= 0:
                    skip(f"{where}: named attempt without a user id")
                    continue
                attempt = FeedbackAttempt(attempt_id=attempt_id, anonymous=False, user_id=user_id,
                                          submitted_at=moodle_time(record.get("timemodified")), answers=answers)
            found[attempt_id] = attempt
    return tuple(found.values())


def instrument(feedback: Mapping[str, Any], items: Sequence[Mapping[str, Any]],
               pages: Sequence[Mapping[str, Any]], skip: Skip) -> FeedbackInstrument | None:
    """A feedback with its items and attempts, or None (noted) when Moodle's record lacks what identifies it."""
    name = text(feedback.get("name")) or f"feedback {feedback.get('id')}"
    anonymous = is_anonymous(feedback)
    questions_by_id = questions(items, name, skip)
    try:
        return FeedbackInstrument(
            feedback_id=int(feedback["id"]),
            cmid=whole_number(feedback.get("coursemodule")) or None,
            name=name,
            anonymous=anonymous,
            items=tuple(sorted((q.item for q in questions_by_id.values()), key=lambda item: item.position)),
            attempts=attempts(pages, anonymous, questions_by_id, name, skip),
        )
    except (KeyError, TypeError, ValueError) as error:
        skip(f"feedback {name!r}: not stored: {reason(error)}")
        return None
