"""The fake site's data: small dataclasses per Moodle table, held by `Site`, with per-table auto-increment ids.

Handlers and builders change a `Site`; only the handlers turn it into Moodle's JSON shapes.
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

STUDENT, EDITING_TEACHER, TEACHER = 5, 3, 4
ROLES = {1: "manager", 2: "coursecreator", 3: "editingteacher", 4: "teacher", 5: "student", 6: "guest", 7: "user"}
NOW = 1795594139  # the recordings' clock; a fixed clock keeps timestamps reproducible


@dataclass
class Category:
    id: int
    name: str
    idnumber: str = ""
    description: str = ""
    descriptionformat: int = 1
    parent: int = 0
    visible: int = 1
    timemodified: int = NOW


@dataclass
class Course:
    id: int
    category: int
    fullname: str
    shortname: str
    idnumber: str = ""
    summary: str = ""
    summaryformat: int = 1
    format: str = "topics"
    startdate: int = 0
    enddate: int = 0
    visible: int = 1
    enablecompletion: int = 1
    showgrades: int = 1
    newsitems: int = 5
    maxbytes: int = 0
    showreports: int = 0
    groupmode: int = 0
    groupmodeforce: int = 0
    defaultgroupingid: int = 0
    completionnotify: int = 0
    lang: str = ""
    theme: str = ""
    calendartype: str = ""
    showactivitydates: bool = True
    showcompletionconditions: bool = True
    format_options: dict[str, Any] = field(
        default_factory=lambda: {"hiddensections": 1, "coursedisplay": 0, "indentation": "1"})
    contextid: int = 0
    timecreated: int = NOW
    timemodified: int = NOW
    cacherev: int = NOW  # raised by operations.bump_cacherev whenever sections or modules change
    completion_cmids: list[int] = field(default_factory=list)  # course completion = all these activities complete


@dataclass
class Section:
    id: int
    course: int
    section: int
    name: str | None = None
    summary: str = ""
    summaryformat: int = 1
    visible: int = 1
    component: str | None = None
    itemid: int | None = None


@dataclass
class CourseModule:
    id: int
    course: int
    modname: str
    instance: int
    section: int  # section id
    visible: int = 1
    idnumber: str = ""
    completion: int = 0  # 0 none, 1 manual, 2 automatic
    completion_rule: str | None = None  # e.g. completionview, completionsubmit
    groupmode: int = 0
    contextid: int = 0


@dataclass
class Activity:
    """An instance row of a module without a richer model here (page, assign, questionnaire, subsection…)."""

    id: int
    course: int
    name: str
    intro: str = ""
    introformat: int = 1
    timemodified: int = NOW


@dataclass
class Forum(Activity):
    type: str = "general"
    forcesubscribe: int = 0
    trackingtype: int = 1


@dataclass
class Discussion:
    id: int
    forum: int
    name: str
    firstpost: int
    userid: int
    groupid: int = -1
    timemodified: int = NOW
    pinned: bool = False


@dataclass
class Post:
    id: int
    discussion: int
    parent: int
    userid: int
    subject: str
    message: str
    messageformat: int = 1
    created: int = NOW


@dataclass
class Feedback(Activity):
    anonymous: int = 2  # Moodle: 1 anonymous, 2 named
    autonumbering: bool = True
    page_after_submit: str = ""
    completionsubmit: bool = False
    multiple_submit: bool = False
    timeopen: int = 0
    timeclose: int = 0


@dataclass
class FeedbackItem:
    id: int
    feedback: int
    name: str
    label: str
    typ: str
    presentation: str
    position: int
    required: bool = True
    hasvalue: int = 1
    options: str = ""


@dataclass
class FeedbackAttempt:
    id: int
    feedback: int
    userid: int  # also for anonymous attempts, as Moodle stores them (0: a guest)
    anonymous_response: int  # 1 anonymous, 2 named
    values: dict[int, str]  # item id -> raw value ("3", or "1|3" for multiple answers, or text)
    random_response: int = 0
    timemodified: int = NOW


@dataclass
class Assign(Activity):
    completionsubmit: int = 1
    duedate: int = 0


@dataclass
class Submission:
    id: int
    assignment: int
    userid: int
    status: str = "draft"
    text: str = ""
    timecreated: int = NOW
    timemodified: int = NOW


@dataclass
class User:
    id: int
    username: str
    firstname: str
    lastname: str
    email: str
    auth: str = "manual"
    suspended: bool = False
    idnumber: str = ""
    institution: str = ""
    department: str = ""
    city: str = ""
    country: str = ""
    lang: str = "en"
    timezone: str = "99"
    description: str | None = None  # None: never set (Moodle then omits it from user details)
    confirmed: bool = True
    deleted: bool = False
    firstaccess: int = 0
    lastaccess: int = 0

    @property
    def fullname(self) -> str:
        return f"{self.firstname} {self.lastname}"


@dataclass
class EnrolInstance:
    id: int
    courseid: int
    enrol: str = "manual"
    status: int = 0
    roleid: int = STUDENT


@dataclass
class UserEnrolment:
    id: int
    enrolid: int
    userid: int
    status: int = 0  # 1 = suspended
    timestart: int = 0
    timeend: int = 0
    timecreated: int = NOW


@dataclass
class Group:
    id: int
    courseid: int
    name: str
    idnumber: str = ""
    description: str = ""
    descriptionformat: int = 1
    enrolmentkey: str | None = None
    visibility: int = 0
    participation: bool = True
    members: set[int] = field(default_factory=set)


@dataclass
class CalendarEvent:
    id: int
    name: str
    courseid: int
    eventtype: str
    timestart: int
    timeduration: int = 0
    description: str = ""
    format: int = 1
    groupid: int = 0
    userid: int = 0
    categoryid: int = 0
    modulename: str = ""
    instance: int = 0
    repeatid: int = 0
    visible: int = 1
    sequence: int = 1
    uuid: str = ""
    timemodified: int = NOW


@dataclass
class CompetencyFramework:
    id: int
    shortname: str
    idnumber: str
    scaleid: int
    scaleconfiguration: str
    contextid: int = 1
    description: str = ""
    descriptionformat: int = 1
    visible: bool = True
    taxonomies: str = ""
    timecreated: int = NOW
    timemodified: int = NOW


@dataclass
class Competency:
    id: int
    competencyframeworkid: int
    shortname: str
    idnumber: str
    description: str = ""
    descriptionformat: int = 1
    parentid: int = 0
    path: str = "/0/"
    sortorder: int = 0
    ruleoutcome: int = 0
    ruletype: str | None = None
    ruleconfig: str | None = None
    scaleid: int | None = None
    scaleconfiguration: str | None = None
    timecreated: int = NOW
    timemodified: int = NOW


@dataclass
class CourseCompetency:
    id: int
    courseid: int
    competencyid: int
    sortorder: int = 0
    ruleoutcome: int = 1
    timecreated: int = NOW
    timemodified: int = NOW


@dataclass
class CompetencyRating:
    """A user's rating of one competency in one course (Moodle's user_competency_course)."""

    userid: int
    courseid: int
    competencyid: int
    grade: int | None
    proficiency: bool | None
    note: str = ""
    timemodified: int = NOW


class Site:
    """All tables of one fake Moodle site. Ids auto-increment per table, like Moodle's."""

    def __init__(self) -> None:
        self._next_id: dict[str, int] = {}
        self.categories: dict[int, Category] = {}
        self.courses: dict[int, Course] = {}
        self.sections: dict[int, Section] = {}
        self.cms: dict[int, CourseModule] = {}
        self.instances: dict[str, dict[int, Activity]] = defaultdict(dict)
        self.discussions: dict[int, Discussion] = {}
        self.posts: dict[int, Post] = {}
        self.feedback_items: dict[int, FeedbackItem] = {}
        self.feedback_attempts: dict[int, FeedbackAttempt] = {}
        self.submissions: dict[int, Submission] = {}
        self.users: dict[int, User] = {}
        self.enrol_instances: dict[int, EnrolInstance] = {}
        self.user_enrolments: dict[int, UserEnrolment] = {}
        self.role_assignments: set[tuple[int, int, int]] = set()  # (courseid, userid, roleid)
        self.groups: dict[int, Group] = {}
        self.events: dict[int, CalendarEvent] = {}
        self.frameworks: dict[int, CompetencyFramework] = {}
        self.competencies: dict[int, Competency] = {}
        self.course_competencies: dict[int, CourseCompetency] = {}
        self.competency_ratings: dict[tuple[int, int, int], CompetencyRating] = {}
        self.activity_completion: dict[tuple[int, int], tuple[int, int]] = {}  # (cmid, userid) -> (state, time)
        self.course_completion: dict[tuple[int, int], int] = {}  # (courseid, userid) -> timecompleted
        self.disabled_modules: set[str] = set()
        self.languages: dict[str, str] = {"en": "English", "de": "Deutsch"}  # installed language packs
        self.site_roles: dict[int, str] = dict(ROLES)
        """roles defined on the site: Moodle's own and those an admin added (e.g. docs/moodle/trainer_role.php)"""
        self.timezone = "Europe/London"  # what a fresh Moodle installs as the default time zone
        self.calendar_refresh: set[int] = set()
        """courses an import queued refresh_mod_calendar_events_task for (it runs with the next cron)"""

    def new_id(self, table: str) -> int:
        value = self._next_id.get(table, 1)
        self._next_id[table] = value + 1
        return value

    def reserve_id(self, table: str, value: int) -> int:
        """Use an explicit id (seeding) and keep the counter above it."""
        self._next_id[table] = max(self._next_id.get(table, 1), value + 1)
        return value

    def snapshot(self) -> Site:
        # a pickle round trip copies the tables several times faster than copy.deepcopy
        return pickle.loads(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))

    def restore(self, snapshot: Site) -> None:
        self.__dict__.update(snapshot.__dict__)

    def saved(self) -> bytes:
        """The tables as bytes: half the cost of a `snapshot`, for a rollback that is rarely needed."""
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    def restore_saved(self, saved: bytes) -> None:
        self.restore(pickle.loads(saved))

    # -- lookups shared by several handler areas --------------------------------------------------------------

    def course_sections(self, courseid: int) -> list[Section]:
        return sorted((s for s in self.sections.values() if s.course == courseid), key=lambda s: s.section)

    def section_cms(self, section_id: int) -> list[CourseModule]:
        return [cm for cm in self.cms.values() if cm.section == section_id]

    def course_cms(self, courseid: int) -> list[CourseModule]:
        return [cm for cm in self.cms.values() if cm.course == courseid]

    def instance(self, cm: CourseModule) -> Activity:
        return self.instances[cm.modname][cm.instance]

    def cm_for(self, modname: str, instance_id: int) -> CourseModule:
        return next(cm for cm in self.cms.values() if cm.modname == modname and cm.instance == instance_id)

    def manual_instance(self, courseid: int) -> EnrolInstance | None:
        return next((e for e in self.enrol_instances.values() if e.courseid == courseid and e.enrol == "manual"),
                    None)

    def enrolment(self, courseid: int, userid: int) -> UserEnrolment | None:
        instances = {e.id for e in self.enrol_instances.values() if e.courseid == courseid}
        return next((ue for ue in self.user_enrolments.values() if ue.enrolid in instances and ue.userid == userid),
                    None)

    def is_enrolled(self, courseid: int, userid: int) -> bool:
        return self.enrolment(courseid, userid) is not None

    def enrolled_userids(self, courseid: int) -> list[int]:
        instances = {e.id for e in self.enrol_instances.values() if e.courseid == courseid}
        return sorted({ue.userid for ue in self.user_enrolments.values() if ue.enrolid in instances})

    def roles_in(self, courseid: int, userid: int) -> list[int]:
        return sorted(r for c, u, r in self.role_assignments if c == courseid and u == userid)

    def user_groups(self, courseid: int, userid: int) -> list[Group]:
        return [g for g in self.groups.values() if g.courseid == courseid and userid in g.members]

    def new_context(self) -> int:
        return self.new_id("context")
