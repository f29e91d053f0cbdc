"""Turns a course's feedbacks as `moodle.api.feedback` reads them (items, pages of attempts) into snapshot instruments
with typed answers; anonymous attempts are built without any user data.

Unknown item types and unreadable values are skipped and reported through the `skip` callback, never raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lms_sync.moodle.api.feedback import Feedback, Item, Page
from lms_sync.moodle.fields import Skip, moodle_time, reason
from lms_sync.records.snapshot import FeedbackAnswer, FeedbackAttempt, FeedbackInstrument, FeedbackItem


def title(feedback: Feedback) -> str:
    """How notes name a feedback: its name, else its id."""
    return feedback.name or f"feedback {feedback.id}"


def stored_answer(item: Item, rawval: str) -> FeedbackAnswer | None:
    """The answer as the records keep Moodle's `rawval` for `item` (None: unanswered; ValueError: does not fit)."""
    answer = item.answer(rawval)
    return None if answer is None else FeedbackAnswer(item_id=item.id, numeric_value=answer.numeric,
                                                      text_value=answer.text)


def _stored_item(item: Item) -> FeedbackItem:
    scale_min, scale_max = item.scale()
    return FeedbackItem(item_id=item.id, label=item.label, typ=item.typ, question=item.name,
                        presentation=item.presentation, position=item.position, scale_min=scale_min,
                        scale_max=scale_max)


def _answers(responses: Sequence[tuple[int, str]], items_by_id: Mapping[int, Item], where: str,
             skip: Skip) -> tuple[FeedbackAnswer, ...]:
    answers: dict[int, FeedbackAnswer] = {}
    for item_id, rawval in responses:
        item = items_by_id.get(item_id)
        if item is None:
            continue  # a layout item or one skipped when the items were read
        try:
            answer = stored_answer(item, rawval)
        except ValueError as error:
            skip(f"{where}, item {item.id}: {error}")
            continue
        if answer is not None:
            answers[answer.item_id] = answer
    return tuple(answers.values())


def attempts(pages: Sequence[Page], anonymous_feedback: bool, items_by_id: Mapping[int, Item], feedback_name: str,
             skip: Skip) -> tuple[FeedbackAttempt, ...]:
    """Every attempt of all pages of `moodle.api.feedback.responses`, once each.

    In an anonymous feedback even entries Moodle lists as named (answered before the feedback was made anonymous)
    are stored as anonymous. An anonymous attempt keeps only its answers: Moodle's attempt id (its feedback_completed
    row names the user), response number (random_response, in that row too) and time stay here, used only to read
    each attempt once, and are named in no message. Named attempts without a user id are skipped.
    """
    found: dict[int, FeedbackAttempt] = {}
    for attempt in (attempt for page in pages for attempt in page.attempts):
        anonymous = attempt.anonymous or anonymous_feedback
        where = f"feedback {feedback_name!r}, " + ("an anonymous attempt" if anonymous else f"attempt {attempt.id}")
        if attempt.id <= 0:
            skip(f"{where}: no attempt id")
            continue
        answers = _answers(attempt.responses, items_by_id, where, skip)
        if anonymous:
            found[attempt.id] = FeedbackAttempt(anonymous=True, answers=answers)
        elif attempt.userid <= 0:
            skip(f"{where}: named attempt without a user id")
        else:
            found[attempt.id] = FeedbackAttempt(attempt_id=attempt.id, anonymous=False, user_id=attempt.userid,
                                                submitted_at=moodle_time(attempt.timemodified), answers=answers)
    return tuple(found.values())


def instrument(feedback: Feedback, items: Sequence[Item], pages: Sequence[Page], skip: Skip
               ) -> FeedbackInstrument | None:
    """A feedback with its items and attempts, or None (noted) when its records do not fit together."""
    name = title(feedback)
    items_by_id = {item.id: item for item in items}
    try:
        return FeedbackInstrument(
            feedback_id=feedback.id,
            cmid=feedback.cmid or None,
            name=name,
            anonymous=feedback.anonymous,
            items=tuple(sorted((_stored_item(item) for item in items_by_id.values()), key=lambda item: item.position)),
            attempts=attempts(pages, feedback.anonymous, items_by_id, name, skip),
        )
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        skip(f"feedback {name!r}: not stored: {reason(error)}")
        return None
