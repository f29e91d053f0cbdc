"""A realistic pulled course (named and anonymous feedback, completion, competencies) for records tests.

Shapes follow the recorded Moodle 4.5 answers in shared/moodle-contract (users 5..9, feedback 2 named, 3 anonymous).
"""

from __future__ import annotations

from datetime import UTC, datetime

from lms_sync.records.people import Participant
from lms_sync.records.queries import CourseRoles
from lms_sync.records.snapshot import (
    ActivityCompletion,
    Competency,
    CompetencyRating,
    CompletionRecord,
    CourseSnapshot,
    EnrolledUser,
    FeedbackAnswer,
    FeedbackAttempt,
    FeedbackInstrument,
    FeedbackItem,
)

SITE = "https://moodle.example.org"
PULLED_AT = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)
ANNA = "anna.schmidt@example.org"
LUKAS = "lukas.mueller@example.org"
TRAINER = "petra.wagner@example.org"
ROLES = CourseRoles(participant=5, trainers=frozenset({3}))
"""push's default role ids (student, editingteacher), which the samples' users hold"""

RATED = "r>>>>>1####trifft gar nicht zu|2####trifft eher nicht zu|3####teils, teils|4####trifft eher zu|5####trifft voll zu"


def _at(unix_seconds: int) -> datetime:
    return datetime.fromtimestamp(unix_seconds, UTC)


def participants() -> list[Participant]:
    """The catalogue's view: Anna opted in to the competence consultation, Lukas did not."""
    return [
        Participant(
            email=ANNA,
            firstname="Anna",
            lastname="Schmidt",
            organisation="Bezirksamt Mitte",
            sector="Verwaltung",
            consultation_opt_in=True,
        ),
        Participant(
            email=LUKAS, firstname="Lukas", lastname="Müller", organisation="Stadtteilverein Nord", sector="Zivilgesellschaft"
        ),
    ]


def _rated(item_id: int, label: str, question: str, position: int) -> FeedbackItem:
    return FeedbackItem(
        item_id=item_id,
        label=label,
        typ="multichoicerated",
        question=question,
        presentation=RATED,
        position=position,
        scale_min=1,
        scale_max=5,
    )


def _text(item_id: int, label: str, question: str, position: int) -> FeedbackItem:
    return FeedbackItem(item_id=item_id, label=label, typ="textarea", question=question, position=position)


def named_feedback() -> FeedbackInstrument:
    return FeedbackInstrument(
        feedback_id=2,
        cmid=12,
        name="Evaluation des Workshops",
        anonymous=False,
        items=(
            _rated(6, "zufriedenheit", "Wie zufrieden sind Sie insgesamt mit dem Workshop?", 1),
            _text(10, "freitext", "Was möchten Sie uns sonst noch mitteilen?", 2),
        ),
        attempts=(
            FeedbackAttempt(
                attempt_id=4,
                anonymous=False,
                user_id=5,
                submitted_at=_at(1773900000),
                answers=(
                    FeedbackAnswer(item_id=6, numeric_value=4),
                    FeedbackAnswer(item_id=10, text_value="Der Teil zum Haushaltsrecht war mir zu knapp."),
                ),
            ),
            FeedbackAttempt(
                attempt_id=5,
                anonymous=False,
                user_id=6,
                submitted_at=_at(1773900100),
                answers=(FeedbackAnswer(item_id=6, numeric_value=5),),
            ),
        ),
    )


def anonymous_feedback() -> FeedbackInstrument:
    return FeedbackInstrument(
        feedback_id=3,
        cmid=13,
        name="Zwischenfeedback (anonym)",
        anonymous=True,
        items=(
            _rated(11, "tempo", "Das Tempo des Workshops ist angemessen.", 1),
            _text(13, "aenderung", "Was sollten wir am zweiten Tag ändern?", 2),
        ),
        attempts=(
            FeedbackAttempt(
                anonymous=True,
                answers=(
                    FeedbackAnswer(item_id=11, numeric_value=3),
                    FeedbackAnswer(item_id=13, text_value="Etwas langsamer bei den rechtlichen Grundlagen."),
                ),
            ),
            FeedbackAttempt(anonymous=True, answers=(FeedbackAnswer(item_id=11, numeric_value=4),)),
        ),
    )


def course_snapshot(
    course_id: int = 3, idnumber: str = "bip-kvz-2026-01", run_id: str = "kvz-2026-01", enddate: int = 1773964800
) -> CourseSnapshot:
    """Course 3 with Anna and Lukas (students), a trainer, completion, both feedbacks and competency ratings."""
    return CourseSnapshot(
        site_url=SITE,
        site_release="4.5.2 (Build: 20250210)",
        course_id=course_id,
        idnumber=idnumber,
        shortname=f"KVZ-{course_id}",
        fullname="Kommunalpolitik & Zivilgesellschaft – Durchgang 2026-01",
        startdate=_at(1773792000),
        enddate=_at(enddate),
        run_id=run_id,
        template="kommunal-zivil",
        pulled_at=PULLED_AT,
        users=(
            EnrolledUser(
                user_id=5,
                email="Anna.Schmidt@example.org",
                firstname="Anna",
                lastname="Schmidt",
                institution="Stadtverwaltung Berlin",
                roles=("student",),
                role_ids=(5,),
                groups=("Gruppe A – Verwaltung",),
                lastaccess=_at(1773910000),
            ),
            EnrolledUser(
                user_id=6,
                email=LUKAS,
                firstname="Lukas",
                lastname="Müller",
                roles=("student",),
                role_ids=(5,),
                groups=("Gruppe B – Zivilgesellschaft",),
            ),
            EnrolledUser(user_id=7, email=TRAINER, firstname="Petra", lastname="Wagner", roles=("editingteacher",),
                         role_ids=(3,)),
        ),
        completions=(
            CompletionRecord(
                user_id=5,
                completed=True,
                timecompleted=_at(1773950000),
                activities=(
                    ActivityCompletion(cmid=7, modname="page", state=1, timecompleted=_at(1773800000)),
                    ActivityCompletion(cmid=9, modname="assign", state=1, timecompleted=_at(1773850000)),
                ),
            ),
            CompletionRecord(
                user_id=6,
                completed=False,
                activities=(
                    ActivityCompletion(cmid=7, modname="page", state=1, timecompleted=_at(1773800500)),
                    ActivityCompletion(cmid=9, modname="assign", state=0),
                ),
            ),
        ),
        feedback=(named_feedback(), anonymous_feedback()),
        competencies=(
            Competency(
                competency_id=21,
                idnumber="bip-k-vertrauen",
                shortname="Vertrauen aufbauen und sichern",
                framework_id=4,
                framework_idnumber="bip-kompetenzen",
                framework_shortname="BIP Kompetenzen",
            ),
        ),
        competency_ratings=(
            CompetencyRating(
                user_id=5,
                competency_id=21,
                rating=3,
                proficient=True,
                grade_label="sicher",
                evidence_note="Moderation der Konfliktübung",
                rated_at=_at(1773950000),
            ),
            CompetencyRating(user_id=6, competency_id=21, rating=2, proficient=False, grade_label="teilweise"),
        ),
    )
