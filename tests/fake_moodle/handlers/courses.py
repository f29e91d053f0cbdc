"""Courses: find, create (all-or-nothing), update (warnings), import, duplicate.

Creation and copying go through `operations`, so a created course has section 0, the manual enrolment method and
its own news forum, and an import brings the blueprint's sections and activities (news forum included).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tests.fake_moodle import operations
from tests.fake_moodle.errors import MoodleException, invalid_parameter, moodle_exception, must_exist, no_permission
from tests.fake_moodle.handlers.common import format_string, get_course, option_map, truthy
from tests.fake_moodle.state import EDITING_TEACHER, NOW, Category, Course, CourseModule

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

_FILTERS = ("displayh5p", "activitynames", "mathjaxloader", "emoticon", "urltolink", "mediaplugin")
_UPDATABLE = ("fullname", "shortname", "idnumber", "summary", "summaryformat", "format", "showgrades", "newsitems",
              "startdate", "enddate", "maxbytes", "showreports", "visible", "groupmode", "groupmodeforce",
              "defaultgroupingid", "enablecompletion", "completionnotify", "lang")


def _course_summary(fake: FakeMoodle, course: Course) -> dict[str, Any]:
    """What any user who may see the course gets (core_course_external::get_courses_by_field, no update cap)."""
    category = fake.site.categories.get(course.category)
    teachers = sorted({u for c, u, r in fake.site.role_assignments if c == course.id and r == EDITING_TEACHER})
    return {
        "id": course.id, "fullname": format_string(course.fullname), "displayname": format_string(course.fullname),
        "shortname": format_string(course.shortname),
        "courseimage": f"{fake.url}/pluginfile.php?file=%2F{course.contextid}%2Fcourse%2Fgenerated%2Fcourse.svg",
        "categoryid": course.category, "categoryname": format_string(category.name) if category else "",
        "sortorder": course.category * 10000 + course.id, "summary": course.summary,
        "summaryformat": course.summaryformat, "summaryfiles": [], "overviewfiles": [],
        "showactivitydates": course.showactivitydates, "showcompletionconditions": course.showcompletionconditions,
        "contacts": [{"id": u, "fullname": fake.site.users[u].fullname} for u in teachers],
        "enrollmentmethods": sorted({e.enrol for e in fake.site.enrol_instances.values() if e.courseid == course.id}),
    }


def course_record(fake: FakeMoodle, course: Course) -> dict[str, Any]:
    record = _course_summary(fake, course)
    if not fake.is_admin() or fake.denied_courses.get(course.id) == "":  # only the public information
        return record
    record.update(
        idnumber=course.idnumber, format=course.format, showgrades=course.showgrades, newsitems=course.newsitems,
        startdate=course.startdate, enddate=course.enddate, maxbytes=course.maxbytes, showreports=course.showreports,
        visible=course.visible, groupmode=course.groupmode, groupmodeforce=course.groupmodeforce,
        defaultgroupingid=course.defaultgroupingid, enablecompletion=course.enablecompletion,
        completionnotify=course.completionnotify, lang=course.lang, theme=course.theme, marker=0, legacyfiles=0,
        calendartype=course.calendartype, timecreated=course.timecreated, timemodified=course.timemodified,
        requested=0, cacherev=course.cacherev,
        filters=[{"filter": name, "localstate": 0, "inheritedstate": 1} for name in _FILTERS],
        courseformatoptions=[{"name": name, "value": value} for name, value in course.format_options.items()],
    )
    return record


def _select(fake: FakeMoodle, field: str, value: str) -> list[Course]:
    courses = [c for c in sorted(fake.site.courses.values(), key=lambda c: c.id)]
    if field == "":
        return courses
    if field == "id":
        return [c for c in courses if str(c.id) == value]
    if field == "ids":
        wanted = {part.strip() for part in value.split(",")}
        return [c for c in courses if str(c.id) in wanted]
    if field == "category":
        return [c for c in courses if str(c.category) == value]
    if field == "sectionid":
        section = fake.site.sections.get(int(value)) if value.isdigit() else None
        return [c for c in courses if section is not None and c.id == section.course]
    return [c for c in courses if getattr(c, field) == value]


def get_courses_by_field(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    field, value = params["field"], params["value"]
    if field not in ("", "id", "ids", "shortname", "idnumber", "category", "sectionid"):
        raise invalid_parameter("Invalid field name")
    found = [c for c in _select(fake, field, str(value)) if c.visible or fake.is_admin()]
    return {"courses": [course_record(fake, c) for c in found], "warnings": []}


def _check_unique(fake: FakeMoodle, shortname: str, idnumber: str, *, ignore: int | None = None) -> None:
    for other in fake.site.courses.values():
        if other.id == ignore:
            continue
        if other.shortname == shortname:
            raise moodle_exception("shortnametaken", f"Short name is already used for another course ({shortname})")
        if idnumber and other.idnumber == idnumber:
            raise moodle_exception("courseidnumbertaken",
                                   f"ID number is already used for another course ({idnumber})")


def _format_options(wanted: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {"hiddensections": 1, "coursedisplay": 0, "indentation": "1"}
    for option in wanted.get("courseformatoptions", []):
        options[option["name"]] = option["value"]
    for legacy in ("hiddensections",):
        if legacy in wanted:
            options[legacy] = wanted[legacy]
    return {name: int(value) if str(value).isdigit() and name != "indentation" else value
            for name, value in options.items()}


def create_courses(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    created = []
    for wanted in params["courses"]:
        if not fake.is_admin():
            raise no_permission("Create courses")
        must_exist(fake.site.categories, "course_categories", wanted["categoryid"], Category)
        _check_unique(fake, wanted["shortname"], wanted.get("idnumber", ""))
        if wanted.get("lang") and wanted["lang"] not in fake.site.languages:
            raise moodle_exception("errorinvalidparam", 'The param "lang" is invalid.')
        options = _format_options(wanted)
        numsections = options.pop("numsections", wanted.get("numsections"))
        fields = {key: wanted[key] for key in _UPDATABLE if key in wanted and key not in ("fullname", "shortname")}
        # Stamped with the real clock, as Moodle stamps a new course with its own: push compares it with the time of
        # its observation (how long cron has been missing); the fake's fixed clock would age every course by days.
        course = operations.create_course(
            fake.site, category=wanted["categoryid"], fullname=wanted["fullname"], shortname=wanted["shortname"],
            numsections=numsections, format_options=options, timecreated=int(time.time()), **fields,
        )
        created.append({"id": course.id, "shortname": course.shortname})
    return created


def update_courses(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    warnings = []
    for wanted in params["courses"]:
        try:
            _update_course(fake, wanted)
        except MoodleException as error:
            warnings.append({"item": "course", "itemid": wanted["id"], "warningcode": error.errorcode or "",
                             "message": error.message})
    return {"warnings": warnings}


def _update_course(fake: FakeMoodle, wanted: dict[str, Any]) -> None:
    course = fake.site.courses.get(wanted["id"])
    if course is None:
        raise moodle_exception("invalidrecord", "Can't find data record in database table course.")
    _check_unique(fake, wanted.get("shortname", course.shortname), wanted.get("idnumber", course.idnumber),
                  ignore=course.id)
    for key in _UPDATABLE:
        if key in wanted:
            setattr(course, key, wanted[key])
    if "categoryid" in wanted:
        course.category = wanted["categoryid"]
    if "courseformatoptions" in wanted:
        course.format_options.update(_format_options(wanted))
    course.timemodified = NOW
    operations.bump_cacherev(fake.site, course.id)  # update_course() always rebuilds the course cache


def import_course(fake: FakeMoodle, params: dict[str, Any]) -> None:
    source = get_course(fake, params["importfrom"])
    target = get_course(fake, params["importto"])
    if params["deletecontent"]:
        operations.remove_contents(fake.site, target.id)
    operations.copy_contents(fake.site, source.id, target.id, cut_after=fake.cut_off_units)


def delete_modules(fake: FakeMoodle, params: dict[str, Any]) -> None:
    """core_course_delete_modules: one by one, each read with MUST_EXIST (those before an unknown id are gone)."""
    for cmid in params["cmids"]:
        operations.delete_module(fake.site, must_exist(fake.site.cms, "course_modules", cmid, CourseModule))


def duplicate_course(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    source = get_course(fake, params["courseid"])
    clash = next((c for c in fake.site.courses.values() if c.shortname == params["shortname"]), None)
    if clash is not None:
        raise moodle_exception("shortnametaken", f"Short name is already used for another course ({clash.fullname})")
    options = option_map(params["options"])
    course = operations.create_course(
        fake.site, category=params["categoryid"], fullname=params["fullname"], shortname=params["shortname"],
        news_forum=False, visible=int(params["visible"]), summary=source.summary,
        summaryformat=source.summaryformat, format=source.format, format_options=dict(source.format_options),
        enablecompletion=source.enablecompletion, startdate=source.startdate, enddate=source.enddate,
        lang=source.lang,
    )
    operations.copy_contents(fake.site, source.id, course.id)
    if truthy(options.get("users", 0)):
        for courseid, userid, roleid in sorted(fake.site.role_assignments):
            if courseid == source.id:
                operations.enrol_user(fake.site, course.id, userid, roleid)
    return {"id": course.id, "shortname": course.shortname}


HANDLERS = {
    "core_course_get_courses_by_field": get_courses_by_field,
    "core_course_create_courses": create_courses,
    "core_course_update_courses": update_courses,
    "core_course_import_course": import_course,
    "core_course_delete_modules": delete_modules,
    "core_course_duplicate_course": duplicate_course,
}
