"""Builds realistic workshop courses in the fake Moodle for pull tests: students in two groups, trainers, a named
evaluation (rated, choice and free-text items), an anonymous survey, and completion of those who answered.

Answers are deterministic, so tests can compare what the records hold with what the fake site holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tests.fake_moodle import FakeMoodle, rated_presentation

EVALUATION_ITEMS = (
    {"name": "Wie zufrieden sind Sie insgesamt?", "label": "zufriedenheit", "presentation": rated_presentation()},
    {"name": "Die Inhalte sind relevant.", "label": "relevanz", "presentation": rated_presentation()},
    {"name": "Wie haben Sie von uns erfahren?", "label": "kanal", "typ": "multichoice", "required": False,
     "presentation": "r>>>>>Newsletter|Kollegium|Website"},
    {"name": "Seite 2", "label": "", "typ": "pagebreak"},
    {"name": "Was möchten Sie uns mitteilen?", "label": "freitext", "typ": "textarea", "presentation": "60|5",
     "required": False},
)
SURVEY_ITEMS = (
    {"name": "Das Tempo ist angemessen.", "label": "tempo", "presentation": rated_presentation()},
    {"name": "Was sollten wir ändern?", "label": "aenderung", "typ": "textarea", "presentation": "40|5",
     "required": False},
)


@dataclass(frozen=True)
class Workshop:
    course_id: int
    idnumber: str
    students: tuple[int, ...]
    trainers: tuple[int, ...]
    evaluation_id: int
    survey_id: int


def _user(fake: FakeMoodle, email: str, firstname: str, lastname: str) -> int:
    """The fake's user with this e-mail address, created on first use (a person may attend several workshops)."""
    known = next((user.id for user in fake.site.users.values() if user.email == email), None)
    if known is not None:
        return known
    return fake.add_user(email.split("@")[0], firstname, lastname, email, institution="Bezirksamt Mitte").id


def add_workshop(fake: FakeMoodle, idnumber: str, *, people: Sequence[tuple[str, str, str]] = (), size: int = 12,
                 answered: int = 8, surveyed: int = 6) -> Workshop:
    """A run course; `people` (email, first, last) are its students, else `size` generated ones. Two trainers."""
    course = fake.add_course(f"Workshop {idnumber} & Praxis", idnumber.upper(), idnumber=idnumber, numsections=2)
    people = people or [(f"{idnumber}-tn{n:02d}@example.org", f"Vorname{n}", f"Nachname{n}") for n in range(size)]
    students = tuple(_user(fake, *person) for person in people)
    trainers = tuple(_user(fake, f"{idnumber}-ref{n}@example.org", f"Referentin{n}", "Muster") for n in (1, 2))
    for user_id in students:
        fake.enrol(user_id, course.id, "student")
    for user_id in trainers:
        fake.enrol(user_id, course.id, "editingteacher")
    half = len(students) // 2
    fake.add_group(course.id, "Gruppe A – Verwaltung", members=[*students[:half], trainers[0]])
    fake.add_group(course.id, "Gruppe B – Zivilgesellschaft", members=[*students[half:], trainers[1]])

    evaluation = fake.add_feedback(course.id, "Evaluation", anonymous=False, items=EVALUATION_ITEMS, section=2,
                                   completion=True)
    survey = fake.add_feedback(course.id, "Anonyme Zwischenbefragung", anonymous=True, items=SURVEY_ITEMS, section=1)
    fake.site.courses[course.id].completion_cmids = [fake.site.cm_for("feedback", evaluation.id).id]
    for n, user_id in enumerate(students[:answered]):
        fake.add_feedback_attempt(evaluation.id, {
            "zufriedenheit": str(1 + n % 5), "relevanz": str(1 + (n + 2) % 5), "kanal": str(1 + n % 3),
            "freitext": f"Anmerkung {n}: mehr Praxis & Austausch" if n % 2 else None,
        }, userid=user_id)
        fake.set_completion(course.id, user_id)
    for n in range(surveyed):
        fake.add_feedback_attempt(survey.id, {"tempo": str(1 + (n * 2) % 5), "aenderung": "Mehr Pausen" if n else None})
    return Workshop(course.id, idnumber, students, trainers, evaluation.id, survey.id)
