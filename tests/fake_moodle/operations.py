"""What Moodle does to its tables when a course is created, copied, imported, edited, or someone is enrolled.

Shared by the web-service handlers and the test builders, so both paths produce the same site.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.fake_moodle.state import (
    NOW,
    Activity,
    Assign,
    CalendarEvent,
    Category,
    Course,
    CourseModule,
    EnrolInstance,
    Feedback,
    FeedbackItem,
    Forum,
    Section,
    Site,
    UserEnrolment,
)

NEWS_FORUM_INTRO = "General news and announcements"


def create_category(site: Site, name: str, *, idnumber: str = "", parent: int = 0, description: str = "",
                    descriptionformat: int = 1, category_id: int | None = None) -> Category:
    category_id = site.reserve_id("category", category_id) if category_id else site.new_id("category")
    category = Category(category_id, name, idnumber, description, descriptionformat, parent)
    site.categories[category_id] = category
    return category


def create_course(site: Site, *, category: int, fullname: str, shortname: str, numsections: int | None = None,
                  news_forum: bool = True, course_id: int | None = None, **fields: Any) -> Course:
    """create_course(): section 0 (plus 1..numsections if given), the manual enrolment method, the news forum."""
    course_id = site.reserve_id("course", course_id) if course_id else site.new_id("course")
    course = Course(course_id, category, fullname, shortname, contextid=site.new_context(), **fields)
    site.courses[course_id] = course
    for number in range(0, (numsections or 0) + 1):
        add_section(site, course_id, number)
    instance = EnrolInstance(site.new_id("enrol"), course_id)
    site.enrol_instances[instance.id] = instance
    if news_forum:
        name = "Ankündigungen" if course.lang == "de" else "Announcements"
        add_module(site, course_id, 0, "forum", Forum, name=name, intro=NEWS_FORUM_INTRO, type="news",
                   forcesubscribe=1)
    return course


def bump_cacherev(site: Site, courseid: int) -> int:
    """rebuild_course_cache(): increment_revision_number() makes cacherev max(old + 1, now) (Moodle resets a value
    more than an hour ahead to now; the fake never gets there).

    Every change to a course's sections or modules calls this (enrolments, groups, events and posts do not).
    """
    course = site.courses[courseid]
    course.cacherev = max(course.cacherev + 1, NOW)
    return course.cacherev


def add_section(site: Site, courseid: int, number: int, *, name: str | None = None, summary: str = "",
                visible: int = 1, component: str | None = None, itemid: int | None = None) -> Section:
    section = Section(site.new_id("section"), courseid, number, name, summary, 1, visible, component, itemid)
    site.sections[section.id] = section
    bump_cacherev(site, courseid)
    return section


def section_by_number(site: Site, courseid: int, number: int) -> Section:
    """The course's section with this number, created (with its predecessors) if missing, as Moodle does."""
    existing = {s.section: s for s in site.course_sections(courseid)}
    for missing_number in range(0, number + 1):
        if missing_number not in existing:
            existing[missing_number] = add_section(site, courseid, missing_number)
    return existing[number]


def add_module(site: Site, courseid: int, section_number: int, modname: str, kind: type[Activity] = Activity, *,
               visible: int = 1, completion: int = 0, completion_rule: str | None = None, idnumber: str = "",
               groupmode: int = 0, **instance_fields: Any) -> CourseModule:
    """A new activity: instance row + course module in the section with that number."""
    instance_id = site.new_id(modname)
    site.instances[modname][instance_id] = kind(instance_id, courseid, **instance_fields)
    section = section_by_number(site, courseid, section_number)
    cm = CourseModule(site.new_id("course_modules"), courseid, modname, instance_id, section.id, visible,
                      idnumber, completion, completion_rule, groupmode, contextid=site.new_context())
    site.cms[cm.id] = cm
    bump_cacherev(site, courseid)
    return cm


class CutOff(Exception):
    """The web server died in the middle of a restore (fault injection): what was restored so far stays."""


def _feedback_items(site: Site, feedback_id: int) -> list[FeedbackItem]:
    return sorted((i for i in site.feedback_items.values() if i.feedback == feedback_id), key=lambda i: i.position)


def copy_module(site: Site, cm: CourseModule, target_course: int, section_number: int,
                budget: list[int] | None = None) -> CourseModule:
    """Backup/restore of one activity without user data: instance, feedback items, settings.

    `budget` ([units left]): each activity and each item takes one; when none is left Moodle's restore dies there
    (as restore_module_structure_step, then the activity's own step, insert them: activity first, item by item).
    """
    _spend(budget)
    source = site.instance(cm)
    instance_id = site.new_id(cm.modname)
    site.instances[cm.modname][instance_id] = dataclasses.replace(source, id=instance_id, course=target_course,
                                                                  timemodified=NOW)
    section = section_by_number(site, target_course, section_number)
    copied_cm = dataclasses.replace(cm, id=site.new_id("course_modules"), course=target_course,
                                    instance=instance_id, section=section.id, contextid=site.new_context())
    site.cms[copied_cm.id] = copied_cm
    bump_cacherev(site, target_course)
    if isinstance(source, Feedback):
        for item in _feedback_items(site, source.id):
            _spend(budget)
            copied = dataclasses.replace(item, id=site.new_id("feedback_item"), feedback=instance_id)
            site.feedback_items[copied.id] = copied
    return copied_cm


def _spend(budget: list[int] | None) -> None:
    if budget is not None:
        if budget[0] <= 0:
            raise CutOff
        budget[0] -= 1


def _default_cut(site: Site, cms: list[CourseModule]) -> int:
    """All but the second half of the last activity's questionnaire items (or the last activity itself)."""
    units = sum(1 + (len(_feedback_items(site, cm.instance)) if cm.modname == "feedback" else 0) for cm in cms)
    last = cms[-1] if cms else None
    items = len(_feedback_items(site, last.instance)) if last is not None and last.modname == "feedback" else 0
    return units - (-(-items // 2) if items else 1)


def delete_module(site: Site, cm: CourseModule) -> None:
    """course_delete_module(): the activity, its own record and (a feedback's) items."""
    del site.cms[cm.id]
    del site.instances[cm.modname][cm.instance]
    for item in [i for i in site.feedback_items.values() if cm.modname == "feedback" and i.feedback == cm.instance]:
        del site.feedback_items[item.id]
    site.courses[cm.course].completion_cmids = [c for c in site.courses[cm.course].completion_cmids if c != cm.id]
    bump_cacherev(site, cm.course)


def copy_contents(site: Site, source_id: int, target_id: int, *, cut_after: int | None = None) -> None:
    """Import/duplicate: section names and summaries (where the target has none) and every activity.

    `cut_after` (fault injection): the restore dies after that many activities and questionnaire items (-1: the
    default cut), before its final step (course completion criteria); raises CutOff.
    """
    sections = [s for s in site.course_sections(source_id) if not s.component]  # delegated ones come with their module
    cms = [cm for section in sections for cm in sorted(site.section_cms(section.id), key=lambda c: c.id)]
    budget = None if cut_after is None else [_default_cut(site, cms) if cut_after < 0 else cut_after]
    mapping: dict[int, int] = {}
    for section in sections:
        target = section_by_number(site, target_id, section.section)
        if target.name is None and section.name is not None:
            target.name = section.name
        if not target.summary:
            target.summary, target.summaryformat = section.summary, section.summaryformat
        target.visible = section.visible
    for cm in cms:
        mapping[cm.id] = copy_module(site, cm, target_id, site.sections[cm.section].section, budget).id
    if budget is not None:
        raise CutOff
    target_course = site.courses[target_id]
    source_course = site.courses[source_id]
    target_course.completion_cmids += [mapping[c] for c in source_course.completion_cmids if c in mapping]
    # Restore skips the activities' action events (due, open, close) and queues an adhoc task that makes them.
    site.calendar_refresh.add(target_id)
    bump_cacherev(site, target_id)  # sections may have changed even when no module came along


def remove_contents(site: Site, courseid: int) -> None:
    """deletecontent=1: the target course loses its activities and sections above 0."""
    for cm in site.course_cms(courseid):
        del site.cms[cm.id]
    for section in site.course_sections(courseid):
        if section.section > 0:
            del site.sections[section.id]
        else:
            section.name, section.summary = None, ""
    site.courses[courseid].completion_cmids = []
    bump_cacherev(site, courseid)


def enrol_user(site: Site, courseid: int, userid: int, roleid: int, *, timestart: int = 0, timeend: int = 0,
               suspend: bool = False) -> UserEnrolment:
    """enrol_manual: create or update the user's enrolment and assign the role (both idempotent)."""
    instance = site.manual_instance(courseid)
    if instance is None:
        instance = EnrolInstance(site.new_id("enrol"), courseid)
        site.enrol_instances[instance.id] = instance
    enrolment = next((ue for ue in site.user_enrolments.values()
                      if ue.enrolid == instance.id and ue.userid == userid), None)
    if enrolment is None:
        enrolment = UserEnrolment(site.new_id("user_enrolments"), instance.id, userid)
        site.user_enrolments[enrolment.id] = enrolment
    enrolment.timestart, enrolment.timeend, enrolment.status = timestart, timeend, int(suspend)
    site.role_assignments.add((courseid, userid, roleid))
    return enrolment


def unenrol_user(site: Site, courseid: int, userid: int) -> None:
    instances = {e.id for e in site.enrol_instances.values() if e.courseid == courseid and e.enrol == "manual"}
    for enrolment in [ue for ue in site.user_enrolments.values() if ue.enrolid in instances and ue.userid == userid]:
        del site.user_enrolments[enrolment.id]
    site.role_assignments = {ra for ra in site.role_assignments if not (ra[0] == courseid and ra[1] == userid)}
    for group in site.groups.values():
        if group.courseid == courseid:
            group.members.discard(userid)


def is_active_enrolment(enrolment: UserEnrolment, now: int = NOW) -> bool:
    return enrolment.status == 0 and enrolment.timestart <= now and (enrolment.timeend == 0 or enrolment.timeend > now)


def add_feedback_item(site: Site, feedback_id: int, *, name: str, label: str = "", typ: str = "multichoicerated",
                      presentation: str = "", required: bool = True, options: str | None = None) -> FeedbackItem:
    position = 1 + sum(1 for item in site.feedback_items.values() if item.feedback == feedback_id)
    item = FeedbackItem(site.new_id("feedback_item"), feedback_id, name, label, typ, presentation, position,
                        required, 0 if typ in ("label", "pagebreak", "captcha") else 1,
                        options if options is not None else ("h" if typ.startswith("multichoice") else ""))
    site.feedback_items[item.id] = item
    return item


CRON_USER = 2  # the admin: Moodle's cron makes activity events as the main administrator


def activity_dates(instance: Activity) -> dict[str, int]:
    """eventtype -> timestamp of the dates an activity keeps calendar events for (as its *_refresh_events does)."""
    if isinstance(instance, Assign):
        return {"due": instance.duedate} if instance.duedate else {}
    if isinstance(instance, Feedback):
        return {kind: value for kind, value in (("open", instance.timeopen), ("close", instance.timeclose)) if value}
    return {}


_EVENT_NAMES = {"due": "{} is due", "open": "{} opens", "close": "{} closes"}


def run_calendar_refresh(site: Site) -> None:
    """refresh_mod_calendar_events_task for every course an import queued: each dated activity gets its events."""
    for courseid in sorted(site.calendar_refresh):
        for cm in site.course_cms(courseid):
            instance = site.instance(cm)
            for eventtype, timestart in activity_dates(instance).items():
                event = next((e for e in site.events.values() if (e.modulename, e.instance, e.eventtype)
                              == (cm.modname, cm.instance, eventtype)), None)
                if event is None:
                    event = CalendarEvent(site.new_id("event"), _EVENT_NAMES[eventtype].format(instance.name), courseid,
                                          eventtype, timestart, userid=CRON_USER, modulename=cm.modname,
                                          instance=cm.instance, visible=cm.visible)
                    site.events[event.id] = event
                event.timestart = timestart
    site.calendar_refresh.clear()
