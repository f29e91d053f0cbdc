"""The benchmark's fake Moodle: the restored blueprint course and everyone's account before a push, evaluation
answers and completion after it, and the pushed end state by stable names so two fakes can be compared.

Seeding goes through the fake's builders (no HTTP), so it is neither timed nor counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from lms_sync.blueprint.compile import compile_blueprint
from lms_sync.push.desired import DesiredCourse
from lms_sync.templates import CourseTemplate
from tests.fake_moodle import FakeMoodle, rated_presentation
from tests.fake_moodle.operations import section_by_number
from tests.fake_moodle.state import Site

ANONYMOUS_SURVEY = "Anonyme Zwischenbefragung"
SURVEY_ITEMS = (
    {"name": "Das Tempo des Workshops ist angemessen.", "label": "tempo", "presentation": rated_presentation()},
    {"name": "Ich fühle mich in der Gruppe wohl.", "label": "gruppe", "presentation": rated_presentation()},
    {"name": "Was sollten wir ändern?", "label": "aenderung", "typ": "textarea", "presentation": "60|5",
     "required": False},
)


class SiteWithoutRollback(Site):
    """The fake copies its whole site before every write call so that a failing one can be rolled back: a cost that
    grows with the site (about 10 ms per write at 50 runs) where a real Moodle pays for one transaction. It would
    bill the client that makes the most write calls for the fake's own bookkeeping, so the benchmark skips the copy;
    no write may fail in the benchmark, and one that does stops it."""

    def snapshot(self) -> Site:
        return self

    def restore(self, snapshot: Site) -> None:
        raise RuntimeError("a write call failed during the benchmark; run the tests to find out why")


def seed_blueprint(fake: FakeMoodle, template: CourseTemplate) -> None:
    """The blueprint course as an admin restores it from `lms-sync blueprint build`: sections, activities, evaluation,
    their dates on the placeholder day."""
    content = compile_blueprint(template)
    category = fake.add_category("Blueprints", idnumber="blueprints")
    course = fake.add_course(content.fullname, content.shortname, category=category.id, idnumber=content.idnumber,
                             news_forum=False, section_names=[section.name or "" for section in content.sections[1:]])
    section_by_number(fake.site, course.id, 0).name = content.sections[0].name
    for activity in content.activities:
        if activity.modname == "feedback":
            evaluation = fake.add_feedback(course.id, activity.name, activity.anonymous, section=activity.section_number,
                                           completion=True, items=[
                                               {"typ": i.typ, "name": i.name, "label": i.label,
                                                "presentation": i.presentation, "required": bool(i.required)}
                                               for i in activity.items],
                                           timeopen=activity.open_at, timeclose=activity.close_at)
            # Handing in the evaluation completes the course: what the institute's certificates rest on.
            fake.site.courses[course.id].completion_cmids = [fake.site.cm_for("feedback", evaluation.id).id]
        elif activity.modname == "forum":
            fake.add_forum(course.id, activity.name, section=activity.section_number, type=activity.forum_type)
        elif activity.modname == "assign":
            fake.add_assign(course.id, activity.name, section=activity.section_number, duedate=activity.due_at)
        else:
            fake.add_module(course.id, str(activity.modname), activity.name, section=activity.section_number)


def seed_accounts(fake: FakeMoodle, courses: Sequence[DesiredCourse]) -> None:
    """Every trainer and participant already has a Moodle account, as at the institute."""
    seen: set[str] = set()
    for course in courses:
        for person in (*course.trainers, *course.participants):
            if person.email not in seen:
                seen.add(person.email)
                fake.add_user(person.email.split("@")[0], person.firstname, person.lastname, person.email,
                              institution=person.organisation or "")


def new_site(template: CourseTemplate, courses: Sequence[DesiredCourse]) -> FakeMoodle:
    """A Moodle 5.0 fake (it offers tool_mobile_call_external_functions) ready for the first push."""
    fake = FakeMoodle("5.0")
    fake.site.__class__ = SiteWithoutRollback  # same data, only the per-write copy is skipped
    seed_blueprint(fake, template)
    seed_accounts(fake, courses)
    return fake


def _answer(item_type: str, presentation: str, seed: int) -> str:
    if item_type == "multichoicerated":
        return str(1 + seed % 5)
    if item_type == "multichoice":
        return "1|3" if presentation.startswith("c") else str(1 + seed % 2)
    return f"Antwort {seed}: mehr Praxisfälle & Zeit für Austausch"


def _attempt(fake: FakeMoodle, feedback_id: int, seed: int, userid: int = 0) -> None:
    answers: dict[str | int, Any] = {item.id: _answer(item.typ, item.presentation, seed + position)
               for position, item in enumerate(fake.feedback_items(feedback_id)) if item.hasvalue}
    fake.add_feedback_attempt(feedback_id, answers, userid=userid)


def seed_responses(fake: FakeMoodle, courses: Sequence[DesiredCourse], respondents: int = 10) -> None:
    """After the push: per run course, `respondents` students hand in the imported (named) evaluation, which completes
    the course for them, and answer an anonymous survey added next to it."""
    site = fake.site
    for course in courses:
        course_id = next(c.id for c in site.courses.values() if c.idnumber == course.idnumber)
        evaluation = next(f for f in site.instances["feedback"].values() if f.course == course_id)
        survey = fake.add_feedback(course_id, ANONYMOUS_SURVEY, anonymous=True, items=SURVEY_ITEMS, section=6)
        students = sorted(u for c, u, r in site.role_assignments if c == course_id and r == 5)
        answering = students[:respondents]
        for seed, userid in enumerate(answering):
            _attempt(fake, evaluation.id, seed, userid)
            fake.set_completion(course_id, userid)
            _attempt(fake, survey.id, seed)  # anonymous: the fake stores no user, as Moodle


def pushed_state(fake: FakeMoodle, idnumber_prefix: str) -> dict[str, Any]:
    """What a person would check in Moodle after a push, by names and emails (ids differ between two fakes)."""
    site = fake.site
    emails = {user.id: user.email for user in site.users.values()}
    categories = {category.id: category.idnumber for category in site.categories.values()}
    state: dict[str, Any] = {"categories": sorted((c.name, c.idnumber) for c in site.categories.values())}
    for course in site.courses.values():
        if not course.idnumber.startswith(idnumber_prefix):
            continue
        cms = [cm for cm in site.cms.values() if cm.course == course.id]
        forums = {cm.instance for cm in cms if cm.modname == "forum"}
        enrolments = {ue.userid: ue.status for ue in site.user_enrolments.values()
                      if site.enrol_instances[ue.enrolid].courseid == course.id}
        state[course.idnumber] = {
            "course": (course.fullname, course.shortname, categories[course.category], course.summary,
                       course.startdate, course.enddate, course.format, course.lang),
            "sections": sorted((s.section, s.name) for s in site.sections.values() if s.course == course.id),
            "activities": sorted(Counter((cm.modname, site.instance(cm).name) for cm in cms).items()),
            "enrolments": sorted((emails[u], r, enrolments.get(u)) for c, u, r in site.role_assignments
                                 if c == course.id),
            "groups": sorted((g.idnumber, g.name, tuple(sorted(emails[m] for m in g.members)))
                             for g in site.groups.values() if g.courseid == course.id),
            "events": sorted((e.name, e.description, e.timestart, e.timeduration)
                             for e in site.events.values() if e.courseid == course.id),
            "posts": sorted(d.name for d in site.discussions.values() if d.forum in forums),
        }
    return state


def state_summary(state: dict[str, Any]) -> str:
    courses = [value for key, value in state.items() if key != "categories"]
    counts = {kind: sum(len(course[kind]) for course in courses) for kind in ("enrolments", "groups", "events", "posts")}
    members = sum(len(group[2]) for course in courses for group in course["groups"])
    return (f"{len(courses)} courses, {counts['enrolments']} enrolments, {counts['groups']} groups with {members} "
            f"members, {counts['events']} events, {counts['posts']} welcome posts")
