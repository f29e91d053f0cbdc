"""Builders tests use to put data into the fake site directly (no HTTP, not counted as calls).

They go through the same `operations` as the web-service handlers, so built and pushed data look alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tests.fake_moodle import operations
from tests.fake_moodle.state import (
    NOW,
    ROLES,
    Activity,
    Assign,
    Category,
    Competency,
    CompetencyFramework,
    CompetencyRating,
    Course,
    CourseCompetency,
    CourseModule,
    Discussion,
    Feedback,
    FeedbackAttempt,
    FeedbackItem,
    Forum,
    Group,
    Post,
    Site,
    Submission,
    User,
    UserEnrolment,
)

_ROLE_IDS = {name: roleid for roleid, name in ROLES.items()}
RATED_LABELS = ("trifft gar nicht zu", "trifft eher nicht zu", "teils, teils", "trifft eher zu", "trifft voll zu")


def rated_presentation(labels: Iterable[str] = RATED_LABELS) -> str:
    """A multichoicerated presentation: `r>>>>>1####label|2####label…` (value####text per answer)."""
    return "r>>>>>" + "|".join(f"{value}####{label}" for value, label in enumerate(labels, start=1))


class SiteBuilders:
    """Mixed into `FakeMoodle`: `fake.add_course(...)`, `fake.enrol(...)`, … (ids auto-increment like Moodle's)."""

    site: Site
    version: str

    def _seed_site_defaults(self) -> None:
        if self.version == "4.5":
            self.site.disabled_modules.add("subsection")  # 4.5 installs mod_subsection disabled
        self.site.reserve_id("course", 1)  # the front page is course 1 on every Moodle site
        operations.create_category(self.site, "Category 1", category_id=1)
        for userid, username, first, last in ((1, "guest", "Guest user", " "), (2, "admin", "Admin", "User"),
                                              (3, "syncbot", "Sync", "Bot")):
            self.site.users[self.site.reserve_id("user", userid)] = User(
                userid, username, first, last, f"{username}@example.org", description="")

    # -- structure --------------------------------------------------------------------------------------------

    def add_category(self, name: str, idnumber: str = "", parent: int = 0, description: str = "") -> Category:
        return operations.create_category(self.site, name, idnumber=idnumber, parent=parent, description=description)

    def add_course(self, fullname: str, shortname: str, *, category: int = 1, idnumber: str = "",
                   numsections: int = 0, news_forum: bool = True, section_names: Iterable[str] = (),
                   **fields: Any) -> Course:
        """A course like core_course_create_courses makes it; `section_names` names sections 1, 2, …"""
        names = list(section_names)
        course = operations.create_course(self.site, category=category, fullname=fullname, shortname=shortname,
                                          idnumber=idnumber, numsections=max(numsections, len(names)),
                                          news_forum=news_forum, **fields)
        for number, name in enumerate(names, start=1):
            operations.section_by_number(self.site, course.id, number).name = name
        return course

    def add_role(self, roleid: int, shortname: str) -> None:
        """A site role without any of the capabilities the fake knows holders for (like the trainer role)."""
        self.site.site_roles[self.site.reserve_id("role", roleid)] = shortname

    def run_cron(self) -> None:
        """Moodle's cron: the adhoc tasks imports queued (the imported activities' calendar events)."""
        operations.run_calendar_refresh(self.site)

    def add_module(self, course_id: int, modname: str, name: str, *, section: int = 0,
                   kind: type[Activity] = Activity, **fields: Any) -> CourseModule:
        return operations.add_module(self.site, course_id, section, modname, kind, name=name, **fields)

    def add_forum(self, course_id: int, name: str, *, section: int = 0, type: str = "general",
                  **fields: Any) -> Forum:
        cm = self.add_module(course_id, "forum", name, section=section, kind=Forum, type=type, **fields)
        return self.site.instances["forum"][cm.instance]  # type: ignore[return-value]

    def add_discussion(self, forum_id: int, subject: str, message: str, *, userid: int, replies: int = 0,
                       groupid: int = -1) -> Discussion:
        """A discussion with its first post and `replies` short replies by the same user."""
        discussion_id = self.site.new_id("forum_discussions")
        first = Post(self.site.new_id("forum_posts"), discussion_id, 0, userid, subject, message)
        self.site.posts[first.id] = first
        for number in range(replies):
            reply = Post(self.site.new_id("forum_posts"), discussion_id, first.id, userid, f"Re: {subject}",
                         f"<p>Antwort {number + 1}</p>")
            self.site.posts[reply.id] = reply
        discussion = Discussion(discussion_id, forum_id, subject, first.id, userid, groupid)
        self.site.discussions[discussion_id] = discussion
        return discussion

    def news_forum(self, course_id: int) -> Forum:
        forums = [f for f in self.site.instances["forum"].values() if f.course == course_id
                  and isinstance(f, Forum) and f.type == "news"]
        return min(forums, key=lambda f: f.id)

    def add_assign(self, course_id: int, name: str, *, section: int = 0, completion: bool = True,
                   **fields: Any) -> Assign:
        cm = self.add_module(course_id, "assign", name, section=section, kind=Assign,
                             completion=2 if completion else 0,
                             completion_rule="completionsubmit" if completion else None, **fields)
        return self.site.instances["assign"][cm.instance]  # type: ignore[return-value]

    def add_submission(self, assign_id: int, userid: int, text: str = "", status: str = "draft") -> Submission:
        submission = Submission(self.site.new_id("assign_submission"), assign_id, userid, status, text)
        self.site.submissions[submission.id] = submission
        return submission

    def enable_module(self, modname: str) -> None:
        self.site.disabled_modules.discard(modname)

    def disable_module(self, modname: str) -> None:
        self.site.disabled_modules.add(modname)

    # -- people -----------------------------------------------------------------------------------------------

    def add_user(self, username: str, firstname: str, lastname: str, email: str | None = None, *,
                 user_id: int | None = None, **fields: Any) -> User:
        """A user; unlike core_user_create_users this allows an email another account already has."""
        userid = self.site.reserve_id("user", user_id) if user_id else self.site.new_id("user")
        fields.setdefault("description", "")
        user = User(userid, username, firstname, lastname, email or f"{username}@example.org", **fields)
        self.site.users[userid] = user
        return user

    def enrol(self, userid: int, course_id: int, role: str | int = "student", *, timestart: int = 0,
              timeend: int = 0, suspended: bool = False) -> UserEnrolment:
        roleid = role if isinstance(role, int) else _ROLE_IDS[role]
        return operations.enrol_user(self.site, course_id, userid, roleid, timestart=timestart, timeend=timeend,
                                     suspend=suspended)

    def add_group(self, course_id: int, name: str, *, idnumber: str = "", members: Iterable[int] = (),
                  description: str = "") -> Group:
        group = Group(self.site.new_id("groups"), course_id, name, idnumber, description, members=set(members))
        self.site.groups[group.id] = group
        return group

    # -- feedback ---------------------------------------------------------------------------------------------

    def add_feedback(self, course_id: int, name: str, anonymous: bool, items: Iterable[Mapping[str, Any]] = (), *,
                     section: int = 0, completion: bool = False, **fields: Any) -> Feedback:
        """A feedback activity; each item is `{name, label, typ, presentation, required}` (see `rated_presentation`)."""
        cm = self.add_module(course_id, "feedback", name, section=section, kind=Feedback,
                             anonymous=1 if anonymous else 2, completionsubmit=completion,
                             completion=2 if completion else 0,
                             completion_rule="completionsubmit" if completion else None, **fields)
        for item in items:
            operations.add_feedback_item(self.site, cm.instance, **item)
        return self.site.instances["feedback"][cm.instance]  # type: ignore[return-value]

    def feedback_items(self, feedback_id: int) -> list[FeedbackItem]:
        return sorted((i for i in self.site.feedback_items.values() if i.feedback == feedback_id),
                      key=lambda i: i.position)

    def add_feedback_attempt(self, feedback_id: int, answers: Mapping[str | int, Any], *, userid: int = 0,
                             timemodified: int = NOW, random_response: int | None = None) -> FeedbackAttempt:
        """One submitted response. `answers` maps item label or id to the raw value ("4", "1|3", or text).

        Moodle keeps the user id also on an anonymous attempt (feedback_completed.userid; the privacy provider exports
        it); only the web services leave it out of `anonattempts`.
        """
        feedback = self.site.instances["feedback"][feedback_id]
        assert isinstance(feedback, Feedback)
        by_label = {item.label: item.id for item in self.feedback_items(feedback_id)}
        values = {by_label.get(key, key) if isinstance(key, str) else key: str(value)
                  for key, value in answers.items() if value is not None}
        attempt_id = self.site.new_id("feedback_completed")
        attempt = FeedbackAttempt(attempt_id, feedback_id, userid,
                                  feedback.anonymous, values,  # type: ignore[arg-type]
                                  random_response if random_response is not None else attempt_id, timemodified)
        self.site.feedback_attempts[attempt.id] = attempt
        return attempt

    # -- completion -------------------------------------------------------------------------------------------

    def set_completion(self, course_id: int, userid: int, *, cmids: Iterable[int] | None = None,
                       completed: bool = True, timecompleted: int = NOW) -> None:
        """Mark activities complete (default: the course's completion criteria) and, if all are, the course."""
        course = self.site.courses[course_id]
        targets = list(cmids) if cmids is not None else list(course.completion_cmids)
        for cmid in targets:
            if completed:
                self.site.activity_completion[(cmid, userid)] = (1, timecompleted)
            else:
                self.site.activity_completion.pop((cmid, userid), None)
        done = all(self.site.activity_completion.get((c, userid), (0, 0))[0] for c in course.completion_cmids)
        if done and course.completion_cmids:
            self.site.course_completion[(course_id, userid)] = timecompleted
        else:
            self.site.course_completion.pop((course_id, userid), None)

    # -- competencies -----------------------------------------------------------------------------------------

    def add_competency_framework(self, shortname: str, idnumber: str, *, scaleid: int = 2,
                                 scaleconfiguration: str = "", **fields: Any) -> CompetencyFramework:
        framework = CompetencyFramework(self.site.new_id("competency_framework"), shortname, idnumber, scaleid,
                                        scaleconfiguration, **fields)
        self.site.frameworks[framework.id] = framework
        return framework

    def add_competency(self, framework_id: int, shortname: str, idnumber: str, *, parentid: int = 0,
                       **fields: Any) -> Competency:
        parent_path = self.site.competencies[parentid].path + f"{parentid}/" if parentid else "/0/"
        competency = Competency(self.site.new_id("competency"), framework_id, shortname, idnumber,
                                parentid=parentid, path=parent_path, **fields)
        self.site.competencies[competency.id] = competency
        return competency

    def link_competency(self, course_id: int, competency_id: int) -> None:
        link = CourseCompetency(self.site.new_id("competency_coursecomp"), course_id, competency_id)
        self.site.course_competencies[link.id] = link

    def rate_competency(self, userid: int, course_id: int, competency_id: int, grade: int | None,
                        proficiency: bool | None = None, note: str = "") -> CompetencyRating:
        rating = CompetencyRating(userid, course_id, competency_id, grade, proficiency, note)
        self.site.competency_ratings[(userid, course_id, competency_id)] = rating
        return rating
