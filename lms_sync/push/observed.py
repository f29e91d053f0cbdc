"""What lms-sync saw in Moodle: categories, run courses with their contents, enrolments, groups, events and posts,
competency frameworks with their competencies and the courses' links. Plain data; `lms_sync.push.observe` fills it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lms_sync.moodle.api.calendar import ActivityEvent, Event
from lms_sync.moodle.api.calls import read_failure
from lms_sync.moodle.api.competencies import Competency, Framework
from lms_sync.moodle.api.contents import Module, Section
from lms_sync.moodle.api.courses import Category, Course
from lms_sync.moodle.api.groups import Group
from lms_sync.moodle.api.people import User

# Moodle's own records, as the typed calls read them: push plans against these directly.
ObservedCategory = Category
ObservedUser = User
ObservedSection = Section
ObservedModule = Module
ObservedGroup = Group
ObservedEvent = Event
ObservedActivityEvent = ActivityEvent
ObservedCompetency = Competency


@dataclass
class ObservedCourse:
    course: Course
    sections: list[ObservedSection] = field(default_factory=list)
    modules: list[ObservedModule] = field(default_factory=list)
    active_roles: dict[int, set[int]] = field(default_factory=dict)
    """user id -> role ids, for users whose enrolment is active"""
    group_members: dict[int, set[int]] = field(default_factory=dict)
    """group id -> user ids (active users only)"""
    groups: dict[int, ObservedGroup] = field(default_factory=dict)
    """group id -> group: the groups that have members, or all of them when the course's list was read"""
    events: list[ObservedEvent] = field(default_factory=list)
    activity_events: list[ObservedActivityEvent] = field(default_factory=list)
    """the events of the activities' dates (due, open, close): none until Moodle's cron has run after an import"""
    news_forum_id: int | None = None
    news_forum_cmid: int | None = None
    news_forum_name: str = ""
    news_forum_cmids: set[int] = field(default_factory=set)
    news_forum_discussions: int = 0
    feedback_items: int | None = None
    """questionnaire items of all its feedback activities, when read (contents read anew; not from the cache)"""
    post_subjects: set[str] = field(default_factory=set)
    """subjects of the announcements known to be there (when the observation cache vouched: the welcome post's)"""
    competency_ids: set[int] = field(default_factory=set)
    """the competencies linked to the course (read only for runs whose template links competencies)"""

    def group_id(self, idnumber: str, name: str) -> int | None:
        """The group lms-sync made with `idnumber`, else the one called `name` (Moodle keeps names unique per course)."""
        by_idnumber = next((g.id for g in self.groups.values() if g.idnumber == idnumber), None)
        return by_idnumber or next((g.id for g in self.groups.values() if g.name == name), None)

    def module_named(self, modname: str, name: str) -> ObservedModule | None:
        return next((m for m in self.modules if m.modname == modname and m.name == name), None)

    def content_modules(self) -> list[ObservedModule]:
        """Modules other than announcements forums (every course gets its own when it is created)."""
        return [m for m in self.modules if m.id not in self.news_forum_cmids]

    def missing_after_import(self, blueprint: ObservedCourse | None) -> list[str]:
        """What an import of `blueprint` brings that this course lacks: activities per type, questionnaire items.

        Moodle restores activities one after another without a transaction, the questionnaire (last) item by item:
        a crash during the import leaves a prefix. Counts per type, not names, so a trainer's rename is no gap.
        Empty when complete, or when the blueprint's contents (or the items) were not read.
        """
        if blueprint is None:
            return []
        have = Counter(m.modname for m in self.content_modules())
        want = Counter(m.modname for m in blueprint.content_modules())
        missing = [f"{n} {modname}" for modname, n in sorted((want - have).items())]
        if self.feedback_items is not None and blueprint.feedback_items is not None \
                and self.feedback_items < blueprint.feedback_items:
            missing.append(f"{blueprint.feedback_items - self.feedback_items} questionnaire items")
        return missing


@dataclass
class ObservedFramework:
    framework: Framework
    competencies: dict[str, ObservedCompetency] = field(default_factory=dict)
    """by idnumber"""


@dataclass
class ObservedSite:
    categories: list[ObservedCategory] = field(default_factory=list)
    courses: dict[str, ObservedCourse] = field(default_factory=dict)
    """run courses by idnumber"""
    blueprints: dict[str, ObservedCourse] = field(default_factory=dict)
    """blueprint courses by idnumber (absent = not found)"""
    users_by_email: dict[str, list[ObservedUser]] = field(default_factory=dict)
    ws_userid: int | None = None
    """the token's user: what it created (events) is lms-sync's own"""
    shortname_holders: dict[str, ObservedCourse] = field(default_factory=dict)
    """courses (not found by idnumber) whose shortname a course to create wants"""
    missing_languages: set[str] = field(default_factory=set)
    """languages courses to create force that the site has no language pack for"""
    frameworks: dict[str, ObservedFramework] = field(default_factory=dict)
    """the competency frameworks the runs link, by idnumber (absent = not found)"""
    scales: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """scale id -> its items, for the frameworks still to create (no items: Moodle has no such scale)"""
    read_failures: dict[str, str] = field(default_factory=dict)
    """run course idnumber -> why a read about that run failed (one line: which read, Moodle's message and code);
    plan skips these runs, the others are planned as usual"""
    capability_holders: dict[tuple[int, str], dict[int, frozenset[int]]] = field(default_factory=dict)
    """(course id, capability) -> user id -> role ids: who holds the evaluation's capabilities in the run courses with a
    named questionnaire (capability "": everyone enrolled), asked along with the enrolled users where the service
    offers the all-courses listing; no part of the fingerprint, as push writes nothing after it"""
    offline: bool = False
    observed_at: int = 0
    """Unix time of the observation (0: not known); no part of the fingerprint"""

    @classmethod
    def empty(cls) -> ObservedSite:
        """An empty site, for `plan --offline`."""
        return cls(offline=True)

    def usable(self, result: Any, what: str, runs: Iterable[str], *, about: int | None = None) -> Any | None:
        """`result`, or None once why it cannot be used is noted against `runs` (site-wide errors are raised).

        `about`: the one course whose share of a many-course answer is wanted (warnings about other courses do not
        count).
        """
        why = read_failure(result, what, course_id=about)
        if why is None:
            return result
        self.fail(runs, why)
        return None

    def fail(self, idnumbers: Iterable[str], why: str) -> None:
        """Note `why` against these runs (the first failure of a run is the one it is skipped for)."""
        for idnumber in idnumbers:
            self.read_failures.setdefault(idnumber, why)

    def category_by_idnumber(self, idnumber: str) -> ObservedCategory | None:
        return next((c for c in self.categories if c.idnumber == idnumber), None)

    def category_by_name(self, name: str, parent: int) -> ObservedCategory | None:
        return next((c for c in self.categories if c.name == name and c.parent == parent), None)
