"""Reads the parts of Moodle a plan depends on, in as few requests as possible (read-only web-service calls).

Rounds of independent reads, each batched through `MoodleClient.read_many`: categories; courses and competency
frameworks; enrolments, forums and events of all run courses at once; then only what is still open — contents and
welcome posts the observation cache does not vouch for, the members' groups, accounts of people not enrolled yet,
competencies and course links, group lists lacking a group, and for courses still to create whether their shortname
is taken and their language installed.

A read about one run's course (or its blueprint) that Moodle refuses or answers with `warnings` is noted against that
run (`ObservedSite.read_failures`) and the run is read no further; a site-wide failure stops the observation.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from lms_sync.moodle.api import calendar, contents, courses, feedback, forums, groups, languages, people
from lms_sync.moodle.api.calls import Call, ask, checked, read_failure
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import SITE_WIDE, MoodleError
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
from lms_sync.trainer_rights import EVALUATION_CAPABILITIES

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
    site = ObservedSite(ws_userid=int(client.site_info()["userid"]), observed_at=int(time.time()))
    site.categories = _usable_categories(courses.categories_from(ask(client, courses.categories())), wanted)
    _find_courses(client, site, wanted)
    runs = [site.courses[c.idnumber] for c in _readable(site, wanted) if c.idnumber in site.courses]
    if runs:
        _read_run_state(client, site, wanted, runs)
    _read_what_is_open(client, site, wanted, cache, all_groups)
    return site


def _usable_categories(found: Sequence[ObservedCategory], wanted: Sequence[DesiredCourse]) -> list[ObservedCategory]:
    """The categories the wanted courses can use, by idnumber or by name (one without idnumber is adopted by name):
    another category made on the site is no part of the observation, so it does not make a saved plan stale."""
    idnumbers = {c.idnumber for course in wanted for c in course.categories}
    names = {c.name for course in wanted for c in course.categories}
    return [c for c in found if c.idnumber in idnumbers or c.name in names]


def _readable(site: ObservedSite, wanted: Sequence[DesiredCourse]) -> list[DesiredCourse]:
    """The runs no read has failed for yet: only they are read further."""
    return [c for c in wanted if c.idnumber not in site.read_failures]


def _concerned(site: ObservedSite, wanted: Sequence[DesiredCourse], course_ids: Iterable[int]) -> list[str]:
    """The runs whose course, or whose blueprint, is one of the Moodle courses `course_ids`."""
    ids = set(course_ids)
    return [c.idnumber for c in wanted
            if any(found is not None and found.course.id in ids
                   for found in (site.courses.get(c.idnumber), site.blueprints.get(c.blueprint_idnumber)))]


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
    # A listing that failed or is incomplete finds nothing: its runs are looked up one by one with the moved ones.
    for listing in answers[:len(listed)]:
        if read_failure(listing, "a category's courses") is None:
            for course in courses.courses_from(listing):
                if course.idnumber in categories:
                    site.courses[course.idnumber] = course_from(course)
    for idnumber, answer in zip((*blueprints, *single), answers[len(listed):len(calls)], strict=True):
        _take_found(site, wanted, idnumber, answer, blueprint=idnumber in blueprints)
    moved = [idnumber for idnumber in categories if idnumber not in site.courses and idnumber not in single]
    for idnumber, answer in zip(moved, client.read_many([courses.by_field("idnumber", v) for v in moved]), strict=True):
        _take_found(site, wanted, idnumber, answer, blueprint=False)


def _take_found(site: ObservedSite, wanted: Sequence[DesiredCourse], idnumber: str, answer: Any, *,
                blueprint: bool) -> None:
    """The course (or blueprint) with `idnumber` from the answer looking it up; a failed lookup, or one that shows
    only the course's public information, fails the run (or every run of the blueprint): it is no "not there"."""
    runs = [c.idnumber for c in wanted if c.blueprint_idnumber == idnumber] if blueprint else [idnumber]
    what = f"finding {'blueprint ' if blueprint else ''}course {idnumber!r}"
    if (usable := site.usable(answer, what, runs)) is None:
        return
    if public := courses.public_only(usable):
        site.fail(runs, f"{what}: Moodle shows only the public information of course id {public[0]} (no idnumber, "
                        "no dates): the web-service user cannot enter it or lacks moodle/course:update there")
    elif found := courses.courses_from(usable):
        (site.blueprints if blueprint else site.courses)[idnumber] = course_from(found[0])


def _read_run_state(client: MoodleClient, site: ObservedSite, wanted: Sequence[DesiredCourse],
                    runs: list[ObservedCourse]) -> None:
    """Enrolled users with their roles and groups, forums and course events, for all run courses at once.

    A many-course answer that fails as a whole fails every run it is about, one with warnings the runs they name
    (all of them when a warning names no course) — except the enrolled users, which are then asked course by course.
    """
    by_id = {c.course.id: c for c in runs}
    ids = sorted(by_id)
    evaluated = [site.courses[c.idnumber].course.id for c in _readable(site, wanted)
                 if c.named_evaluation and c.idnumber in site.courses]
    enrolled = _enrolled_users_calls(client, ids, evaluated)
    # The blueprints' announcements forums too: an import brings a blueprint's own, which is no activity to count.
    with_forums = by_id | {b.course.id: b for b in site.blueprints.values()}
    results = client.read_many([*enrolled, forums.of_courses(sorted(with_forums)), calendar.course_events(ids)])
    answered = list(zip(enrolled, results, strict=False))
    refused = [call for call, answer in answered if len(people.courses_of(call)) > 1
               and isinstance(answer, MoodleError) and not isinstance(answer, SITE_WIDE)]
    again = [one for call in refused for one in people.per_course(call)]
    answered = [(call, answer) for call, answer in answered if call not in refused]
    for call, answer in [*answered, *zip(again, client.read_many(again), strict=True)]:
        course_ids = people.courses_of(call)
        what = f"enrolled users of course id {', '.join(map(str, course_ids))}"
        usable = site.usable(answer, what, _concerned(site, wanted, course_ids)) or []
        for entry in people.enrolled_from(call, usable):
            _add_enrolled(site, by_id[entry.courseid], entry)
        if call[0] == people.ENROLLED_USERS_OF_COURSES:
            site.capability_holders |= people.holders_from(usable)
    found_forums = site.usable(results[-2], "forums of the run courses and blueprints",
                           _concerned(site, wanted, with_forums))
    for forum in forums.forums_from(found_forums or []):
        owner = with_forums.get(forum.courseid)
        if owner is not None and forum.type == "news":
            if owner.news_forum_id is None:
                owner.news_forum_id, owner.news_forum_discussions = forum.id, forum.discussions
                owner.news_forum_cmid, owner.news_forum_name = forum.cmid, forum.name
            owner.news_forum_cmids.add(forum.cmid)
    events = results[-1]
    failed = [i for i in ids
              if site.usable(events, f"calendar events of course id {i}", _concerned(site, wanted, [i]), about=i) is None]
    if len(failed) == len(ids):
        return
    for event in calendar.course_events_from(events):
        if (owner := by_id.get(event.courseid)) is not None:
            owner.events.append(event)
    for activity_event in calendar.activity_events_from(events):
        if (owner := by_id.get(activity_event.courseid)) is not None:
            owner.activity_events.append(activity_event)


def _enrolled_users_calls(client: MoodleClient, course_ids: Sequence[int], evaluated: Sequence[int]) -> list[Call]:
    """Every course's enrolled users in one call where the service offers it, else one call per course.

    The one call also asks who holds the evaluation's capabilities in the `evaluated` courses (a named questionnaire):
    whether trainers see its names costs no request of its own. The per-course listing cannot ask that.
    """
    options: list[dict[str, Any]] = [{"name": "onlyactive", "value": 1}, {"name": "userfields", "value": _USER_FIELDS}]
    if people.ENROLLED_USERS_OF_COURSES not in client.site_functions():
        return [people.enrolled_users(i, options) for i in course_ids]
    wanted = people.enrolled_users_of_courses(course_ids, dict.fromkeys(evaluated, EVALUATION_CAPABILITIES))
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
    readable = _readable(site, wanted)
    runs = [(desired, site.courses[desired.idnumber]) for desired in readable if desired.idnumber in site.courses]
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
    emails = sorted({p.email for c in readable for p in (*c.trainers, *c.participants)} - set(site.users_by_email))
    email_chunks = list(client.chunks("values", emails, field="email"))
    calls: list[Call] = [contents.contents(c.course.id) for c in unread]
    calls += [groups.by_ids(chunk) for chunk in group_chunks]
    pages = [(forum, call) for forum in forums_unread
             for call in forums.discussions(forum, welcome[forum][1].news_forum_discussions)]
    calls += [call for _, call in pages]
    calls += [people.users_by_email(chunk) for chunk in email_chunks]
    new = [c for c in readable if c.idnumber not in site.courses]
    langs = sorted({c.lang for c in new if c.lang}) if languages.LANGUAGE_NAME in client.site_functions() else []
    calls += [courses.by_field("shortname", c.shortname) for c in new]
    calls += [languages.language_name(lang) for lang in langs]
    competencies = detail_reads(site, readable)
    calls += [call for call, _ in competencies]
    results = iter(client.read_many(calls))
    for course in unread:
        what = f"contents of course id {course.course.id}"
        if (answer := site.usable(next(results), what, _concerned(site, wanted, [course.course.id]))) is not None:
            payloads[course.course.id] = contents_payload(answer)
    owners = {group: c.course.id for _, c in runs for group in c.groups}
    for chunk in group_chunks:
        what = f"groups {', '.join(map(str, chunk))}"
        found = site.usable(next(results), what, _concerned(site, wanted, {owners[g] for g in chunk}))
        _add_groups(site, groups.groups_from(found or []))
    subjects: dict[int, set[str]] = {forum: set() for forum in forums_unread}
    for forum, _ in pages:
        what = f"discussions of the announcements forum {forum}"
        page = site.usable(next(results), what, _concerned(site, wanted, [welcome[forum][1].course.id]))
        subjects[forum] |= forums.subjects_from(page) if page is not None else set()
    for _ in email_chunks:
        _add_users(site, people.users_from(checked(next(results))))
    for desired in new:
        what = f"whether shortname {desired.shortname!r} is taken"
        if holders := courses.courses_from(site.usable(next(results), what, [desired.idnumber]) or {}):
            site.shortname_holders[desired.shortname] = course_from(holders[0])
    for lang in langs:
        if languages.has_no_pack(next(results)):
            site.missing_languages.add(lang)
    for _, read in competencies:
        read(next(results))
    for _, course in runs:
        if course.course.id in payloads:
            add_contents(course, payloads[course.course.id])
    for forum, (subject, course) in welcome.items():
        course.post_subjects = {subject} if forum in confirmed else subjects[forum]
    runs = [(d, c) for d, c in runs if d.idnumber not in site.read_failures]
    if cache:  # a forum whose pages could not all be read is not vouched for
        cache.put_many("discussions", {f: (welcome[f][1].news_forum_discussions,
                                           [subject_digest(welcome[f][0])] if welcome[f][0] in subjects[f] else [])
                                       for f in forums_unread if any(c is welcome[f][1] for _, c in runs)})
    _read_group_lists(client, site, wanted, [c for d, c in runs
                                             if all_groups or (c.groups and not by_ids) or _lacks_a_group(d, c)])
    _find_differently_cased(client, site, [email for email in emails if email not in site.users_by_email])
    read_anew = [(d, c) for d, c in runs if c.course.id not in payloads_cached]
    _read_blueprint_sections(client, site, wanted, cache, {d.blueprint_idnumber for d, _ in read_anew})
    _check_imports(client, site, wanted, [(d, c) for d, c in read_anew if d.idnumber not in site.read_failures], cache)


def _check_imports(client: MoodleClient, site: ObservedSite, wanted: Sequence[DesiredCourse],
                   read_anew: Sequence[tuple[DesiredCourse, ObservedCourse]], cache: ObservationCache | None) -> None:
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
    for (course, instance), answer in zip(feedbacks, answers, strict=True):
        what = f"questionnaire items of feedback {instance} in course id {course.course.id}"
        if (items := site.usable(answer, what, _concerned(site, wanted, [course.course.id]))) is not None:
            course.feedback_items = (course.feedback_items or 0) + feedback.item_count(items)
    if cache:
        blueprints = {d.idnumber: site.blueprints.get(d.blueprint_idnumber) for d, _ in read_anew}
        cache.put_many("contents", {c.course.id: (c.course.cacherev, _payload(c.sections, c.modules)) for d, c in read_anew
                                    if d.idnumber not in site.read_failures
                                    and not c.missing_after_import(blueprints[d.idnumber])})


def _read_blueprint_sections(client: MoodleClient, site: ObservedSite, wanted: Sequence[DesiredCourse],
                             cache: ObservationCache | None, checking: set[str]) -> None:
    """The contents of the blueprints an import is about to copy (their section names tell which sections push
    renames) or that a course read anew is compared with (`checking`: was its import complete?).

    Only for runs whose course is missing, has no activities yet or was not in the cache, so an unchanged world
    reads nothing more.
    """
    importing = checking | {d.blueprint_idnumber for d in _readable(site, wanted)
                            if d.idnumber not in site.courses or not site.courses[d.idnumber].content_modules()}
    blueprints = [site.blueprints[i] for i in sorted(importing) if i in site.blueprints]
    payloads = cache.get_many("contents", {b.course.id: b.course.cacherev for b in blueprints}) if cache else {}
    payloads = {course_id: payload for course_id, payload in payloads.items() if _complete(payload)}
    unread = [b for b in blueprints if b.course.id not in payloads]
    for blueprint, answer in zip(unread, client.read_many([contents.contents(b.course.id) for b in unread]), strict=True):
        what = f"contents of blueprint course id {blueprint.course.id}"
        if (found := site.usable(answer, what, _concerned(site, wanted, [blueprint.course.id]))) is not None:
            payloads[blueprint.course.id] = contents_payload(found)
    for blueprint in blueprints:
        if blueprint.course.id in payloads:
            add_contents(blueprint, payloads[blueprint.course.id])
    if cache:
        cache.put_many("contents", {b.course.id: (b.course.cacherev, payloads[b.course.id])
                                    for b in unread if b.course.id in payloads})


def _add_groups(site: ObservedSite, found: Sequence[ObservedGroup]) -> None:
    by_id = {c.course.id: c for c in site.courses.values()}
    for group in found:
        if (owner := by_id.get(group.courseid)) is not None:
            owner.groups[group.id] = group


def _lacks_a_group(desired: DesiredCourse, course: ObservedCourse) -> bool:
    """A wanted Kleingruppe is not among the groups that have members (it may exist, empty)."""
    return any(course.group_id(desired.group_idnumber(n), name) is None
               for n, name in enumerate(desired.group_names, start=1))


def _read_group_lists(client: MoodleClient, site: ObservedSite, wanted: Sequence[DesiredCourse],
                      runs: Sequence[ObservedCourse]) -> None:
    answers = client.read_many([groups.of_course(c.course.id) for c in runs])
    for course, answer in zip(runs, answers, strict=True):
        what = f"groups of course id {course.course.id}"
        if (found := site.usable(answer, what, _concerned(site, wanted, [course.course.id]))) is not None:
            course.groups = {g.id: g for g in groups.groups_from(found)}


def _find_differently_cased(client: MoodleClient, site: ObservedSite, emails: Sequence[str]) -> None:
    """Accounts whose email Moodle stores as `Anna.Schmidt@…`: the exact lookup misses them on PostgreSQL.

    Asked only for emails the exact lookup did not find, so an unchanged world costs nothing extra.
    """
    answers = client.read_many([people.users_matching_email(email) for email in emails])
    for email, answer in zip(emails, answers, strict=True):
        _add_users(site, people.users_from(checked(answer)), only=email)
