"""Reads the parts of Moodle a plan depends on, in as few requests as possible (read-only web-service calls).

Three rounds of independent reads, each batched through `MoodleClient.read_many`: lookups, per-course state, posts.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from lms_sync.desired import DesiredCourse
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleError
from lms_sync.observed import (
    ObservedCategory,
    ObservedCourse,
    ObservedEvent,
    ObservedModule,
    ObservedSection,
    ObservedSite,
    ObservedUser,
)

log = logging.getLogger("lms_sync.observe")
_FAR_FUTURE = 4102444800  # 2100-01-01: calendar reads need an upper bound


def text(value: Any) -> str:
    """Moodle returns formatted names HTML-escaped (`&amp;`); compare them as the plain text they are."""
    return html.unescape(str(value or "")).strip()


def checked(result: Any) -> Any:
    """A `read_many` result, or its error raised."""
    if isinstance(result, MoodleError):
        raise result
    return result


def _course(record: dict[str, Any]) -> ObservedCourse:
    return ObservedCourse(
        id=int(record["id"]),
        idnumber=str(record.get("idnumber") or ""),
        shortname=text(record.get("shortname")),
        fullname=text(record.get("fullname")),
        summary=str(record.get("summary") or "").strip(),
        startdate=int(record.get("startdate") or 0),
        enddate=int(record.get("enddate") or 0),
        categoryid=int(record.get("categoryid") or 0),
    )


def add_contents(course: ObservedCourse, sections: Sequence[dict[str, Any]]) -> None:
    """Sections and modules from a `core_course_get_contents` answer, names unescaped."""
    for section in sections:
        number = int(section.get("section", 0))
        course.sections.append(ObservedSection(id=int(section["id"]), number=number, name=text(section.get("name"))))
        course.modules.extend(
            ObservedModule(id=int(m["id"]), modname=str(m.get("modname", "")), name=text(m.get("name")), section=number)
            for m in section.get("modules", [])
        )


def _add_enrolled(course: ObservedCourse, users: Sequence[dict[str, Any]]) -> None:
    for user in users:
        user_id = int(user["id"])
        course.active_roles[user_id] = {int(role["roleid"]) for role in user.get("roles", [])}
        for group in user.get("groups", []):
            course.group_members.setdefault(int(group["id"]), set()).add(user_id)


def _add_groups(course: ObservedCourse, groups: Sequence[dict[str, Any]]) -> None:
    for group in groups:
        course.groups[str(group.get("idnumber") or text(group.get("name")))] = int(group["id"])


def observe(client: MoodleClient, courses: Sequence[DesiredCourse]) -> ObservedSite:
    """Everything `plan.diff` needs to know about `courses` on the site."""
    site = ObservedSite(ws_userid=int(client.site_info()["userid"]))
    run_idnumbers = [course.idnumber for course in courses]
    blueprint_idnumbers = sorted({course.blueprint_idnumber for course in courses})
    emails = sorted({person.email for course in courses for person in (*course.trainers, *course.participants)})
    email_chunks = list(client.chunks("values", emails, field="email"))

    lookups: list[tuple[str, dict[str, Any]]] = [("core_course_get_categories", {"addsubcategories": 0})]
    lookups += [("core_course_get_courses_by_field", {"field": "idnumber", "value": v})
                for v in (*run_idnumbers, *blueprint_idnumbers)]
    lookups += [("core_user_get_users_by_field", {"field": "email", "values": chunk}) for chunk in email_chunks]
    results = client.read_many(lookups)

    site.categories = [
        ObservedCategory(id=int(c["id"]), name=text(c.get("name")), idnumber=str(c.get("idnumber") or ""),
                         parent=int(c.get("parent") or 0))
        for c in checked(results[0])
    ]
    found = [checked(r)["courses"] for r in results[1:1 + len(run_idnumbers) + len(blueprint_idnumbers)]]
    for idnumber, records in zip(run_idnumbers, found[:len(run_idnumbers)], strict=True):
        if records:
            site.courses[idnumber] = _course(records[0])
    for idnumber, records in zip(blueprint_idnumbers, found[len(run_idnumbers):], strict=True):
        if records:
            site.blueprints[idnumber] = _course(records[0])
    for users in results[1 + len(found):]:
        _add_users(site, checked(users))
    _find_differently_cased(client, site, [email for email in emails if email not in site.users_by_email])
    _observe_courses(client, list(site.courses.values()), list(site.blueprints.values()))
    return site


def _add_users(site: ObservedSite, users: Sequence[dict[str, Any]], only: str | None = None) -> None:
    for user in users:
        email = str(user.get("email", "")).lower()
        if only is None or email == only:
            site.users_by_email.setdefault(email, []).append(ObservedUser(
                id=int(user["id"]), email=email, username=str(user.get("username", "")),
                fullname=text(user.get("fullname")),
            ))


def _find_differently_cased(client: MoodleClient, site: ObservedSite, emails: Sequence[str]) -> None:
    """Accounts whose email Moodle stores as `Anna.Schmidt@…`: the exact lookup misses them on PostgreSQL.

    `core_user_get_users` matches email case-insensitively (SQL LIKE, so results are filtered to the exact
    address); asked only for emails the exact lookup did not find, so an unchanged world costs nothing extra.
    """
    calls = [("core_user_get_users", {"criteria": [{"key": "email", "value": email}]}) for email in emails]
    for email, answer in zip(emails, client.read_many(calls), strict=True):
        _add_users(site, checked(answer).get("users", []), only=email)


def _observe_courses(client: MoodleClient, runs: list[ObservedCourse], blueprints: Iterable[ObservedCourse]) -> None:
    if not runs and not blueprints:
        return
    blueprints = list(blueprints)
    calls: list[tuple[str, dict[str, Any]]] = [("core_course_get_contents", {"courseid": c.id}) for c in (*runs, *blueprints)]
    for course in runs:
        calls.append(("core_enrol_get_enrolled_users", {"courseid": course.id, "options": [
            {"name": "onlyactive", "value": 1}, {"name": "userfields", "value": "id,roles,groups"}]}))
        calls.append(("core_group_get_course_groups", {"courseid": course.id}))
    if runs:
        ids = [c.id for c in runs]
        calls.append(("mod_forum_get_forums_by_courses", {"courseids": ids}))
        calls.append(("core_calendar_get_calendar_events", {
            "events": {"courseids": ids},
            "options": {"userevents": 0, "siteevents": 0, "timestart": 0, "timeend": _FAR_FUTURE},
        }))
    results = iter(client.read_many(calls))
    for course in (*runs, *blueprints):
        add_contents(course, checked(next(results)))
    for course in runs:
        _add_enrolled(course, checked(next(results)))
        _add_groups(course, checked(next(results)))
    if not runs:
        return
    by_id = {c.id: c for c in runs}
    for forum in checked(next(results)):
        owner = by_id.get(int(forum.get("course", 0)))
        if owner is not None and forum.get("type") == "news":
            owner.news_forum_id = owner.news_forum_id or int(forum["id"])
            owner.news_forum_cmids.add(int(forum.get("cmid", 0)))
    for event in checked(next(results)).get("events", []):
        owner = by_id.get(int(event.get("courseid") or 0))
        if owner is not None and event.get("eventtype") == "course":
            owner.events.append(ObservedEvent(id=int(event["id"]), name=text(event.get("name")),
                                               timestart=int(event.get("timestart", 0)),
                                               timeduration=int(event.get("timeduration", 0)),
                                               userid=int(event.get("userid") or 0)))
    _observe_posts(client, [c for c in runs if c.news_forum_id is not None])


def _observe_posts(client: MoodleClient, courses: list[ObservedCourse]) -> None:
    calls = [("mod_forum_get_forum_discussions", {"forumid": c.news_forum_id, "perpage": 100}) for c in courses]
    for course, answer in zip(courses, client.read_many(calls), strict=True):
        for discussion in checked(answer).get("discussions", []):
            course.post_subjects.add(text(discussion.get("subject") or discussion.get("name")))
