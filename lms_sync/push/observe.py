"""Reads the parts of Moodle a plan depends on, in as few requests as possible (read-only web-service calls).

Rounds of independent reads, each batched through `MoodleClient.read_many`: categories; courses and competency
frameworks; enrolments, forums and events of all run courses at once; then only what is still open — contents and
welcome posts the observation cache does not vouch for, the members' groups, accounts of people not enrolled yet,
competencies and course links, group lists lacking a group, and for courses still to create whether their shortname
is taken and their language installed.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from lms_sync.moodle.api import calendar, contents, courses, feedback, forums, groups, languages, people
from lms_sync.moodle.api.calls import Call, ask, checked
from lms_sync.moodle.client import MoodleClient
from lms_sync.push.desired import DesiredCourse
from lms_sync.push.observe_competencies import detail_reads, framework_reads
from lms_sync.push.observed import (
    ObservedCategory,
    ObservedCourse,
    ObservedGroup,
    ObservedModule,
    ObservedSection,
    ObservedSite,
    ObservedUser,
)
from lms_sync.records.observation_cache import ObservationCache

log = logging.getLogger(__name__)
# Only what push needs (Moodle adds fullname): who is enrolled with which roles, in which groups, under which email.
_USER_FIELDS = "id,email,roles,groups"
_LIST_FROM_RUNS = 3  # without the batch function, list a category holding this many of the runs


def course_from(record: courses.Course) -> ObservedCourse:
    return ObservedCourse(record)


def subject_digest(subject: str) -> str:
    """How the observation cache keeps a discussion subject: enough to recognise lms-sync's own, unreadable."""
    return hashlib.sha256(subject.encode()).hexdigest()


def contents_payload(answer: Sequence[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    """Sections and modules from a contents answer, names unescaped, as the cache stores them."""
    return _payload(contents.sections_from(answer), contents.modules_from(answer))


def _payload(sections: Sequence[ObservedSection], modules: Sequence[ObservedModule]) -> dict[str, list[list[Any]]]:
    return {"sections": [[s.id, s.number, s.name] for s in sections],
            "modules": [[m.id, m.modname, m.name, m.section, m.instance, m.groupmode] for m in modules]}


def _complete(payload: dict[str, list[list[Any]]]) -> bool:
    """A cached payload of an older lms-sync lacks the modules' instance ids and group modes: read it again."""
    return all(len(module) == 6 for module in payload["modules"])


def add_contents(course: ObservedCourse, payload: dict[str, list[list[Any]]]) -> None:
    course.sections = [ObservedSection(id=i, number=n, name=name) for i, n, name in payload["sections"]]
    course.modules = [ObservedModule(id=i, modname=m, name=name, section=n, instance=instance, groupmode=mode)
                      for i, m, name, n, instance, mode in payload["modules"]]


def observe(client: MoodleClient, wanted: Sequence[DesiredCourse], *, cache: ObservationCache | None = None,
            all_groups: bool = False) -> ObservedSite:
    """Everything `plan.diff` needs to know about the `wanted` courses on the site.

    `cache` saves re-reading contents and discussions Moodle reports unchanged; `all_groups` reads every group of
    every run course (for pruning), not only the groups that have members.
    """
    site = ObservedSite(ws_userid=int(client.site_info()["userid"]))
    site.categories = _usable_categories(courses.categories_from(ask(client, courses.categories())), wanted)
    _find_courses(client, site, wanted)
    runs = [site.courses[c.idnumber] for c in wanted if c.idnumber in site.courses]
    if runs:
        _read_run_state(client, site, runs)
    _read_what_is_open(client, site, wanted, cache, all_groups)
    return site


def _usable_categories(found: Sequence[ObservedCategory], wanted: Sequence[DesiredCourse]) -> list[ObservedCategory]:
    """The categories the wanted courses can use, by idnumber or by name (one without idnumber is adopted by name):
    another category made on the site is no part of the observation, so it does not make a saved plan stale."""
    idnumbers = {c.idnumber for course in wanted for c in course.categories}
    names = {c.name for course in wanted for c in course.categories}
    return [c for c in found if c.idnumber in idnumbers or c.name in names]


def _find_courses(client: MoodleClient, site: ObservedSite, wanted: Sequence[DesiredCourse]) -> None:
    """Run courses by idnumber: one request with the batch function. Without it, a category holding several of the
    runs is listed in one request instead (its past runs make that answer longer, not the requests more)."""
    categories = {c.idnumber: site.category_by_idnumber(c.category_idnumber) for c in wanted}
    runs_in = Counter(category.id for category in categories.values() if category is not None)
    listed = [] if client.batches_reads() else sorted(i for i, runs in runs_in.items() if runs >= _LIST_FROM_RUNS)
    blueprints = sorted({c.blueprint_idnumber for c in wanted})
    single = [idnumber for idnumber, category in categories.items() if category is None or category.id not in listed]
    calls = [courses.by_field("category", str(i)) for i in listed]
    calls += [courses.by_field("idnumber", v) for v in (*blueprints, *single)]
    frameworks = framework_reads(site, wanted)  # independent of the courses: in the same request
    answers = client.read_many([*calls, *(call for call, _ in frameworks)])
    for (_, found_framework), answer in zip(frameworks, answers[len(calls):], strict=True):
        found_framework(answer)
    results = [courses.courses_from(checked(r)) for r in answers[:len(calls)]]
    for found in results[:len(listed)]:
        for course in found:
            if course.idnumber in categories:
                site.courses[course.idnumber] = course_from(course)
    for idnumber, found in zip((*blueprints, *single), results[len(listed):], strict=True):
        if found:
            (site.blueprints if idnumber in blueprints else site.courses)[idnumber] = course_from(found[0])
    moved = [idnumber for idnumber in categories if idnumber not in site.courses and idnumber not in single]
    for idnumber, answer in zip(moved, client.read_many([courses.by_field("idnumber", v) for v in moved]), strict=True):
        if found := courses.courses_from(checked(answer)):
            site.courses[idnumber] = course_from(found[0])


def _read_run_state(client: MoodleClient, site: ObservedSite, runs: list[ObservedCourse]) -> None:
    """Enrolled users with their roles and groups, forums and course events, for all run courses at once."""
    by_id = {c.course.id: c for c in runs}
    ids = sorted(by_id)
    enrolled = _enrolled_users_calls(client, ids)
    # The blueprints' announcements forums too: an import brings a blueprint's own, which is no activity to count.
    with_forums = by_id | {b.course.id: b for b in site.blueprints.values()}
    results = client.read_many([*enrolled, forums.of_courses(sorted(with_forums)), calendar.course_events(ids)])
    for call, answer in zip(enrolled, results, strict=False):
        for entry in people.enrolled_from(call, checked(answer)):
            _add_enrolled(site, by_id[entry.courseid], entry)
    for forum in forums.forums_from(checked(results[-2])):
        owner = with_forums.get(forum.courseid)
        if owner is not None and forum.type == "news":
            if owner.news_forum_id is None:
                owner.news_forum_id, owner.news_forum_discussions = forum.id, forum.discussions
                owner.news_forum_cmid, owner.news_forum_name = forum.cmid, forum.name
            owner.news_forum_cmids.add(forum.cmid)
    events = checked(results[-1])
    for event in calendar.course_events_from(events):
        if (owner := by_id.get(event.courseid)) is not None:
            owner.events.append(event)
    for activity_event in calendar.activity_events_from(events):
        if (owner := by_id.get(activity_event.courseid)) is not None:
            owner.activity_events.append(activity_event)


def _enrolled_users_calls(client: MoodleClient, course_ids: Sequence[int]) -> list[Call]:
    """Every course's enrolled users in one call where the service offers it, else one call per course."""
    options: list[dict[str, Any]] = [{"name": "onlyactive", "value": 1}, {"name": "userfields", "value": _USER_FIELDS}]
    if people.ENROLLED_USERS_OF_COURSES not in client.site_functions():
        return [people.enrolled_users(i, options) for i in course_ids]
    wanted = people.enrolled_users_of_courses(course_ids)
    return [people.enrolled_in(chunk, options)
            for chunk in client.chunks("coursecapabilities", wanted, options=options)]


def _add_enrolled(site: ObservedSite, course: ObservedCourse, entry: people.Enrolled) -> None:
    course.active_roles[entry.userid] = set(entry.roleids)
    for group_id, name in entry.groups:
        course.groups.setdefault(group_id, ObservedGroup(id=group_id, name=name, idnumber=None))
        course.group_members.setdefault(group_id, set()).add(entry.userid)
    if entry.user is not None:
        _add_users(site, [entry.user])


def _add_users(site: ObservedSite, users: Sequence[ObservedUser], only: str | None = None) -> None:
    for user in users:
        known = site.users_by_email.setdefault(user.email, []) if only is None or user.email == only else None
        if known is not None and all(account.id != user.id for account in known):
            known.append(user)


def _read_what_is_open(client: MoodleClient, site: ObservedSite, wanted: Sequence[DesiredCourse],
                       cache: ObservationCache | None, all_groups: bool) -> None:
    """Contents and welcome posts the cache cannot vouch for, the idnumbers of the members' groups, unknown accounts."""
    runs = [(desired, site.courses[desired.idnumber]) for desired in wanted if desired.idnumber in site.courses]
    payloads = cache.get_many("contents", {c.course.id: c.course.cacherev for _, c in runs}) if cache else {}
    payloads = {course_id: payload for course_id, payload in payloads.items() if _complete(payload)}
    welcome = {c.news_forum_id: (d.welcome.subject, c) for d, c in runs
               if d.welcome and c.news_forum_id is not None and c.news_forum_discussions}
    stored = cache.get_many("discussions", {f: c.news_forum_discussions for f, (_, c) in welcome.items()}) if cache else {}
    # The cache may only confirm that the welcome post is there; whether it is missing is always read from Moodle.
    confirmed = {f for f, digests in stored.items() if subject_digest(welcome[f][0]) in digests}
    unread = [c for _, c in runs if c.course.id not in payloads]
    payloads_cached = set(payloads)
    forums_unread = [forum for forum in welcome if forum not in confirmed]
    if cache:
        log.info("observation cache: contents of %d of %d courses, welcome post of %d of %d; reading the rest",
                 len(runs) - len(unread), len(runs), len(confirmed), len(welcome))
    by_ids = groups.GROUPS_BY_ID in client.site_functions()  # else each course's group list is read below
    group_chunks = list(client.chunks("groupids", sorted({g for _, c in runs for g in c.groups}))) if by_ids else []
    emails = sorted({p.email for c in wanted for p in (*c.trainers, *c.participants)} - set(site.users_by_email))
    email_chunks = list(client.chunks("values", emails, field="email"))
    calls: list[Call] = [contents.contents(c.course.id) for c in unread]
    calls += [groups.by_ids(chunk) for chunk in group_chunks]
    pages = [(forum, call) for forum in forums_unread
             for call in forums.discussions(forum, welcome[forum][1].news_forum_discussions)]
    calls += [call for _, call in pages]
    calls += [people.users_by_email(chunk) for chunk in email_chunks]
    new = [c for c in wanted if c.idnumber not in site.courses]
    langs = sorted({c.lang for c in new if c.lang}) if languages.LANGUAGE_NAME in client.site_functions() else []
    calls += [courses.by_field("shortname", c.shortname) for c in new]
    calls += [languages.language_name(lang) for lang in langs]
    competencies = detail_reads(site, wanted)
    calls += [call for call, _ in competencies]
    results = iter(client.read_many(calls))
    for course in unread:
        payloads[course.course.id] = contents_payload(checked(next(results)))
    for _ in group_chunks:
        _add_groups(site, groups.groups_from(checked(next(results))))
    subjects: dict[int, set[str]] = {forum: set() for forum in forums_unread}
    for forum, _ in pages:
        subjects[forum] |= forums.subjects_from(checked(next(results)))
    for _ in email_chunks:
        _add_users(site, people.users_from(checked(next(results))))
    for desired in new:
        if holders := courses.courses_from(checked(next(results))):
            site.shortname_holders[desired.shortname] = course_from(holders[0])
    for lang in langs:
        if languages.has_no_pack(next(results)):
            site.missing_languages.add(lang)
    for _, read in competencies:
        read(next(results))
    for _, course in runs:
        add_contents(course, payloads[course.course.id])
    for forum, (subject, course) in welcome.items():
        course.post_subjects = {subject} if forum in confirmed else subjects[forum]
    if cache:
        cache.put_many("discussions", {f: (welcome[f][1].news_forum_discussions,
                                           [subject_digest(welcome[f][0])] if welcome[f][0] in subjects[f] else [])
                                       for f in forums_unread})
    _read_group_lists(client, [c for d, c in runs
                               if all_groups or (c.groups and not by_ids) or _lacks_a_group(d, c)])
    _find_differently_cased(client, site, [email for email in emails if email not in site.users_by_email])
    read_anew = [(d, c) for d, c in runs if c.course.id not in payloads_cached]
    _read_blueprint_sections(client, site, wanted, cache, {d.blueprint_idnumber for d, _ in read_anew})
    _check_imports(client, site, read_anew, cache)


def _check_imports(client: MoodleClient, site: ObservedSite, read_anew: Sequence[tuple[DesiredCourse, ObservedCourse]],
                   cache: ObservationCache | None) -> None:
    """Questionnaire items of the courses whose contents were read anew (and of their blueprints), so plan can tell
    a complete import from one a crash cut off; then the contents of the complete ones go into the cache.

    A cut-off import is never cached: the cache would hide its missing items from the next push.
    """
    pairs = [(c, site.blueprints[d.blueprint_idnumber]) for d, c in read_anew
             if c.content_modules() and d.blueprint_idnumber in site.blueprints]
    counted = list({id(c): c for pair in pairs for c in pair}.values())
    feedbacks = [(c, m.instance) for c in counted for m in c.content_modules() if m.modname == "feedback"]
    answers = client.read_many([feedback.items(instance) for _, instance in feedbacks])
    for course in counted:
        course.feedback_items = 0
    for (course, _), answer in zip(feedbacks, answers, strict=True):
        course.feedback_items = (course.feedback_items or 0) + feedback.item_count(checked(answer))
    if cache:
        blueprints = {d.idnumber: site.blueprints.get(d.blueprint_idnumber) for d, _ in read_anew}
        cache.put_many("contents", {c.course.id: (c.course.cacherev, _payload(c.sections, c.modules)) for d, c in read_anew
                                    if not c.missing_after_import(blueprints[d.idnumber])})


def _read_blueprint_sections(client: MoodleClient, site: ObservedSite, wanted: Sequence[DesiredCourse],
                             cache: ObservationCache | None, checking: set[str]) -> None:
    """The contents of the blueprints an import is about to copy (their section names tell which sections push
    renames) or that a course read anew is compared with (`checking`: was its import complete?).

    Only for runs whose course is missing, has no activities yet or was not in the cache, so an unchanged world
    reads nothing more.
    """
    importing = checking | {d.blueprint_idnumber for d in wanted
                            if d.idnumber not in site.courses or not site.courses[d.idnumber].content_modules()}
    blueprints = [site.blueprints[i] for i in sorted(importing) if i in site.blueprints]
    payloads = cache.get_many("contents", {b.course.id: b.course.cacherev for b in blueprints}) if cache else {}
    payloads = {course_id: payload for course_id, payload in payloads.items() if _complete(payload)}
    unread = [b for b in blueprints if b.course.id not in payloads]
    for blueprint, answer in zip(unread, client.read_many([contents.contents(b.course.id) for b in unread]), strict=True):
        payloads[blueprint.course.id] = contents_payload(checked(answer))
    for blueprint in blueprints:
        add_contents(blueprint, payloads[blueprint.course.id])
    if cache:
        cache.put_many("contents", {b.course.id: (b.course.cacherev, payloads[b.course.id]) for b in unread})


def _add_groups(site: ObservedSite, found: Sequence[ObservedGroup]) -> None:
    by_id = {c.course.id: c for c in site.courses.values()}
    for group in found:
        if (owner := by_id.get(group.courseid)) is not None:
            owner.groups[group.id] = group


def _lacks_a_group(desired: DesiredCourse, course: ObservedCourse) -> bool:
    """A wanted Kleingruppe is not among the groups that have members (it may exist, empty)."""
    return any(course.group_id(desired.group_idnumber(n), name) is None
               for n, name in enumerate(desired.group_names, start=1))


def _read_group_lists(client: MoodleClient, runs: Sequence[ObservedCourse]) -> None:
    answers = client.read_many([groups.of_course(c.course.id) for c in runs])
    for course, answer in zip(runs, answers, strict=True):
        course.groups = {g.id: g for g in groups.groups_from(checked(answer))}


def _find_differently_cased(client: MoodleClient, site: ObservedSite, emails: Sequence[str]) -> None:
    """Accounts whose email Moodle stores as `Anna.Schmidt@…`: the exact lookup misses them on PostgreSQL.

    Asked only for emails the exact lookup did not find, so an unchanged world costs nothing extra.
    """
    answers = client.read_many([people.users_matching_email(email) for email in emails])
    for email, answer in zip(emails, answers, strict=True):
        _add_users(site, people.users_from(checked(answer)), only=email)
