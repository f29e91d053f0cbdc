"""Two evaluated runs of one template with known answers, for report tests: every expected number is written here.

Run kvz-2026-01 (trainer Petra Wagner): 4 participants, ratings 5,4,4,3 (mean 4.0), plus an anonymous questionnaire.
Run kvz-2026-02 (trainer Jörg Weiß): 3 participants, ratings 2,2 (mean 2.0). Together: n 6, mean 20/6.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms_sync.records.snapshot import (
    CompletionRecord,
    CourseSnapshot,
    EnrolledUser,
    FeedbackAnswer,
    FeedbackAttempt,
    FeedbackInstrument,
    FeedbackItem,
)
from lms_sync.records.store import RecordsStore
from tests.records_samples import RATED, SITE

TEMPLATE = "kommunal-zivil"
RUN_1, RUN_2 = "kvz-2026-01", "kvz-2026-02"
PETRA, JOERG = "petra.wagner@example.org", "joerg.weiss@example.org"
STUDENTS = {  # user id -> (e-mail, first name, last name)
    5: ("anna.schmidt@example.org", "Anna", "Schmidt"),
    6: ("lukas.mueller@example.org", "Lukas", "Müller"),
    8: ("jonas.becker@example.org", "Jonas", "Becker"),
    9: ("lea.hoffmann@example.org", "Lea", "Hoffmann"),
    10: ("oezlem.yildiz@example.org", "Özlem", "Yıldız"),
    11: ("marie.koch@example.org", "Marie", "Koch"),
    12: ("tim.krueger@example.org", "Tim", "Krüger"),
}
STUDENT_NAMES = [f"{first} {last}" for _, first, last in STUDENTS.values()] + [last for _, _, last in STUDENTS.values()]

SATISFACTION_QUESTION = "Die Übungen haben mir geholfen, das Gelernte anzuwenden."
FREE_TEXT_QUESTION = "Was möchten Sie uns sonst noch mitteilen?"
NAMED_TEXTS = ("Die Gruppengröße war ideal – danke!", "<script>alert('x')</script> & mehr Pausen")
ANONYMOUS_TEXT = "Etwas langsamer bei den rechtlichen Grundlagen, bitte."


def _items() -> tuple[FeedbackItem, ...]:
    return (
        FeedbackItem(
            item_id=2,
            label="methoden_praxis",
            typ="multichoicerated",
            question=SATISFACTION_QUESTION,
            presentation=RATED,
            position=2,
            scale_min=1,
            scale_max=5,
        ),
        FeedbackItem(item_id=3, label="freitext", typ="textarea", question=FREE_TEXT_QUESTION, position=3),
        FeedbackItem(
            item_id=4,
            label="kanal",
            typ="multichoice",
            question="Wie haben Sie davon erfahren?",
            presentation="r>>>>>Newsletter|Website",
            position=4,
        ),
    )


def _named_feedback(feedback_id: int, ratings: dict[int, int], texts: dict[int, str]) -> FeedbackInstrument:
    attempts = tuple(
        FeedbackAttempt(
            attempt_id=feedback_id * 100 + user_id,
            anonymous=False,
            user_id=user_id,
            submitted_at=datetime(2026, 3, 19, 16, user_id, tzinfo=UTC),
            answers=(FeedbackAnswer(item_id=2, numeric_value=rating),)
            + ((FeedbackAnswer(item_id=3, text_value=texts[user_id]),) if user_id in texts else ()),
        )
        for user_id, rating in ratings.items()
    )
    return FeedbackInstrument(
        feedback_id=feedback_id,
        cmid=feedback_id + 50,
        name="Evaluation des Workshops",
        anonymous=False,
        items=_items(),
        attempts=attempts,
    )


def _anonymous_feedback(feedback_id: int) -> FeedbackInstrument:
    tempo = FeedbackItem(
        item_id=11,
        label="tempo",
        typ="multichoicerated",
        question="Das Tempo ist angemessen.",
        presentation=RATED,
        position=1,
        scale_min=1,
        scale_max=5,
    )
    change = FeedbackItem(item_id=13, label="aenderung", typ="textarea", question="Was sollten wir ändern?", position=2)
    return FeedbackInstrument(
        feedback_id=feedback_id,
        cmid=feedback_id + 50,
        name="Zwischenfeedback (anonym)",
        anonymous=True,
        items=(tempo, change),
        attempts=(
            FeedbackAttempt(
                anonymous=True,
                answers=(FeedbackAnswer(item_id=11, numeric_value=2), FeedbackAnswer(item_id=13, text_value=ANONYMOUS_TEXT)),
            ),
            FeedbackAttempt(anonymous=True, answers=(FeedbackAnswer(item_id=11, numeric_value=4),)),
        ),
    )


def _user(user_id: int) -> EnrolledUser:
    email, first, last = STUDENTS[user_id]
    return EnrolledUser(user_id=user_id, email=email, firstname=first, lastname=last, roles=("student",), role_ids=(5,),
                        institution="Bezirksamt")


def workshop_run(
    course_id: int,
    run_id: str,
    start: datetime,
    trainer: EnrolledUser,
    students: tuple[int, ...],
    feedback: tuple[FeedbackInstrument, ...],
    completions: tuple[CompletionRecord, ...] = (),
) -> CourseSnapshot:
    """A two-day workshop run of the template, starting at `start`."""
    return CourseSnapshot(
        site_url=SITE,
        course_id=course_id,
        idnumber=f"bip-{run_id}",
        shortname=f"KVZ-{course_id}",
        fullname=f"Kommunalpolitik & Zivilgesellschaft – Durchgang {run_id.removeprefix('kvz-')}",
        startdate=start,
        enddate=start + timedelta(days=2),
        run_id=run_id,
        template=TEMPLATE,
        users=(*(_user(user_id) for user_id in students), trainer),
        completions=completions,
        feedback=feedback,
    )


def run_1() -> CourseSnapshot:
    """4 participants, all answered: 5, 4, 4, 3; two free texts; an anonymous questionnaire with 2 answers."""
    return workshop_run(
        30,
        RUN_1,
        datetime(2026, 3, 17, 23, 0, tzinfo=UTC),
        EnrolledUser(user_id=7, email=PETRA, firstname="Petra", lastname="Wagner", roles=("editingteacher",), role_ids=(3,)),
        (5, 6, 8, 9),
        (
            _named_feedback(40, {5: 5, 6: 4, 8: 4, 9: 3}, {5: NAMED_TEXTS[0], 6: NAMED_TEXTS[1]}),
            _anonymous_feedback(41),
        ),
        completions=(
            CompletionRecord(user_id=5, completed=True, timecompleted=datetime(2026, 3, 19, 15, 0, tzinfo=UTC)),
            CompletionRecord(user_id=6, completed=False),
        ),
    )


def run_2() -> CourseSnapshot:
    """3 participants, 2 answered: 2, 2; trainer Jörg Weiß."""
    return workshop_run(
        31,
        RUN_2,
        datetime(2026, 4, 17, 22, 0, tzinfo=UTC),
        EnrolledUser(user_id=13, email=JOERG, firstname="Jörg", lastname="Weiß", roles=("editingteacher",), role_ids=(3,)),
        (10, 11, 12),
        (_named_feedback(42, {10: 2, 11: 2}, {}),),
    )


def fill(store: RecordsStore) -> None:
    """Write both runs into the store."""
    store.replace_course_snapshot(run_1())
    store.replace_course_snapshot(run_2())
