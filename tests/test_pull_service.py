"""`pull_courses` against the fake Moodle on SQLite and PostgreSQL: records match Moodle, re-pulls change nothing,
anonymous answers stay unlinked, failures stay with their course, enrolment status is kept, and the pull needs few
requests."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from sqlalchemy import func, inspect, select

from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleAuthError, MoodleUnreachable
from lms_sync.pull import CourseTarget, PullReport, pull_courses
from lms_sync.records.people import Participant
from lms_sync.records.schema import (
    course_completion,
    courses,
    enrolments,
    feedback_answers,
    feedback_instruments,
    feedback_items,
    feedback_responses,
    people,
    pull_journal,
)
from lms_sync.records.store import RecordsStore
from lms_sync.reports.files import write_participation_report
from tests.competency_helpers import bundled_framework, calls_made, seed_framework, with_rating_handlers
from tests.fake_moodle import MOODLE_VERSIONS, FakeMoodle
from tests.fake_moodle.errors import no_permission
from tests.fake_moodle.handlers.competency_ratings import add_plan
from tests.fake_moodle.operations import add_feedback_item
from tests.fake_moodle.state import NOW
from tests.pull_site import Workshop, add_workshop
from tests.records_samples import ROLES
from tests.reports_parsing import parse_html, read_csv

RATING_READS = {"tool_lp_data_for_user_competency_summary_in_course", "core_competency_list_user_plans"}
NO_PERMISSION = {"exception": "core\\exception\\required_capability_exception", "errorcode": "nopermissions",
                 "message": "Sorry, but you do not currently have permissions to do that (View participants)."}


def _client(fake: FakeMoodle, **options: Any) -> MoodleClient:
    return MoodleClient(fake.url, SecretStr(fake.token), sleep=lambda _seconds: None, **options)


def _pull(fake: FakeMoodle, store: RecordsStore, *workshops: Workshop, page_size: int = 100,
          **options: Any) -> PullReport:
    targets = [CourseTarget.from_argument(workshop.idnumber) for workshop in workshops]
    return pull_courses(_client(fake, **options), store, targets, page_size=page_size)


def _rows(store: RecordsStore, query: Any) -> list[Any]:
    with store.engine.connect() as connection:
        return list(connection.execute(query))


def _count(store: RecordsStore, table: Any, *where: Any) -> int:
    with store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def _responses_of(store: RecordsStore, workshop: Workshop) -> int:
    course = select(courses.c.id).where(courses.c.moodle_id == workshop.course_id).scalar_subquery()
    instruments = select(feedback_instruments.c.id).where(feedback_instruments.c.course_id == course)
    return _count(store, feedback_responses, feedback_responses.c.instrument_id.in_(instruments))


@pytest.fixture
def workshops(fake_moodle: FakeMoodle) -> list[Workshop]:
    return [add_workshop(fake_moodle, "bip-ws-2026-01"),
            add_workshop(fake_moodle, "bip-ws-2026-02", size=10, answered=3, surveyed=4)]


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_records_hold_what_moodle_has(fake_moodle: FakeMoodle, records_store: RecordsStore,
                                      workshops: list[Workshop]) -> None:
    report = _pull(fake_moodle, records_store, *workshops)

    assert report.aborted is None and report.failed == []
    assert [(c.users, c.completions, c.feedbacks, c.responses) for c in report.courses] == [(14, 12, 2, 14),
                                                                                          (12, 10, 2, 7)]
    assert _count(records_store, enrolments) == 26
    assert _count(records_store, course_completion, course_completion.c.completed.is_(True)) == 8 + 3
    assert _rows(records_store, select(courses.c.fullname).order_by(courses.c.moodle_id)) == [
        ("Workshop bip-ws-2026-01 & Praxis",), ("Workshop bip-ws-2026-02 & Praxis",)]
    first_student = fake_moodle.site.users[workshops[0].students[0]]
    groups = _rows(records_store, select(enrolments.c.groups, enrolments.c.roles, enrolments.c.role_ids).join(people)
                   .where(people.c.email == first_student.email))
    assert groups == [("Gruppe A – Verwaltung", "student", "5")]

    items = fake_moodle.site.feedback_items
    stored: dict[tuple[int, int | None], dict[int, str]] = {}
    for response, attempt, item, numeric, text in _rows(records_store, select(
            feedback_responses.c.id, feedback_responses.c.moodle_attempt_id, feedback_items.c.moodle_item_id,
            feedback_answers.c.numeric_value, feedback_answers.c.text_value)
            .select_from(feedback_answers.join(feedback_responses).join(feedback_items))):
        stored.setdefault((response, attempt), {})[item] = _as_rawval(items[item].typ, numeric, text)
    attempts = fake_moodle.site.feedback_attempts.values()
    # Named responses by Moodle's attempt id; anonymous ones carry none, so they are compared as a multiset.
    assert {attempt: answers for (_, attempt), answers in stored.items() if attempt is not None} == {
        a.id: a.values for a in attempts if a.anonymous_response == 2}
    assert Counter(frozenset(answers.items()) for (_, attempt), answers in stored.items() if attempt is None) == Counter(
        frozenset(a.values.items()) for a in attempts if a.anonymous_response == 1)


def _as_rawval(typ: str, numeric: float | None, text: str | None) -> str:
    """A stored answer back in Moodle's rawval form, so it can be compared with what the fake Moodle holds."""
    if typ == "multichoicerated":
        return str(int(numeric or 0))
    if typ == "multichoice":
        position = ("Newsletter", "Kollegium", "Website").index(text or "") + 1
        assert numeric == position
        return str(position)
    assert numeric is None
    return text or ""


def test_a_repull_changes_nothing_and_a_new_answer_changes_only_itself(
        fake_moodle: FakeMoodle, records_store: RecordsStore, workshops: list[Workshop]) -> None:
    first = _pull(fake_moodle, records_store, *workshops)
    again = _pull(fake_moodle, records_store, *workshops)

    assert first.changes.inserted > 100
    assert (again.changes.inserted, again.changes.updated, again.changes.deleted) == (0, 0, 0)
    assert again.changes.unchanged == first.changes.inserted

    late = workshops[1].students[-1]
    fake_moodle.add_feedback_attempt(workshops[1].evaluation_id, {"zufriedenheit": "5", "relevanz": "4"}, userid=late)
    third = _pull(fake_moodle, records_store, *workshops)
    tables = {name: vars(counts) for c in third.courses if c.counts for name, counts in c.counts.tables.items()}
    assert tables["feedback_responses"]["inserted"] == 1 and tables["feedback_answers"]["inserted"] == 2
    assert third.changes.updated == 0 and third.changes.deleted == 0


def test_anonymous_answers_are_stored_without_any_link_to_a_person(
        fake_moodle: FakeMoodle, records_store: RecordsStore, workshops: list[Workshop]) -> None:
    _pull(fake_moodle, records_store, *workshops)

    anonymous = _rows(records_store, select(feedback_responses).where(feedback_responses.c.anonymous.is_(True)))
    assert len(anonymous) == 6 + 4
    assert all(row.person_id is None and row.submitted_at is None for row in anonymous)
    named = _rows(records_store, select(feedback_responses).where(feedback_responses.c.anonymous.is_(False)))
    assert len(named) == 8 + 3 and all(row.person_id is not None for row in named)

    # The database itself: no table that holds answers or responses can point at a person, except the response's
    # own person_id, which is empty for every anonymous attempt (checked above) and forced so by a constraint.
    schema = inspect(records_store.engine)
    personal = {"people", "person_accounts", "enrolments", "forgotten_accounts"}
    for table in schema.get_table_names():
        targets = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        holds_answers = table in ("feedback_answers", "feedback_responses") or targets & {"feedback_answers",
                                                                                           "feedback_responses"}
        if holds_answers and table != "feedback_responses":
            assert not targets & personal, table
            columns = {column["name"] for column in schema.get_columns(table)}
            assert not columns & {"person_id", "user_id", "moodle_user_id", "email", "firstname", "lastname"}, table


def test_a_course_whose_reads_fail_keeps_its_records_and_the_other_course_lands(
        fake_moodle: FakeMoodle, records_store: RecordsStore, workshops: list[Workshop]) -> None:
    _pull(fake_moodle, records_store, *workshops)
    for workshop in workshops:
        fake_moodle.add_feedback_attempt(workshop.survey_id, {"tempo": "3"})
    # Unbatched, courses are read one after the other: the first course's participant lists (all and active only,
    # read concurrently) are refused.
    fake_moodle.inject("exception", wsfunction="core_enrol_get_enrolled_users", times=2, error=NO_PERMISSION)

    report = _pull(fake_moodle, records_store, *workshops, batch_reads=False)

    failed, landed = report.courses
    assert failed.status == "failed" and "nopermissions" in (failed.error or "")
    assert landed.status == "ok" and report.aborted is None
    assert _responses_of(records_store, workshops[0]) == 8 + 6
    assert _responses_of(records_store, workshops[1]) == 3 + 4 + 1
    journal = _rows(records_store, select(pull_journal.c.course_moodle_id, pull_journal.c.error)
                    .where(pull_journal.c.error.isnot(None)))
    assert journal == [(workshops[0].course_id, failed.error)]


def test_a_refused_batch_fails_only_the_course_it_belongs_to(
        fake_moodle: FakeMoodle, records_store: RecordsStore, workshops: list[Workshop]) -> None:
    # One course at a time; requests: site functions, course lookups, feedback list, then the first course's reads.
    fake_moodle.inject("exception", at_request=fake_moodle.request_count + 3, error=NO_PERMISSION)

    report = _pull(fake_moodle, records_store, *workshops, concurrency=1)

    assert [course.status for course in report.courses] == ["failed", "ok"]
    assert _responses_of(records_store, workshops[0]) == 0 and _responses_of(records_store, workshops[1]) == 7


def test_a_bad_token_stops_the_pull_before_anything_is_written(
        fake_moodle: FakeMoodle, records_store: RecordsStore, workshops: list[Workshop]) -> None:
    fake_moodle.revoke_token()

    report = _pull(fake_moodle, records_store, *workshops)

    assert isinstance(report.aborted, MoodleAuthError) and report.courses == []
    assert _count(records_store, courses) == 0


def test_an_outage_mid_pull_keeps_finished_courses_whole_and_writes_nothing_half(
        fake_moodle: FakeMoodle, records_store: RecordsStore, workshops: list[Workshop]) -> None:
    fake_moodle.crash_at(5)  # after the first course's two rounds of reads

    report = _pull(fake_moodle, records_store, *workshops, concurrency=1)

    assert isinstance(report.aborted, MoodleUnreachable)
    assert [course.status for course in report.courses] == ["ok", "failed"]
    assert _responses_of(records_store, workshops[0]) == 14
    assert _count(records_store, courses) == 1


def test_course_by_id_or_idnumber_without_a_catalogue_and_a_twin_is_pulled_once(
        fake_moodle: FakeMoodle, records_store: RecordsStore, workshops: list[Workshop]) -> None:
    digits = fake_moodle.add_course("Altkurs 2024", "ALT-2024", idnumber="2024")
    targets = [CourseTarget.from_argument(str(workshops[0].course_id)), CourseTarget.from_argument("bip-ws-2026-01"),
               CourseTarget.from_argument(" bip-ws-2026-02 "), CourseTarget.from_argument("2024"),
               CourseTarget.from_argument("bip-gibt-es-nicht")]

    report = pull_courses(_client(fake_moodle), records_store, targets)

    assert [(c.label, c.status, c.course_id) for c in report.courses] == [
        (str(workshops[0].course_id), "ok", workshops[0].course_id), ("bip-ws-2026-02", "ok", workshops[1].course_id),
        ("2024", "ok", digits.id), ("bip-gibt-es-nicht", "not_found", None)]
    assert [c.label for c in report.failed] == ["bip-gibt-es-nicht"]
    assert _rows(records_store, select(courses.c.run_id).distinct()) == [(None,)]


def test_requests_stay_flat_per_course_and_responses_are_paged_until_exhausted(
        fake_moodle: FakeMoodle, records_store: RecordsStore) -> None:
    many = [add_workshop(fake_moodle, f"bip-ws-{n}", size=8, answered=8, surveyed=7) for n in range(5)]

    report = _pull(fake_moodle, records_store, *many, page_size=3)

    # site functions + course lookups + one feedback list for all, then two rounds per course (pages ride along)
    assert report.requests == 3 + 2 * len(many)
    assert fake_moodle.calls["mod_feedback_get_feedbacks_by_courses"] == 1
    assert fake_moodle.calls["mod_feedback_get_non_respondents"] == len(many)  # named feedback only
    assert fake_moodle.calls["mod_feedback_get_responses_analysis"] == 2 * 3 * len(many)
    assert report.total("responses") == (8 + 7) * len(many)


def test_unreadable_records_are_skipped_and_noted_not_fatal(
        fake_moodle: FakeMoodle, records_store: RecordsStore) -> None:
    workshop = add_workshop(fake_moodle, "bip-ws-2026-03", size=6, answered=4, surveyed=0)
    fake_moodle.site.users[workshop.students[0]].email = ""  # hidden or deleted in Moodle
    ranking = add_feedback_item(fake_moodle.site, workshop.evaluation_id, name="Reihenfolge", typ="ranking")
    fake_moodle.add_feedback_attempt(workshop.evaluation_id, {"zufriedenheit": "4", ranking.id: "2"},
                                     userid=workshop.students[5])

    report = _pull(fake_moodle, records_store, workshop)

    (course,) = report.courses
    assert course.status == "ok" and course.users == 7 and course.completions == 5
    assert course.responses == 5 and len(course.skipped) == 2
    assert any("ranking" in note for note in course.skipped)
    assert _count(records_store, feedback_items) == 2 + 4  # the survey without responses keeps its items


def test_competency_ratings_come_along_for_opted_in_participants_only(
        fake_moodle: FakeMoodle, records_store: RecordsStore) -> None:
    fake = with_rating_handlers(fake_moodle)
    workshop = add_workshop(fake, "bip-ws-2026-04", size=4, answered=2, surveyed=1)
    framework = bundled_framework()
    ids = seed_framework(fake, framework, {workshop.course_id: ["bip-k-akteure", "bip-k-vertrauen"]})
    consenting, other = (fake.site.users[user_id] for user_id in workshop.students[:2])
    for user in (consenting, other):
        fake.rate_competency(user.id, workshop.course_id, ids["bip-k-akteure"], 3, True, note="Landkarte fertig")
        add_plan(fake, user.id, "Beratung 2026", {ids["bip-k-akteure"]: (2, False)})
    records_store.upsert_people([Participant(email=consenting.email, firstname="A", lastname="B",
                                             consultation_opt_in=True)])
    fake.reset_counters()

    report = _pull(fake, records_store, workshop)

    assert report.courses[0].competency_ratings == 2
    asked = {params.get("userid") for name, params in calls_made(fake) if name in RATING_READS}
    assert asked == {consenting.id}
    # The course rating and the plan rating of the same competency are both kept.
    stored = records_store.person_ratings(consenting.email)
    assert sorted((row.plan_name, row.rating, row.evidence_note) for row in stored) == [
        ("", 3, "Landkarte fertig"), ("Beratung 2026", 2, "")]
    assert records_store.person_ratings(other.email) == []
    assert _pull(fake, records_store, workshop).changes.changed == 0


def test_a_course_whose_users_are_all_unreadable_keeps_its_participants(
        fake_moodle: FakeMoodle, records_store: RecordsStore) -> None:
    workshop = add_workshop(fake_moodle, "bip-ws-2026-05", size=3, answered=1, surveyed=0)
    _pull(fake_moodle, records_store, workshop)
    for user_id in (*workshop.students, *workshop.trainers):
        fake_moodle.site.users[user_id].email = ""

    report = _pull(fake_moodle, records_store, workshop)

    assert report.courses[0].status == "failed" and "none of the 5 enrolled users" in (report.courses[0].error or "")
    assert _count(records_store, enrolments) == 5


def _enrolment_status(store: RecordsStore) -> dict[str, int | None]:
    return dict(_rows(store, select(people.c.email, enrolments.c.status).join_from(enrolments, people)))


def _participation(store: RecordsStore, folder: Path) -> tuple[dict[str, str], str, list[str]]:
    """The participation report of everything pulled: CSV enrolment state by e-mail, the HTML's text, and the text
    of the HTML rows marked as suspended."""
    csv_file, html_file = sorted(write_participation_report(store, ROLES, [], folder, timezone=ZoneInfo("Europe/Berlin")),
                                 key=lambda path: path.suffix)
    document = parse_html(html_file)
    marked = [row.text for row in document.iter("tr", "suspended")]
    return {row["email"]: row["enrolment"] for row in read_csv(csv_file)}, document.text, marked


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_suspended_and_ended_enrolments_are_stored_as_not_active_and_marked_in_the_participation_report(
        fake_moodle: FakeMoodle, records_store: RecordsStore, tmp_path: Path) -> None:
    workshop = add_workshop(fake_moodle, "bip-ws-2026-06", size=4, answered=2, surveyed=0)
    users = fake_moodle.site.users
    suspended, ended = users[workshop.students[1]], users[workshop.students[3]]
    fake_moodle.enrol(suspended.id, workshop.course_id, suspended=True)  # what push does to someone taken off the list
    fake_moodle.enrol(ended.id, workshop.course_id, timeend=NOW - 86400)  # the enrolment period is over

    report = _pull(fake_moodle, records_store, workshop)

    assert report.courses[0].status == "ok" and report.courses[0].skipped == []
    everyone = {users[user_id].email: 0 for user_id in (*workshop.students, *workshop.trainers)}
    assert _enrolment_status(records_store) == everyone | {suspended.email: 1, ended.email: 1}
    states, text, marked = _participation(records_store, tmp_path)
    assert states == {users[user_id].email: "active" for user_id in workshop.students} | {
        suspended.email: "suspended", ended.email: "suspended"}
    # Both students who answered completed the course; the suspended one of them no longer counts.
    assert "1 von 2 aktiven Teilnehmenden haben den Kurs abgeschlossen · 2 Einschreibungen ausgesetzt." in text
    assert len(marked) == 2 and all("Einschreibung ausgesetzt" in row for row in marked)
    assert {email for email in states if any(email in row for row in marked)} == {suspended.email, ended.email}


def test_a_changed_enrolment_status_updates_one_row_and_an_unchanged_one_none(
        fake_moodle: FakeMoodle, records_store: RecordsStore) -> None:
    workshop = add_workshop(fake_moodle, "bip-ws-2026-07", size=3, answered=1, surveyed=0)
    _pull(fake_moodle, records_store, workshop)
    again = _pull(fake_moodle, records_store, workshop)
    leaver = workshop.students[0]
    fake_moodle.enrol(leaver, workshop.course_id, suspended=True)
    suspended = _pull(fake_moodle, records_store, workshop)
    fake_moodle.enrol(leaver, workshop.course_id)
    back = _pull(fake_moodle, records_store, workshop)

    assert again.changes.changed == 0
    for pull in (suspended, back):
        tables = pull.courses[0].counts.tables  # type: ignore[union-attr]
        assert tables["enrolments"].updated == 1 and tables["enrolments"].changed == 1
    # A suspended student's completion cannot be read (Moodle: usernotenroled), so it is not stored meanwhile.
    assert suspended.changes.deleted == back.changes.inserted > 0
    assert set(_enrolment_status(records_store).values()) == {0}


def _refuse_onlyactive(fake: FakeMoodle) -> None:
    """The site's web-service user lacks moodle/course:enrolreview: Moodle refuses `onlyactive`, and only that."""
    listing = fake.handlers["core_enrol_get_enrolled_users"]

    def refusing(site: FakeMoodle, params: dict[str, Any]) -> Any:
        if any(option["name"] == "onlyactive" for option in params["options"]):
            raise no_permission("Review course enrolments")
        return listing(site, params)

    fake.handlers = {**fake.handlers, "core_enrol_get_enrolled_users": refusing}


@pytest.mark.parametrize("batch_reads", [True, False])
def test_a_site_that_refuses_onlyactive_stores_the_course_with_the_status_unknown(
        fake_moodle: FakeMoodle, records_store: RecordsStore, tmp_path: Path, batch_reads: bool) -> None:
    workshop = add_workshop(fake_moodle, "bip-ws-2026-08", size=3, answered=1, surveyed=2)
    fake_moodle.enrol(workshop.students[2], workshop.course_id, suspended=True)
    _refuse_onlyactive(fake_moodle)

    report = _pull(fake_moodle, records_store, workshop, batch_reads=batch_reads)

    (course,) = report.courses
    # Not knowing who is suspended, the pull asks for the suspended student's completion too, which Moodle refuses.
    assert course.status == "ok" and (course.users, course.completions, course.responses) == (5, 2, 1 + 2)
    status_note, completion_note = course.skipped
    assert "enrolment status" in status_note and "enrolreview" in status_note
    assert f"completion of user {workshop.students[2]}: not read" in completion_note
    assert set(_enrolment_status(records_store).values()) == {None}
    states, text, marked = _participation(records_store, tmp_path)
    assert set(states.values()) == {"unknown"} and marked == []
    assert "1 von 3 Teilnehmenden haben den Kurs abgeschlossen · Einschreibungsstatus bei 3 Teilnehmenden unbekannt." in text
    assert _pull(fake_moodle, records_store, workshop, batch_reads=batch_reads).changes.changed == 0


def _with_warning(fake: FakeMoodle, wsfunction: str, applies: Any, warning: dict[str, Any],
                  emptied: str | None = None) -> None:
    """Moodle answers `wsfunction` with `warning` (and, if named, the list `emptied` left empty) where `applies`."""
    handler = fake.handlers[wsfunction]

    def partial(site: FakeMoodle, params: dict[str, Any]) -> Any:
        answer = handler(site, params)
        if applies(params):
            answer = {**answer, "warnings": [warning]} | ({emptied: []} if emptied else {})
        return answer

    fake.handlers = {**fake.handlers, wsfunction: partial}


@pytest.mark.parametrize("batch_reads", [True, False])
def test_an_answer_with_moodle_warnings_fails_its_course_and_stores_nothing_of_it(
        fake_moodle: FakeMoodle, records_store: RecordsStore, workshops: list[Workshop], batch_reads: bool) -> None:
    _pull(fake_moodle, records_store, *workshops)
    before = _responses_of(records_store, workshops[0])
    survey = workshops[0].survey_id
    _with_warning(fake_moodle, "mod_feedback_get_responses_analysis", lambda p: int(p["feedbackid"]) == survey,
                  {"item": "feedback", "itemid": survey, "warningcode": "nopermissions",
                   "message": "No access rights\n#0 /var/www/moodle/lib/a.php(12): trace"}, emptied="anonattempts")

    report = _pull(fake_moodle, records_store, *workshops, batch_reads=batch_reads)

    failed, landed = report.courses
    assert failed.status == "failed" and landed.status == "ok" and report.aborted is None
    assert failed.error is not None and f"responses to feedback {survey}" in failed.error
    assert "incomplete (it carries the warning No access rights [nopermissions])" in failed.error
    assert "trace" not in failed.error  # one line, without the PHP stack trace Moodle appends
    assert _responses_of(records_store, workshops[0]) == before  # not "nothing there": the answers are kept


def test_a_feedback_list_warning_about_one_course_fails_only_that_course(
        fake_moodle: FakeMoodle, records_store: RecordsStore, workshops: list[Workshop]) -> None:
    second = workshops[1].course_id
    _with_warning(fake_moodle, "mod_feedback_get_feedbacks_by_courses", lambda p: True,
                  {"item": "course", "itemid": second, "warningcode": "1", "message": "No access rights in course context"})

    report = _pull(fake_moodle, records_store, *workshops)

    assert [course.status for course in report.courses] == ["ok", "failed"]
    assert "feedback activities: Moodle's answer is incomplete" in (report.courses[1].error or "")
    assert _responses_of(records_store, workshops[1]) == 0 and _responses_of(records_store, workshops[0]) == 8 + 6
