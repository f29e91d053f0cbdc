"""Reads the parts of Moodle a plan depends on, in as few requests as possible (read-only web-service calls).

Rounds of independent reads, each batched through `MoodleClient.read_many`: categories; courses; enrolments, forums
and events of all run courses at once; then only what is still open — contents and welcome posts the observation
cache does not vouch for, the members' groups, accounts of people not enrolled yet, group lists lacking a group.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleError
from lms_sync.moodle.fields import text
from lms_sync.push.desired import DesiredCourse
from lms_sync.push.observed import (
    ObservedCategory,
    ObservedCourse,
    ObservedEvent,
    ObservedGroup,
    ObservedModule,
    ObservedSection,
    ObservedSite,
    ObservedUser,
)
from lms_sync.records.observation_cache import ObservationCache

log = logging.getLogger(__name__)
_FAR_FUTURE = 4102444800  # 2100-01-01: calendar reads need an upper bound
ENROLLED_USERS = "core_enrol_get_enrolled_users_with_capability"
GROUPS_BY_ID = "core_group_get_groups"
# Moodle's get_enrolled_sql applies no capability filter for an empty capability: every enrolled user.
_ANY_CAPABILITY = ""
# Only what push needs (Moodle adds fullname): who is enrolled with which roles, in which groups, under which email.
_USER_FIELDS = "id,email,roles,groups"
_LIST_FROM_RUNS = 3  # without the batch function, list a category holding this many of the runs

Call = tuple[str, dict[str, Any]]


def checked(result: Any) -> Any:
    """A `read_many` result, or its error raised."""
    if isinstance(result, MoodleError):
        raise result
    return result


def by_field(field: str, value: str) -> Call:
    return "core_course_get_courses_by_field", {"field": field, "value": value}


def course_from(record: dict[str, Any]) -> ObservedCourse:
    """An `ObservedCourse` from a `core_course_get_courses_by_field` record."""
    return ObservedCourse(
        id=int(record["id"]),
        idnumber=str(record.get("idnumber") or ""),
        shortname=text(record.get("shortname")),
        fullname=text(record.get("fullname")),
        summary=str(record.get("summary") or "").strip(),
        startdate=int(record.get("startdate") or 0),
        enddate=int(record.get("enddate") or 0),
        categoryid=int(record.get("categoryid") or 0),
        cacherev=int(record.get("cacherev") or 0),
    )


def subject_digest(subject: str) -> str:
    """How the observation cache keeps a discussion subject: enough to recognise lms-sync's own, unreadable."""
    return hashlib.sha256(subject.encode()).hexdigest()


def contents_payload(sections: Sequence[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    """Sections and modules from a `core_course_get_contents` answer, names unescaped, as the cache stores them."""
    return {
        "sections": [[int(s["id"]), int(s.get("section", 0)), text(s.get("name"))] for s in sections],
        "modules": [[int(m["id"]), str(m.get("modname", "")), text(m.get("name")), int(s.get("section", 0))]
                    for s in sections for m in s.get("modules", [])],
    }


def add_contents(course: ObservedCourse, payload: dict[str, list[list[Any]]]) -> None:
    course.sections = [ObservedSection(id=i, number=n, name=name) for i, n, name in payload["sections"]]
    course.modules = [ObservedModule(id=i, modname=m, name=name, section=n) for i, m, name, n in payload["modules"]]


def observe(client: MoodleClient, courses: Sequence[DesiredCourse], *, cache: ObservationCache | None = None,
            all_groups: bool = False) -> ObservedSite:
    """Everything `plan.diff` needs to know about `courses` on the site.

    `cache` saves re-reading contents and discussions Moodle reports unchanged; `all_groups` reads every group of
    every run course (for pruning), not only the groups that have members.
    """
    site = ObservedSite(ws_userid=int(client.site_info()["userid"]))
    site.categories = [
        ObservedCategory(id=int(c["id"]), name=text(c.get("name")), idnumber=str(c.get("idnumber") or ""),
                         parent=int(c.get("parent") or 0))
        for c in client.call("core_course_get_categories", addsubcategories=0)
    ]
    _find_courses(client, site, courses)
    runs = [site.courses[c.idnumber] for c in courses if c.idnumber in site.courses]
    if runs:
        _read_run_state(client, site, runs)
    _read_what_is_open(client, site, courses, cache, all_groups)
    return site


def _find_courses(client: MoodleClient, site: ObservedSite, courses: Sequence[DesiredCourse]) -> None:
    """Run courses by idnumber: one request with the batch function. Without it, a category holding several of the
    runs is listed in one request instead (its past runs make that answer longer, not the requests more)."""
    categories = {c.idnumber: site.category_by_idnumber(c.category_idnumber) for c in courses}
    runs_in = Counter(category.id for category in categories.values() if category is not None)
    listed = [] if client.batches_reads() else sorted(i for i, runs in runs_in.items() if runs >= _LIST_FROM_RUNS)
    blueprints = sorted({c.blueprint_idnumber for c in courses})
    single = [idnumber for idnumber, category in categories.items() if category is None or category.id not in listed]
    calls = [by_field("category", str(i)) for i in listed] + [by_field("idnumber", v) for v in (*blueprints, *single)]
    results = [checked(r)["courses"] for r in client.read_many(calls)]
    for records in results[:len(listed)]:
        for record in records:
            if record.get("idnumber") in categories:
                site.courses[str(record["idnumber"])] = course_from(record)
    for idnumber, records in zip((*blueprints, *single), results[len(listed):], strict=True):
        if records:
            found = site.blueprints if idnumber in blueprints else site.courses
            found[idnumber] = course_from(records[0])
    moved = [idnumber for idnumber in categories if idnumber not in site.courses and idnumber not in single]
    for idnumber, answer in zip(moved, client.read_many([by_field("idnumber", v) for v in moved]), strict=True):
        if records := checked(answer)["courses"]:
            site.courses[idnumber] = course_from(records[0])


def _read_run_state(client: MoodleClient, site: ObservedSite, runs: list[ObservedCourse]) -> None:
    """Enrolled users with their roles and groups, forums and course events, for all run courses at once."""
    by_id = {c.id: c for c in runs}
    ids = sorted(by_id)
    enrolled = _enrolled_users_calls(client, ids)
    calls = [*enrolled, ("mod_forum_get_forums_by_courses", {"courseids": ids}),
             ("core_calendar_get_calendar_events", {
                 "events": {"courseids": ids},
                 "options": {"userevents": 0, "siteevents": 0, "timestart": 0, "timeend": _FAR_FUTURE}})]
    results = client.read_many(calls)
    for (wsfunction, params), answer in zip(enrolled, results, strict=False):
        entries = checked(answer) if wsfunction == ENROLLED_USERS else [
            {"courseid": params["courseid"], "users": checked(answer)}]
        for entry in entries:
            _add_enrolled(site, by_id[int(entry["courseid"])], entry.get("users", []))
    for forum in checked(results[-2]):
        owner = by_id.get(int(forum.get("course", 0)))
        if owner is not None and forum.get("type") == "news" and owner.news_forum_id is None:
            owner.news_forum_id = int(forum["id"])
            owner.news_forum_discussions = int(forum.get("numdiscussions") or 0)
        if owner is not None and forum.get("type") == "news":
            owner.news_forum_cmids.add(int(forum.get("cmid", 0)))
    for event in checked(results[-1]).get("events", []):
        owner = by_id.get(int(event.get("courseid") or 0))
        if owner is not None and event.get("eventtype") == "course":
            owner.events.append(ObservedEvent(id=int(event["id"]), name=text(event.get("name")),
                                               timestart=int(event.get("timestart", 0)),
                                               timeduration=int(event.get("timeduration", 0)),
                                               userid=int(event.get("userid") or 0)))


def _enrolled_users_calls(client: MoodleClient, course_ids: Sequence[int]) -> list[Call]:
    """Every course's enrolled users in one call where the service offers it, else one call per course."""
    options = [{"name": "onlyactive", "value": 1}, {"name": "userfields", "value": _USER_FIELDS}]
    if ENROLLED_USERS not in client.site_functions():
        return [("core_enrol_get_enrolled_users", {"courseid": i, "options": options}) for i in course_ids]
    wanted = [{"courseid": i, "capabilities": [_ANY_CAPABILITY]} for i in course_ids]
    return [(ENROLLED_USERS, {"coursecapabilities": chunk, "options": options})
            for chunk in client.chunks("coursecapabilities", wanted, options=options)]


def _add_enrolled(site: ObservedSite, course: ObservedCourse, users: Sequence[dict[str, Any]]) -> None:
    for user in users:
        user_id = int(user["id"])
        course.active_roles[user_id] = {int(role["roleid"]) for role in user.get("roles", [])}
        for group in user.get("groups", []):
            group_id = int(group["id"])
            course.groups.setdefault(group_id, ObservedGroup(id=group_id, name=text(group.get("name")), idnumber=None))
            course.group_members.setdefault(group_id, set()).add(user_id)
        if user.get("email"):
            _add_users(site, [user])


def _add_users(site: ObservedSite, users: Sequence[dict[str, Any]], only: str | None = None) -> None:
    for user in users:
        email = str(user.get("email", "")).lower()
        known = site.users_by_email.setdefault(email, []) if only is None or email == only else None
        if known is not None and all(account.id != int(user["id"]) for account in known):
            known.append(ObservedUser(id=int(user["id"]), email=email, username=str(user.get("username", "")),
                                      fullname=text(user.get("fullname"))))


def _read_what_is_open(client: MoodleClient, site: ObservedSite, courses: Sequence[DesiredCourse],
                       cache: ObservationCache | None, all_groups: bool) -> None:
    """Contents and welcome posts the cache cannot vouch for, the idnumbers of the members' groups, unknown accounts."""
    runs = [(desired, site.courses[desired.idnumber]) for desired in courses if desired.idnumber in site.courses]
    contents = cache.get_many("contents", {c.id: c.cacherev for _, c in runs}) if cache else {}
    welcome = {c.news_forum_id: (d.welcome.subject, c) for d, c in runs
               if d.welcome and c.news_forum_id is not None and c.news_forum_discussions}
    stored = cache.get_many("discussions", {f: c.news_forum_discussions for f, (_, c) in welcome.items()}) if cache else {}
    # The cache may only confirm that the welcome post is there; whether it is missing is always read from Moodle.
    confirmed = {f for f, digests in stored.items() if subject_digest(welcome[f][0]) in digests}
    unread = [c for _, c in runs if c.id not in contents]
    forums_unread = [forum for forum in welcome if forum not in confirmed]
    if cache:
        log.info("observation cache: contents of %d of %d courses, welcome post of %d of %d; reading the rest",
                 len(runs) - len(unread), len(runs), len(confirmed), len(welcome))
    by_ids = GROUPS_BY_ID in client.site_functions()  # else each course's group list is read below
    group_chunks = list(client.chunks("groupids", sorted({g for _, c in runs for g in c.groups}))) if by_ids else []
    emails = sorted({p.email for c in courses for p in (*c.trainers, *c.participants)} - set(site.users_by_email))
    email_chunks = list(client.chunks("values", emails, field="email"))
    calls: list[Call] = [("core_course_get_contents", {"courseid": c.id}) for c in unread]
    calls += [(GROUPS_BY_ID, {"groupids": chunk}) for chunk in group_chunks]
    calls += [("mod_forum_get_forum_discussions", {"forumid": forum, "perpage": 100}) for forum in forums_unread]
    calls += [("core_user_get_users_by_field", {"field": "email", "values": chunk}) for chunk in email_chunks]
    results = iter(client.read_many(calls))
    for course in unread:
        contents[course.id] = contents_payload(checked(next(results)))
    for _ in group_chunks:
        _add_groups(site, checked(next(results)))
    subjects = {forum: {text(d.get("subject") or d.get("name")) for d in checked(next(results)).get("discussions", [])}
                for forum in forums_unread}
    for _ in email_chunks:
        _add_users(site, checked(next(results)))
    for _, course in runs:
        add_contents(course, contents[course.id])
    for forum, (subject, course) in welcome.items():
        course.post_subjects = {subject} if forum in confirmed else subjects[forum]
    if cache:
        cache.put_many("contents", {c.id: (c.cacherev, contents[c.id]) for c in unread})
        cache.put_many("discussions", {f: (welcome[f][1].news_forum_discussions,
                                           [subject_digest(welcome[f][0])] if welcome[f][0] in subjects[f] else [])
                                       for f in forums_unread})
    _read_group_lists(client, [c for d, c in runs
                               if all_groups or (c.groups and not by_ids) or _lacks_a_group(d, c)])
    _find_differently_cased(client, site, [email for email in emails if email not in site.users_by_email])


def _group_from(record: dict[str, Any]) -> ObservedGroup:
    """An `ObservedGroup` from Moodle's group description (core_group_get_groups, core_group_get_course_groups)."""
    return ObservedGroup(id=int(record["id"]), name=text(record.get("name")), idnumber=str(record.get("idnumber") or ""))


def _add_groups(site: ObservedSite, groups: Sequence[dict[str, Any]]) -> None:
    by_id = {c.id: c for c in site.courses.values()}
    for group in groups:
        owner = by_id.get(int(group.get("courseid") or 0))
        if owner is not None:
            owner.groups[int(group["id"])] = _group_from(group)


def _lacks_a_group(desired: DesiredCourse, course: ObservedCourse) -> bool:
    """A wanted Kleingruppe is not among the groups that have members (it may exist, empty)."""
    return any(course.group_id(desired.group_idnumber(n), name) is None
               for n, name in enumerate(desired.group_names, start=1))


def _read_group_lists(client: MoodleClient, courses: Sequence[ObservedCourse]) -> None:
    answers = client.read_many([("core_group_get_course_groups", {"courseid": c.id}) for c in courses])
    for course, answer in zip(courses, answers, strict=True):
        course.groups = {int(g["id"]): _group_from(g) for g in checked(answer)}


def _find_differently_cased(client: MoodleClient, site: ObservedSite, emails: Sequence[str]) -> None:
    """Accounts whose email Moodle stores as `Anna.Schmidt@…`: the exact lookup misses them on PostgreSQL.

    `core_user_get_users` matches email case-insensitively (SQL LIKE, so results are filtered to the exact
    address); asked only for emails the exact lookup did not find, so an unchanged world costs nothing extra.
    """
    calls = [("core_user_get_users", {"criteria": [{"key": "email", "value": email}]}) for email in emails]
    for email, answer in zip(emails, client.read_many(calls), strict=True):
        _add_users(site, checked(answer).get("users", []), only=email)
