"""Whether the trainers of existing run courses are kept out of the evaluation's named answers, asked from Moodle.

Moodle's enrolled-users-with-capability listing answers per course and capability who holds it (its own
has_capability); no web service reads a role's definition, so a run course with a trainer is where to look.
"""

from __future__ import annotations

from collections.abc import Sequence

from lms_sync.moodle.api import courses, people
from lms_sync.moodle.api.calls import ask, checked
from lms_sync.moodle.client import MoodleClient

EVALUATION_CAPABILITIES = ("mod/feedback:viewreports", "mod/feedback:edititems", "mod/feedback:deletesubmissions")
ROLE_SCRIPT = "docs/moodle/trainer_role.php"


def trainer_rights(client: MoodleClient, course_idnumbers: Sequence[str], teacher_role_id: int) -> tuple[str, bool]:
    """(what was found, whether it is a warning) for the run courses that exist among `course_idnumbers`."""
    if people.ENROLLED_USERS_OF_COURSES not in client.site_functions():
        return (f"not verified: add {people.ENROLLED_USERS_OF_COURSES} to the service to let check ask Moodle "
                "whether trainers can see the evaluation's named answers", False)
    found = [courses.courses_from(checked(answer))
             for answer in client.read_many([courses.by_field("idnumber", i) for i in course_idnumbers])]
    ids = sorted({course[0].id for course in found if course})
    holders = people.holders_from(ask(client, people.holders_of(ids, EVALUATION_CAPABILITIES))) if ids else {}
    trainers = {(course, user) for (course, capability), users in holders.items() if not capability
                for user, roles in users.items() if teacher_role_id in roles}
    if not trainers:
        return (f"not verified: no run course has a trainer (role id {teacher_role_id}) yet; run check again after "
                "the first push", False)
    can = sorted({capability for (course, capability), users in holders.items() if capability
                  for user in users if (course, user) in trainers})
    if can:
        return (f"trainers enrolled with push.teacher_role_id = {teacher_role_id} have {', '.join(can)}: they can "
                "see who answered what in the evaluation, or change or delete it. Create the trainer role with "
                f"{ROLE_SCRIPT} and set push.teacher_role_id to its id", True)
    courses_seen = len({course for course, _ in trainers})
    return (f"trainers (role id {teacher_role_id}) in {courses_seen} run course(s) have none of "
            f"{', '.join(EVALUATION_CAPABILITIES)}", False)
