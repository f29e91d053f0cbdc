"""Two runs with unrated multiple-choice items and known answers, stored as the pull stores them (option labels).

Every expected number is in `fill_choices`' docstring.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lms_sync.moodle.api.feedback import item_from
from lms_sync.pull.feedback_reading import stored_answer
from lms_sync.records.snapshot import EnrolledUser, FeedbackAnswer, FeedbackAttempt, FeedbackInstrument, FeedbackItem
from lms_sync.records.store import RecordsStore
from tests.reports_samples import JOERG, PETRA, workshop_run

CHOICE_RUN_1, CHOICE_RUN_2 = "kvz-2026-05", "kvz-2026-06"
PLAN_A, PLAN_C = "Akteurslandkarte erstellen", "Noch nichts Konkretes"
PLAN_B = "Neues Beteiligungsformat einsetzen; mit Begleitung"
"""An option whose own label contains the "; " the pull joins several chosen options with."""
UNKNOWN_PLAN = "Etwas ganz anderes"


def _choice_item(item_id: int, label: str, question: str, presentation: str, position: int) -> FeedbackItem:
    return FeedbackItem(
        item_id=item_id, label=label, typ="multichoice", question=question, presentation=presentation, position=position
    )


PLANS = _choice_item(
    21, "transfer_vorhaben", "Was möchten Sie in den nächsten drei Monaten ausprobieren?", f"c>>>>>{PLAN_A}|{PLAN_B}|{PLAN_C}", 1
)
CHANNEL = _choice_item(22, "kanal", "Wie haben Sie von uns erfahren?", "r>>>>>Newsletter|Website|Empfehlung<<<<<1", 2)
# The second run's questionnaire is another Moodle feedback (own item ids) and offers one more channel.
PLANS_2 = PLANS.model_copy(update={"item_id": 23})
CHANNEL_2 = CHANNEL.model_copy(update={"item_id": 24, "presentation": "r>>>>>Newsletter|Website|Empfehlung|Social Media<<<<<1"})
PACE = _choice_item(31, "tempo_wahl", "Wie war das Tempo?", "d>>>>>zu schnell|genau richtig|zu langsam", 1)


def _chosen(item: FeedbackItem, rawval: str) -> FeedbackAnswer:
    """The answer exactly as the pull stores Moodle's rawval ("1|2": the 1-based positions chosen)."""
    answer = stored_answer(item_from({"id": item.item_id, "typ": item.typ, "presentation": item.presentation}), rawval)
    assert answer is not None
    return answer


def _named(
    feedback_id: int, items: tuple[FeedbackItem, ...], answers: dict[int, tuple[FeedbackAnswer, ...]]
) -> FeedbackInstrument:
    return FeedbackInstrument(
        feedback_id=feedback_id,
        cmid=feedback_id + 50,
        name="Abschlussbefragung",
        anonymous=False,
        items=items,
        attempts=tuple(
            FeedbackAttempt(attempt_id=feedback_id * 100 + user_id, anonymous=False, user_id=user_id, answers=given)
            for user_id, given in answers.items()
        ),
    )


def _anonymous_pace() -> FeedbackInstrument:
    """Anonymous: 2x "genau richtig", 1x "zu schnell"."""
    chosen = ("2", "2", "1")
    return FeedbackInstrument(
        feedback_id=61,
        cmid=111,
        name="Zwischenfeedback (anonym)",
        anonymous=True,
        items=(PACE,),
        attempts=tuple(
            FeedbackAttempt(anonymous=True, answers=(_chosen(PACE, rawval),))
            for rawval in chosen
        ),
    )


def fill_choices(store: RecordsStore) -> None:
    """Write both runs into the store.

    kvz-2026-05 (Petra, 5 participants): plans A, A, A, A+B, unknown text (n 5: A 4, B 1, C 0, unknown 1);
    channel Newsletter, Website, Newsletter (n 3); anonymous pace "genau richtig" 2x, "zu schnell" 1x (n 3).
    kvz-2026-06 (Jörg, 2 participants): plans C, A+C (n 2: A 1, B 0, C 2); channel Social Media (n 1).
    """
    unknown = FeedbackAnswer(item_id=PLANS.item_id, text_value=UNKNOWN_PLAN)  # e.g. an option renamed since
    first = _named(
        60,
        (PLANS, CHANNEL),
        {
            5: (_chosen(PLANS, "1"), _chosen(CHANNEL, "1")),
            6: (_chosen(PLANS, "1"), _chosen(CHANNEL, "2")),
            8: (_chosen(PLANS, "1"), _chosen(CHANNEL, "1")),
            9: (_chosen(PLANS, "1|2"),),
            10: (unknown,),
        },
    )
    second = _named(
        62, (PLANS_2, CHANNEL_2), {11: (_chosen(PLANS_2, "3"),), 12: (_chosen(PLANS_2, "1|3"), _chosen(CHANNEL_2, "4"))}
    )
    petra = EnrolledUser(user_id=7, email=PETRA, firstname="Petra", lastname="Wagner", roles=("editingteacher",), role_ids=(3,))
    joerg = EnrolledUser(user_id=13, email=JOERG, firstname="Jörg", lastname="Weiß", roles=("editingteacher",), role_ids=(3,))
    start = datetime(2026, 5, 4, 22, 0, tzinfo=UTC)
    store.replace_course_snapshot(workshop_run(40, CHOICE_RUN_1, start, petra, (5, 6, 8, 9, 10), (first, _anonymous_pace())))
    store.replace_course_snapshot(workshop_run(41, CHOICE_RUN_2, start.replace(month=6), joerg, (11, 12), (second,)))
