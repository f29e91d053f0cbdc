"""Report read models: evaluation data by run, template and trainer; participation with completion; ratings."""

from __future__ import annotations

from lms_sync.records.queries import CourseRoles
from lms_sync.records.store import RecordsStore
from tests.records_samples import ANNA, LUKAS, ROLES, TRAINER, course_snapshot, named_feedback, participants


def test_evaluation_data_has_items_answers_participants_and_trainers(records_store: RecordsStore) -> None:
    records_store.replace_course_snapshot(course_snapshot())

    named, anonymous = records_store.evaluation_data(ROLES, run_ids=["kvz-2026-01"])

    assert (named.feedback_name, named.anonymous) == ("Evaluation des Workshops", False)
    assert (named.participants, named.trainer_emails) == (2, (TRAINER,))
    assert [(i.label, i.scale_min, i.scale_max) for i in named.items] == [("zufriedenheit", 1, 5), ("freitext", None, None)]
    assert sorted(r.answers[6].numeric_value or 0 for r in named.responses) == [4.0, 5.0]
    assert [r.answers[10].text_value for r in named.responses if 10 in r.answers] == [
        "Der Teil zum Haushaltsrecht war mir zu knapp."
    ]
    assert anonymous.anonymous is True
    assert sorted(r.answers[11].numeric_value or 0 for r in anonymous.responses) == [3.0, 4.0]
    assert named.course.idnumber == "bip-kvz-2026-01" and named.course.template == "kommunal-zivil"


def test_evaluation_filters_by_template_and_trainer(records_store: RecordsStore) -> None:
    records_store.replace_course_snapshot(course_snapshot())

    assert len(records_store.evaluation_data(ROLES, template="kommunal-zivil")) == 2
    assert records_store.evaluation_data(ROLES, template="other") == []
    assert len(records_store.evaluation_data(ROLES, trainer_email=TRAINER.upper())) == 2
    assert records_store.evaluation_data(ROLES, trainer_email=ANNA) == []
    assert records_store.evaluation_data(ROLES, run_ids=["kvz-2099-01"]) == []


def test_participation_lists_people_with_course_and_activity_completion(records_store: RecordsStore) -> None:
    records_store.upsert_people(participants())
    records_store.replace_course_snapshot(course_snapshot())

    rows = {row.email: row for row in records_store.participation(ROLES, run_ids=["kvz-2026-01"])}

    assert set(rows) == {ANNA, LUKAS, TRAINER}
    anna, lukas = rows[ANNA], rows[LUKAS]
    assert (anna.completed, anna.activities_completed, anna.activities_tracked) == (True, 2, 2)
    assert (lukas.completed, lukas.activities_completed, lukas.activities_tracked) == (False, 1, 2)
    assert (anna.organisation, anna.groups, anna.participant) == ("Bezirksamt Mitte", ("Gruppe A – Verwaltung",), True)
    assert (rows[TRAINER].participant, rows[TRAINER].activities_tracked) == (False, 0)


def test_participants_and_trainers_are_who_holds_the_configured_role_ids_whatever_the_roles_are_called(
        records_store: RecordsStore) -> None:
    """A site whose participants hold role 9 ("teilnehmende") and trainers role 10, where Lukas holds role 5 under
    its standard shortname: only the ids count, as push enrols by them."""
    snapshot = course_snapshot()
    anna, lukas, petra = snapshot.users
    users = (anna.model_copy(update={"roles": ("teilnehmende",), "role_ids": (9,)}), lukas,
             petra.model_copy(update={"roles": ("kursleitung",), "role_ids": (10,)}))
    records_store.replace_course_snapshot(snapshot.model_copy(update={"users": users}))
    site = CourseRoles(participant=9, trainers=frozenset({10}))

    named, _ = records_store.evaluation_data(site, run_ids=["kvz-2026-01"])
    assert (named.participants, named.trainer_emails) == (1, (TRAINER,))
    assert {r.email: r.participant for r in records_store.participation(site)} == {ANNA: True, LUKAS: False,
                                                                                   TRAINER: False}
    named, _ = records_store.evaluation_data(ROLES, run_ids=["kvz-2026-01"])
    assert (named.participants, named.trainer_emails) == (1, ())
    assert {r.email: r.participant for r in records_store.participation(ROLES)} == {ANNA: False, LUKAS: True,
                                                                                    TRAINER: False}


def test_a_course_pushed_before_the_trainer_role_keeps_its_editing_teachers_as_trainers(
        records_store: RecordsStore) -> None:
    """push.teacher_role_id moved from the editing teacher (3) to the trainer role (11, docs/run-courses.md): a course
    pushed before, where the trainer holds only the editing teacher role, is still the trainer's; in a course where
    someone holds the trainer role, an editing teacher alone (an adviser looking in) is no trainer."""
    before = course_snapshot()  # Petra: editingteacher, role 3
    after = course_snapshot(course_id=4, idnumber="bip-kvz-2026-09", run_id="kvz-2026-09", enddate=1790000000)
    anna, lukas, petra = after.users
    users = (anna.model_copy(update={"roles": ("editingteacher",), "role_ids": (3,)}), lukas,
             petra.model_copy(update={"roles": ("editingteacher", "lmssynctrainer"), "role_ids": (3, 11)}))
    records_store.replace_course_snapshot(before)
    feedback = named_feedback().model_copy(update={"feedback_id": 22, "cmid": 32})  # the later run's own
    records_store.replace_course_snapshot(after.model_copy(update={"users": users, "feedback": (feedback,)}))
    switched = CourseRoles(participant=5, trainers=frozenset({11}))

    earlier, _ = records_store.evaluation_data(switched, run_ids=["kvz-2026-01"])
    [later] = records_store.evaluation_data(switched, run_ids=["kvz-2026-09"])
    assert (earlier.trainer_emails, later.trainer_emails) == ((TRAINER,), (TRAINER,))
    assert len(records_store.evaluation_data(switched, trainer_email=TRAINER)) == 3
    assert records_store.evaluation_data(switched, trainer_email=ANNA) == []


def test_person_ratings_for_the_portfolio(records_store: RecordsStore) -> None:
    records_store.upsert_people(participants())
    records_store.replace_course_snapshot(course_snapshot())

    (rating,) = records_store.person_ratings(ANNA)

    assert (rating.competency_idnumber, rating.rating, rating.proficient) == ("bip-k-vertrauen", 3, True)
    assert rating.course is not None and rating.course.run_id == "kvz-2026-01"
    assert records_store.person_ratings(LUKAS) == []
