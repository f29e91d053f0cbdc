"""The naive baseline: a working sync client that makes one web-service call per entity, one call at a time —
one course lookup per run, one user lookup per person, one enrolment / group / member / event / date call each, and a
pull that reads course after course with one call per feedback, page and student.

It goes through the same `MoodleClient.call` (encoding, HTTP stack, retries) as lms-sync and reaches the same end
state; what it never does is batch several items into one request or run requests side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lms_sync.config import PushSettings
from lms_sync.moodle.api import calendar, completion, people
from lms_sync.moodle.api import feedback as feedback_api
from lms_sync.moodle.api.people import ACTIVE_IDS_ONLY
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleError
from lms_sync.moodle.fields import text
from lms_sync.pull.enrolment_reading import completion_record, enrolled_users, students
from lms_sync.pull.feedback_reading import instrument
from lms_sync.push.desired import DesiredCategory, DesiredCourse
from lms_sync.records.people import Participant
from lms_sync.records.snapshot import CompletionRecord, CourseSnapshot
from lms_sync.records.store import RecordsStore
from lms_sync.small_groups import allocate

_FAR_FUTURE = 4102444800  # calendar reads need an upper bound
_DAY_MOVE_REACH = 12 * 3600  # a date off by less than this is on its day already (a move keeps the time of day)
_NO_COURSE_COMPLETION = {"nocriteriaset", "completionnotenabled"}


def _ignore(message: str) -> None:
    """The naive client does not report skipped records (lms-sync logs them); the benchmark data has none."""


class NaiveClient:
    """Push and pull with one call per entity. Re-runnable: it looks before it creates courses, groups, events and
    posts; enrolments and group members it simply sends again, which Moodle treats as harmless repeats."""

    def __init__(self, client: MoodleClient, push_settings: PushSettings, *, page_size: int) -> None:
        self.client = client
        self.settings = push_settings
        self.page_size = page_size
        self._category_ids: dict[str, int] = {}
        self._user_ids: dict[str, int] = {}
        self._blueprint_ids: dict[str, int] = {}

    # -- push -----------------------------------------------------------------------------------------------------

    def push(self, courses: Sequence[DesiredCourse]) -> None:
        for course in courses:
            self._push_course(course)

    def _push_course(self, course: DesiredCourse) -> None:
        found = self.client.call("core_course_get_courses_by_field", field="idnumber", value=course.idnumber)["courses"]
        if found:
            course_id, is_new = int(found[0]["id"]), False
            self._update_drift(course, found[0])
        else:
            course_id, is_new = self._create_course(course), True
        sections = self._contents(course, course_id, is_new)
        self._enrol(course, course_id)
        self._groups(course, course_id, is_new)
        self._events(course, course_id, is_new)
        if not self._dates(course, course_id, is_new, sections):
            self._welcome_post(course, course_id, is_new)

    def _category_id(self, categories: Sequence[DesiredCategory]) -> int:
        parent = 0
        for category in categories:
            if category.idnumber not in self._category_ids:
                found = self.client.call("core_course_get_categories", addsubcategories=0,
                                         criteria=[{"key": "idnumber", "value": category.idnumber}])
                if not found:
                    found = self.client.call("core_course_create_categories", categories=[
                        {"name": category.name, "idnumber": category.idnumber, "parent": parent}])
                self._category_ids[category.idnumber] = int(found[0]["id"])
            parent = self._category_ids[category.idnumber]
        return parent

    def _create_course(self, course: DesiredCourse) -> int:
        created = self.client.call("core_course_create_courses", courses=[{
            "fullname": course.fullname, "shortname": course.shortname, "idnumber": course.idnumber,
            "summary": course.summary, "summaryformat": 1, "startdate": course.startdate, "enddate": course.enddate,
            "format": course.format, "lang": course.lang, "categoryid": self._category_id(course.categories),
            "visible": 1}])
        return int(created[0]["id"])

    def _update_drift(self, course: DesiredCourse, record: dict[str, Any]) -> None:
        wanted = {"fullname": course.fullname, "shortname": course.shortname, "summary": course.summary,
                  "startdate": course.startdate, "enddate": course.enddate}
        observed = {"fullname": text(record.get("fullname")), "shortname": text(record.get("shortname")),
                    "summary": str(record.get("summary") or "").strip(), "startdate": int(record.get("startdate") or 0),
                    "enddate": int(record.get("enddate") or 0)}
        changed = {name: value for name, value in wanted.items() if observed[name] != value}
        if changed:
            self.client.call("core_course_update_courses", courses=[{"id": int(record["id"])} | changed])

    def _blueprint_id(self, idnumber: str) -> int:
        if idnumber not in self._blueprint_ids:
            found = self.client.call("core_course_get_courses_by_field", field="idnumber", value=idnumber)["courses"]
            if not found:
                raise RuntimeError(f"blueprint course {idnumber!r} is missing")
            self._blueprint_ids[idnumber] = int(found[0]["id"])
        return self._blueprint_ids[idnumber]

    def _import(self, course: DesiredCourse, course_id: int) -> list[dict[str, Any]]:
        self.client.call("core_course_import_course", importfrom=self._blueprint_id(course.blueprint_idnumber),
                         importto=course_id, deletecontent=0)
        return self.client.call("core_course_get_contents", courseid=course_id)

    def _contents(self, course: DesiredCourse, course_id: int, is_new: bool) -> list[dict[str, Any]]:
        """Activities from the blueprint unless the course has them; then section names as the template says.
        Returns the course's contents as read."""
        if is_new:
            sections = self._import(course, course_id)
        else:
            sections = self.client.call("core_course_get_contents", courseid=course_id)
            activities = [m for s in sections for m in s.get("modules", []) if m.get("modname") != "forum"
                          or int(s.get("section", 0)) > 0]
            if not activities:
                sections = self._import(course, course_id)
        for section in sections:
            number = int(section.get("section", 0))
            if number < len(course.section_names) and text(section.get("name")) != course.section_names[number]:
                self.client.call("core_update_inplace_editable", component=f"format_{course.format}",
                                 itemtype="sectionname", itemid=int(section["id"]), value=course.section_names[number])
        return sections

    def _user_id(self, email: str) -> int:
        if email not in self._user_ids:
            found = self.client.call("core_user_get_users_by_field", field="email", values=[email])
            self._user_ids[email] = int(found[0]["id"])
        return self._user_ids[email]

    def _enrol(self, course: DesiredCourse, course_id: int) -> None:
        people = [(p.email, self.settings.teacher_role_id) for p in course.trainers]
        people += [(p.email, self.settings.student_role_id) for p in course.participants]
        for email, role in people:
            self.client.call("enrol_manual_enrol_users", enrolments=[
                {"roleid": role, "userid": self._user_id(email), "courseid": course_id, "suspend": 0}])

    def _groups(self, course: DesiredCourse, course_id: int, is_new: bool) -> None:
        existing = {} if is_new else {str(g.get("idnumber")): int(g["id"]) for g in self.client.call(
            "core_group_get_course_groups", courseid=course_id)}
        group_ids = {}
        for number, name in enumerate(course.group_names, start=1):
            idnumber = course.group_idnumber(number)
            if idnumber not in existing:
                created = self.client.call("core_group_create_groups", groups=[
                    {"courseid": course_id, "name": name, "idnumber": idnumber, "description": ""}])
                existing[idnumber] = int(created[0]["id"])
            group_ids[number] = existing[idnumber]
        placement = allocate(course.participants, len(course.group_names), {}, mix_by_sector=course.mix_by_sector)
        for email, number in sorted(placement.items()):
            self.client.call("core_group_add_group_members", members=[
                {"groupid": group_ids[number], "userid": self._user_id(email)}])

    def _events(self, course: DesiredCourse, course_id: int, is_new: bool) -> None:
        existing: set[str] = set()
        if not is_new:
            found = self.client.call("core_calendar_get_calendar_events", events={"courseids": [course_id]}, options={
                "userevents": 0, "siteevents": 0, "timestart": 0, "timeend": _FAR_FUTURE})["events"]
            existing = {text(e.get("name")) for e in found if int(e.get("courseid") or 0) == course_id}
        for event in course.events:
            if event.name not in existing:
                self.client.call("core_calendar_create_calendar_events", events=[{
                    "name": event.name, "description": event.description, "format": 1, "courseid": course_id,
                    "timestart": event.timestart, "timeduration": event.timeduration, "eventtype": "course",
                    "visible": 1}])

    def _dates(self, course: DesiredCourse, course_id: int, is_new: bool, sections: list[dict[str, Any]]) -> bool:
        """The activities' dates moved to the run's days, one call each; True while some wait for Moodle's cron, which
        makes the activities' calendar events after an import (and the welcome post waits with them, as lms-sync's)."""
        if is_new or not course.dates:
            return bool(course.dates)  # just imported: no events yet
        found = self.client.call("core_calendar_get_calendar_events", events={"courseids": [course_id]}, options={
            "userevents": 0, "siteevents": 0, "timestart": 0, "timeend": _FAR_FUTURE})
        events = {(e.modname, e.instance, e.eventtype): e for e in calendar.activity_events_from(found)}
        instances = {(str(m.get("modname")), text(m.get("name"))): int(m["instance"])
                     for section in sections for m in section.get("modules", [])}
        waiting, moves = False, []
        for date in course.dates:
            instance = instances.get((date.modname, date.activity))
            event = events.get((date.modname, instance, date.eventtype)) if instance is not None else None
            if instance is not None and event is None:
                waiting = True
            elif event is not None and abs(event.timestart - date.timestamp) >= _DAY_MOVE_REACH:
                # Moodle refuses a feedback that closes before it opens: moving earlier, "open" goes first.
                moves.append((date.eventtype == ("close" if date.timestamp < event.timestart else "open"), event.id,
                              date.timestamp))
        for _, event_id, day in sorted(moves):
            self.client.call("core_calendar_update_event_start_day", eventid=event_id, daytimestamp=day)
        return waiting

    def _welcome_post(self, course: DesiredCourse, course_id: int, is_new: bool) -> None:
        if course.welcome is None:
            return
        forums = self.client.call("mod_forum_get_forums_by_courses", courseids=[course_id])
        forum_id = next(int(f["id"]) for f in forums if f.get("type") == "news")
        if not is_new:
            discussions = self.client.call("mod_forum_get_forum_discussions", forumid=forum_id, perpage=100)
            if course.welcome.subject in {text(d.get("subject") or d.get("name")) for d in discussions["discussions"]}:
                return
        self.client.call("mod_forum_add_discussion", forumid=forum_id, subject=course.welcome.subject,
                         message=course.welcome.message, options=[{"name": "discussionsubscribe", "value": 0}])

    # -- pull -----------------------------------------------------------------------------------------------------

    def pull(self, store: RecordsStore, courses: Sequence[DesiredCourse], people: Sequence[Participant]) -> None:
        """Each run's course into `store`, one after another."""
        store.upsert_people(people)
        release = self.client.call("core_webservice_get_site_info").get("release")
        for course in courses:
            self._pull_course(store, course, release)

    def _pull_course(self, store: RecordsStore, course: DesiredCourse, release: str | None) -> None:
        record = self.client.call("core_course_get_courses_by_field", field="idnumber", value=course.idnumber)["courses"][0]
        course_id = int(record["id"])
        active = people.active_ids_from(self.client.call("core_enrol_get_enrolled_users", courseid=course_id,
                                                         options=list(ACTIVE_IDS_ONLY)))
        members = people.members_from(self.client.call("core_enrol_get_enrolled_users", courseid=course_id), _ignore)
        users = enrolled_users(members, active=active)
        feedbacks, _ = feedback_api.feedbacks_from(
            self.client.call("mod_feedback_get_feedbacks_by_courses", courseids=[course_id]))
        instruments = []
        for feedback in feedbacks:
            items = feedback_api.items_from(self.client.call("mod_feedback_get_items", feedbackid=feedback.id), _ignore)
            found = instrument(feedback, items, self._response_pages(feedback.id), _ignore)
            if not feedback.anonymous:
                self.client.call("mod_feedback_get_non_respondents", feedbackid=feedback.id)
            if found is not None:
                instruments.append(found)
        store.replace_course_snapshot(CourseSnapshot(
            site_url=self.client.url, site_release=release, course_id=course_id, idnumber=course.idnumber,
            shortname=text(record.get("shortname")), fullname=text(record.get("fullname")),
            startdate=record.get("startdate"), enddate=record.get("enddate"), run_id=course.run_id,
            template=course.template, users=users, feedback=tuple(instruments),
            completions=tuple(self._completion(course_id, user_id)
                              for user_id in students(members, users, self.settings.student_role_id)),
        ))

    def _response_pages(self, feedback_id: int) -> list[feedback_api.Page]:
        pages: list[feedback_api.Page] = []
        while True:
            page = feedback_api.page_from(self.client.call("mod_feedback_get_responses_analysis", feedbackid=feedback_id,
                                                           page=len(pages), perpage=self.page_size))
            pages.append(page)
            if len(pages) * self.page_size >= page.total:
                return pages

    def _completion(self, course_id: int, user_id: int) -> CompletionRecord:
        try:
            status = self.client.call("core_completion_get_course_completion_status", courseid=course_id, userid=user_id)
        except MoodleError as error:
            if error.errorcode not in _NO_COURSE_COMPLETION:
                raise
            status = None
        activities = self.client.call("core_completion_get_activities_completion_status", courseid=course_id,
                                      userid=user_id)
        return completion_record(user_id, completion.course_completion_from(status),
                                 completion.activity_states_from(activities, _ignore))
