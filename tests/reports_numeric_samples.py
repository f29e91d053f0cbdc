"""Three runs of one template with numeric items (Moodle type `numeric`) and known answers, stored as the pull stores them.

Every expected number is in `fill_numbers`' docstring.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lms_sync.moodle.api.feedback import item_from
from lms_sync.pull.feedback_reading import stored_answer
from lms_sync.records.snapshot import EnrolledUser, FeedbackAnswer, FeedbackAttempt, FeedbackInstrument, FeedbackItem
from lms_sync.records.store import RecordsStore
from tests.records_samples import RATED
from tests.reports_samples import JOERG, PETRA, workshop_run

NUMERIC_RUN_1, NUMERIC_RUN_2, NUMERIC_RUN_3 = "kvz-2026-07", "kvz-2026-08", "kvz-2026-09"
HOURS_QUESTION = "Wie viele Stunden pro Woche arbeiten Sie mit Beteiligungsverfahren?"
PEOPLE_QUESTION = "Wie viele Personen möchten Sie mit Ihrem Vorhaben erreichen?"
RATED_QUESTION = "Die Übungen waren praxisnah."

HOURS = FeedbackItem(item_id=71, label="stunden", typ="numeric", question=HOURS_QUESTION, presentation="0|40", position=1)
PEOPLE = FeedbackItem(item_id=72, label="personen", typ="numeric", question=PEOPLE_QUESTION, presentation="|", position=2)
PRACTICE = FeedbackItem(
    item_id=73, label="praxis", typ="multichoicerated", question=RATED_QUESTION, presentation=RATED, position=3,
    scale_min=1, scale_max=5,
)


def _given(item: FeedbackItem, rawval: str) -> FeedbackAnswer:
    """The answer exactly as the pull stores Moodle's rawval (a number, or the chosen option's position)."""
    answer = stored_answer(item_from({"id": item.item_id, "typ": item.typ, "presentation": item.presentation}), rawval)
    assert answer is not None
    return answer


def _questionnaire(
    feedback_id: int, answers: dict[int, tuple[str, str]], unanswered: tuple[FeedbackItem, ...] = ()
) -> FeedbackInstrument:
    """A named questionnaire; `answers` maps a user id to (hours, rated option position)."""
    # Item ids differ per run as in Moodle, where every course's questionnaire is its own feedback.
    hours, practice = (item.model_copy(update={"item_id": item.item_id + feedback_id}) for item in (HOURS, PRACTICE))
    return FeedbackInstrument(
        feedback_id=feedback_id,
        cmid=feedback_id + 50,
        name="Transferbefragung",
        anonymous=False,
        items=(hours, *unanswered, practice),
        attempts=tuple(
            FeedbackAttempt(
                attempt_id=feedback_id * 100 + user_id,
                anonymous=False,
                user_id=user_id,
                answers=(_given(hours, given_hours), _given(practice, rated)),
            )
            for user_id, (given_hours, rated) in answers.items()
        ),
    )


def fill_numbers(store: RecordsStore) -> None:
    """Write the three runs into the store (all of template kommunal-zivil).

    "stunden" (range 0|40): kvz-2026-07 (Petra) 2, 4, 9 (n 3, mean 5, median 4, min 2, max 9);
    kvz-2026-08 (Jörg) 10, 20 (n 2, mean 15, median 15); kvz-2026-09 (Petra) 0.5, 3, 6, 12 (n 4, mean 5.375, median 4.5).
    Petra's runs pooled: n 7, mean 36.5/7 = 5.214, median 4, min 0.5, max 12.
    All runs pooled: n 9, mean 66.5/9 = 7.389, median 6, min 0.5, max 20.
    "personen" (no range) is asked in kvz-2026-07 only and nobody answered it (n 0).
    """
    petra = EnrolledUser(user_id=7, email=PETRA, firstname="Petra", lastname="Wagner", roles=("editingteacher",), role_ids=(3,))
    joerg = EnrolledUser(user_id=13, email=JOERG, firstname="Jörg", lastname="Weiß", roles=("editingteacher",), role_ids=(3,))
    runs = (
        (50, NUMERIC_RUN_1, petra, (5, 6, 8), _questionnaire(100, {5: ("2", "4"), 6: ("4", "4"), 8: ("9", "5")}, (PEOPLE,))),
        (51, NUMERIC_RUN_2, joerg, (9, 10), _questionnaire(200, {9: ("10", "3"), 10: ("20", "3")})),
        (52, NUMERIC_RUN_3, petra, (5, 6, 8, 9),
         _questionnaire(300, {5: ("0.5", "5"), 6: ("3", "5"), 8: ("6", "4"), 9: ("12", "4")})),
    )
    for month, (course_id, run_id, trainer, students, feedback) in enumerate(runs, start=7):
        start = datetime(2026, month, 6, 22, 0, tzinfo=UTC)
        store.replace_course_snapshot(workshop_run(course_id, run_id, start, trainer, students, (feedback,)))
