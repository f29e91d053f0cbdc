"""The pulled records of example run kvz-2027-02 (Potsdam, 19.–20. Mai 2027) for certificate tests.

Christina Albrecht completed; Marco Lindner did not; Greta von Bülow's enrolment is suspended; Samir Haddad completed
but is erased with `records forget` by the tests that need it. Sabine Brandt teaches.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lms_sync.records.snapshot import ENROLMENT_ACTIVE, ENROLMENT_NOT_ACTIVE, CompletionRecord, CourseSnapshot, EnrolledUser
from lms_sync.records.store import RecordsStore

RUN = "kvz-2027-02"
COMPLETED = "c.albrecht@potsdam-verwaltung.example.org"
INCOMPLETE = "marco.lindner@potsdam-verwaltung.example.org"
SUSPENDED = "greta@klimabuendnis.example.org"
ERASED = "s.haddad@integrationsrat.example.org"


def _student(user_id: int, email: str, first: str, last: str, status: int = ENROLMENT_ACTIVE) -> EnrolledUser:
    return EnrolledUser(user_id=user_id, email=email, firstname=first, lastname=last, roles=("student",), role_ids=(5,),
                        status=status)  # type: ignore[arg-type]


def run_snapshot() -> CourseSnapshot:
    done = datetime(2027, 5, 20, 14, 0, tzinfo=UTC)
    return CourseSnapshot(
        site_url="https://moodle.example.org",
        course_id=52,
        idnumber=f"lms-sync-{RUN}",
        shortname=f"KVZ-{RUN}",
        fullname="Kommune und Zivilgesellschaft – Potsdam, Mai 2027 (19.05.2027)",
        startdate=datetime(2027, 5, 19, 7, 30, tzinfo=UTC),
        enddate=datetime(2027, 5, 20, 13, 30, tzinfo=UTC),
        run_id=RUN,
        template="kommune-zivilgesellschaft",
        users=(
            _student(61, COMPLETED, "Christina", "Albrecht"),
            _student(62, INCOMPLETE, "Marco", "Lindner"),
            _student(63, SUSPENDED, "Greta", "von Bülow", ENROLMENT_NOT_ACTIVE),
            _student(64, ERASED, "Samir", "Haddad"),
            EnrolledUser(user_id=70, email="s.brandt@partizipation.example.org", firstname="Sabine", lastname="Brandt",
                         roles=("editingteacher",), role_ids=(3,)),
        ),
        completions=(
            CompletionRecord(user_id=61, completed=True, timecompleted=done),
            CompletionRecord(user_id=62, completed=False),
            CompletionRecord(user_id=64, completed=True, timecompleted=done),
        ),
    )


def fill(store: RecordsStore) -> None:
    store.replace_course_snapshot(run_snapshot())
