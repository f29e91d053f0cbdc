"""Pulling competency ratings from the fake Moodle: only participants who opted in are asked about (no call, no row
for anybody else); course ratings carry evidence notes, plan ratings come along and are stored next to them; stored
ratings follow the GDPR commands (export_person shows them, forget_person erases them).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lms_sync.competencies.pull import pull_ratings
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.functions import FUNCTIONS_BY_COMMAND
from lms_sync.records.course_writer import SnapshotCounts
from lms_sync.records.people import Participant
from lms_sync.records.snapshot import CourseSnapshot, EnrolledUser
from lms_sync.records.store import RecordsStore
from tests.competency_helpers import bundled_framework, calls_made, seed_framework, with_rating_handlers
from tests.fake_moodle import FakeMoodle
from tests.fake_moodle.handlers.competency_ratings import PLAN_COMPLETE, add_plan, plans

ANNA, BEN = "anna.schmidt@example.org", "ben.krause@example.org"
USER_SCOPED = {"tool_lp_data_for_user_competency_summary_in_course", "core_competency_list_user_plans"}


@dataclass
class RatedCourse:
    fake: FakeMoodle
    course: int
    anna: int
    ben: int
    competency: dict[str, int]


@pytest.fixture
def rated(fake_moodle: FakeMoodle) -> RatedCourse:
    """A course with the bundled competencies; Anna (opted in) and Ben (not) both rated in it and in a plan."""
    fake = with_rating_handlers(fake_moodle)
    framework = bundled_framework()
    course = fake.add_course("Kommune und Zivilgesellschaft", "KVZ-2026-01", idnumber="bip-kvz-2026-01").id
    links = ["bip-k-akteure", "bip-k-vertrauen", "bip-k-konflikte"]
    ids = seed_framework(fake, framework, {course: links})
    anna = fake.add_user("anna", "Anna", "Schmidt", ANNA).id
    ben = fake.add_user("ben", "Ben", "Krause", BEN).id
    for user in (anna, ben):
        fake.enrol(user, course)
        fake.rate_competency(user, course, ids["bip-k-akteure"], 3, True, note="Akteurslandkarte vollständig")
        fake.rate_competency(user, course, ids["bip-k-vertrauen"], 2, False, note="")
        add_plan(fake, user, "Mein Lernplan", {ids["bip-k-konflikte"]: (4, True)}, status=PLAN_COMPLETE)
    fake.reset_counters()
    return RatedCourse(fake, course, anna, ben, ids)


def test_only_opted_in_participants_are_asked_about(rated: RatedCourse, moodle_client: MoodleClient) -> None:
    pulled = pull_ratings(moodle_client, rated.course, {rated.anna})

    asked = {params.get("userid") for name, params in calls_made(rated.fake) if name in USER_SCOPED}
    assert asked == {rated.anna}
    assert {r.user_id for r in (*pulled.ratings, *pulled.plan_ratings)} == {rated.anna}
    assert rated.fake.write_calls() == 0
    used = {name for name, _ in calls_made(rated.fake)} - {"tool_mobile_call_external_functions"}
    assert used <= set(FUNCTIONS_BY_COMMAND["pull"]), used - set(FUNCTIONS_BY_COMMAND["pull"])


def test_course_ratings_carry_level_proficiency_and_evidence_note(rated: RatedCourse, moodle_client: MoodleClient) -> None:
    pulled = pull_ratings(moodle_client, rated.course, [rated.anna])

    by_competency = {rating.competency_id: rating for rating in pulled.ratings}
    akteure, vertrauen = by_competency[rated.competency["bip-k-akteure"]], by_competency[rated.competency["bip-k-vertrauen"]]
    assert (akteure.rating, akteure.proficient, akteure.grade_label, akteure.evidence_note) == (
        3, True, "weitgehend", "Akteurslandkarte vollständig")
    assert (vertrauen.rating, vertrauen.proficient, vertrauen.evidence_note) == (2, False, "")
    # Konflikte was not rated in the course: nothing is kept about it there, but the completed plan's rating is.
    assert rated.competency["bip-k-konflikte"] not in by_competency
    [plan_rating] = pulled.plan_ratings
    assert (plan_rating.competency_id, plan_rating.rating, plan_rating.proficient, plan_rating.plan_name) == (
        rated.competency["bip-k-konflikte"], 4, True, "Mein Lernplan")
    assert {c.framework_idnumber for c in pulled.competencies} == {"bip-kompetenzen-beteiligung"}


def test_nobody_opted_in_means_no_call_at_all(rated: RatedCourse, moodle_client: MoodleClient) -> None:
    pulled = pull_ratings(moodle_client, rated.course, [])
    assert rated.fake.requests == []
    assert (pulled.competencies, pulled.ratings, pulled.plan_ratings) == ((), (), ())


def _store_pull(store: RecordsStore, rated: RatedCourse, moodle_client: MoodleClient) -> SnapshotCounts:
    store.upsert_people([Participant(email=ANNA, firstname="Anna", lastname="Schmidt", consultation_opt_in=True),
                         Participant(email=BEN, firstname="Ben", lastname="Krause")])
    pulled = pull_ratings(moodle_client, rated.course, [rated.anna])
    return store.replace_course_snapshot(CourseSnapshot(
        site_url=rated.fake.url, course_id=rated.course, idnumber="bip-kvz-2026-01", shortname="KVZ-2026-01",
        fullname="Kommune und Zivilgesellschaft", run_id="kvz-2026-01",
        users=(EnrolledUser(user_id=rated.anna, email=ANNA, roles=("student",), role_ids=(5,)),
               EnrolledUser(user_id=rated.ben, email=BEN, roles=("student",), role_ids=(5,))),
        competencies=pulled.competencies, competency_ratings=(*pulled.ratings, *pulled.plan_ratings),
    ))


def test_stored_ratings_are_the_opted_in_persons_only(
        rated: RatedCourse, moodle_client: MoodleClient, records_store: RecordsStore) -> None:
    _store_pull(records_store, rated, moodle_client)
    rows = records_store.person_ratings(ANNA)
    assert sorted((row.competency_idnumber, row.rating, row.proficient, row.plan_name) for row in rows) == [
        ("bip-k-akteure", 3, True, ""), ("bip-k-konflikte", 4, True, "Mein Lernplan"), ("bip-k-vertrauen", 2, False, "")]
    assert records_store.person_ratings(BEN) == []


def test_a_course_rating_and_a_plan_rating_of_one_competency_are_both_stored_and_a_re_pull_changes_nothing(
        rated: RatedCourse, moodle_client: MoodleClient, records_store: RecordsStore) -> None:
    add_plan(rated.fake, rated.anna, "Beratung 2026", {rated.competency["bip-k-akteure"]: (2, False)})
    _store_pull(records_store, rated, moodle_client)

    akteure = [row for row in records_store.person_ratings(ANNA) if row.competency_idnumber == "bip-k-akteure"]
    assert sorted((row.plan_name, row.rating, row.proficient) for row in akteure) == [
        ("", 3, True), ("Beratung 2026", 2, False)]
    assert {row.plan_moodle_id is None for row in akteure} == {True, False}
    again = _store_pull(records_store, rated, moodle_client)
    assert again.changed == 0
    assert again.tables["competency_ratings"].unchanged == 4


def test_a_plan_rating_dropped_in_moodle_is_dropped_from_the_records(
        rated: RatedCourse, moodle_client: MoodleClient, records_store: RecordsStore) -> None:
    _store_pull(records_store, rated, moodle_client)
    plans(rated.fake.site).clear()

    counts = _store_pull(records_store, rated, moodle_client)

    assert counts.tables["competency_ratings"].deleted == 1
    assert {row.plan_moodle_id for row in records_store.person_ratings(ANNA)} == {None}


def test_ratings_appear_in_the_export_and_vanish_when_the_person_is_forgotten(
        rated: RatedCourse, moodle_client: MoodleClient, records_store: RecordsStore) -> None:
    _store_pull(records_store, rated, moodle_client)
    exported = records_store.export_person(ANNA)["competency_ratings"]
    assert {(entry["competency_idnumber"], entry["rating"], entry["evidence_note"], entry["plan_name"])
            for entry in exported} == {("bip-k-akteure", 3, "Akteurslandkarte vollständig", ""),
                                       ("bip-k-vertrauen", 2, "", ""), ("bip-k-konflikte", 4, "", "Mein Lernplan")}
    erased = records_store.forget_person(ANNA)
    assert erased["competency_ratings"] == 3
    assert records_store.person_ratings(ANNA) == []
