"""Whether the trainers of existing run courses are kept out of the evaluation's named answers, asked from Moodle.

Moodle's enrolled-users-with-capability listing answers per course and capability who holds it (its own
has_capability); no web service reads a role's definition, so a run course with a trainer is where to look.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from lms_sync.moodle.api import courses, people
from lms_sync.moodle.api.calls import ask, checked
from lms_sync.moodle.client import MoodleClient

EVALUATION_CAPABILITIES = ("mod/feedback:viewreports", "mod/feedback:edititems", "mod/feedback:deletesubmissions")
ROLE_SCRIPT = "docs/moodle/trainer_role.php"
FIX = f"Create the trainer role with {ROLE_SCRIPT} and set push.teacher_role_id to its id"
_CAN = {"mod/feedback:viewreports": "see who answered what", "mod/feedback:edititems": "change the questions",
        "mod/feedback:deletesubmissions": "delete answers"}
Holders = Mapping[tuple[int, str], Mapping[int, frozenset[int]]]
"""(course id, capability) -> user id -> role ids, as `people.holders_from` reads them; capability "": everyone"""


def read_holders(client: MoodleClient, course_ids: Sequence[int]) -> Holders:
    """Who is enrolled in these courses and who holds each of the `EVALUATION_CAPABILITIES` there: one request."""
    return people.holders_from(ask(client, people.holders_of(course_ids, EVALUATION_CAPABILITIES))) if course_ids else {}


def trainers_capabilities(holders: Holders, teacher_role_id: int) -> dict[int, set[str]]:
    """Course id -> the `EVALUATION_CAPABILITIES` that its trainers (holders of `teacher_role_id`) hold there, for
    every course of `holders` that has a trainer (an empty set: they hold none)."""
    trainers = {(course, user) for (course, capability), users in holders.items() if not capability
                for user, roles in users.items() if teacher_role_id in roles}
    rights: dict[int, set[str]] = {course: set() for course, _ in trainers}
    for (course, capability), users in holders.items():
        if capability in EVALUATION_CAPABILITIES and any((course, user) in trainers for user in users):
            rights[course].add(capability)
    return rights


def what_they_can(capabilities: Collection[str]) -> str:
    """What holding these capabilities lets a trainer do, in words ("see who answered what, … and delete answers")."""
    words = [_CAN[c] for c in EVALUATION_CAPABILITIES if c in capabilities]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def trainer_rights(client: MoodleClient, course_idnumbers: Sequence[str], teacher_role_id: int) -> tuple[str, bool]:
    """(what was found, whether it is a warning) for the run courses that exist among `course_idnumbers`."""
    if people.ENROLLED_USERS_OF_COURSES not in client.site_functions():
        return (f"not verified: add {people.ENROLLED_USERS_OF_COURSES} to the service to let check ask Moodle "
                "whether trainers can see the evaluation's named answers", False)
    found = [courses.courses_from(checked(answer))
             for answer in client.read_many([courses.by_field("idnumber", i) for i in course_idnumbers])]
    rights = trainers_capabilities(read_holders(client, sorted({course[0].id for course in found if course})),
                                   teacher_role_id)
    if not rights:
        return (f"not verified: no run course has a trainer (role id {teacher_role_id}) yet; run check again after "
                "the first push", False)
    if can := sorted(set().union(*rights.values())):
        return (f"trainers enrolled with push.teacher_role_id = {teacher_role_id} have {', '.join(can)}: they can "
                f"{what_they_can(can)} in the evaluation. {FIX}", True)
    return (f"trainers (role id {teacher_role_id}) in {len(rights)} run course(s) have none of "
            f"{', '.join(EVALUATION_CAPABILITIES)}", False)
