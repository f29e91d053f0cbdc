"""`diff(desired, observed) -> Plan`: what push would create, update or leave alone, in the order push applies it.

Pure: no I/O. Changes name objects by stable keys (idnumbers, emails), so push can resolve Moodle ids as it goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from lms_sync.catalogue import Person
from lms_sync.config import PushSettings
from lms_sync.push.changes import Action, Change, Kind, Plan, RunPlan
from lms_sync.push.desired import DesiredCategory, DesiredCourse
from lms_sync.push.evaluation_rights import verdict
from lms_sync.push.observed import ObservedCourse, ObservedSite
from lms_sync.push.plan_competencies import competency_changes
from lms_sync.small_groups import allocate

__all__ = ["Action", "Change", "Kind", "Plan", "RunPlan", "diff"]
COURSE_FIELDS = ("fullname", "shortname", "summary", "startdate", "enddate")


def _category_changes(courses: Sequence[DesiredCourse], site: ObservedSite) -> tuple[list[Change], dict[str, int]]:
    """Categories to create, and the ids of those found (a category without idnumber is adopted by name)."""
    changes: list[Change] = []
    seen: dict[str, int | None] = {}
    wanted: list[DesiredCategory] = []
    for course in courses:
        wanted += [c for c in course.categories if c not in wanted]
    for category in wanted:
        parent_id = seen.get(category.parent_idnumber, 0) if category.parent_idnumber else 0
        existing = site.category_by_idnumber(category.idnumber)
        if existing is None and parent_id is not None:
            existing = site.category_by_name(category.name, parent_id)
        if existing is not None:
            seen[category.idnumber] = existing.id
            continue
        seen[category.idnumber] = None
        changes.append(Change("category", "create", category.idnumber, {
            "name": category.name, "idnumber": category.idnumber, "parent_idnumber": category.parent_idnumber}))
    return changes, {idnumber: found for idnumber, found in seen.items() if found is not None}


def _user_changes(courses: Sequence[DesiredCourse], site: ObservedSite, push: PushSettings,
                  plan: Plan) -> tuple[list[Change], set[str]]:
    """Accounts to create, and the emails that cannot be enrolled (ambiguous, or missing and not creatable)."""
    people: dict[str, Person] = {}
    first_course: dict[str, DesiredCourse] = {}
    for course in courses:
        for person in (*course.trainers, *course.participants):
            people.setdefault(person.email, person)
            first_course.setdefault(person.email, course)
    changes: list[Change] = []
    unusable: set[str] = set()
    if site.offline:
        return changes, unusable  # offline, accounts are matched by email only when pushing to the real site
    for email, person in sorted(people.items()):
        accounts = site.users_by_email.get(email, [])
        if len(accounts) > 1:
            names = ", ".join(f"{a.username} (id {a.id})" for a in accounts)
            plan.problems.append(f"{email}: {len(accounts)} Moodle accounts share this email ({names}); "
                                 "lms-sync will not guess — merge or change them in Moodle")
            unusable.add(email)
        elif not accounts and push.create_missing_users:
            changes.append(Change("user", "create", email, {
                "username": email, "email": email, "firstname": person.firstname, "lastname": person.lastname,
                "institution": person.organisation or "", "auth": push.auth,
                # Without these Moodle shows the site's default time zone (Europe/London on a fresh install).
                "timezone": first_course[email].timezone, "lang": first_course[email].lang}))
        elif not accounts:
            plan.problems.append(f"{email}: no Moodle account with this email; create it in Moodle, or set "
                                 "push.create_missing_users = true to let lms-sync create it")
            unusable.add(email)
    return changes, unusable


def _import_changes(course: DesiredCourse, blueprint: ObservedCourse | None, run: RunPlan) -> None:
    """The import, then the renames of the sections whose names the blueprint brings differ from the template's.

    Their ids are known only after the import (`section_id` None): push finds them by `section_number`.
    """
    run.changes.append(Change("content", "import", course.idnumber, {"from": course.blueprint_idnumber}))
    if blueprint is None:
        return  # offline: the blueprint's sections are not known
    brought = {section.number: section.name for section in blueprint.sections}
    for number, name in enumerate(course.section_names):
        if brought.get(number) != name:
            run.changes.append(Change("section", "rename", f"{course.idnumber} section {number}", {
                "section_id": None, "section_number": number, "name": [brought.get(number), name]}))


def _repair_changes(course: DesiredCourse, observed: ObservedCourse, blueprint: ObservedCourse | None,
                    missing: list[str], run: RunPlan) -> None:
    """An import a crash cut off: its activities are deleted and the blueprint imported again, never next to them.

    Moodle's import has no "only what is missing", and importing into the course again would twin every activity
    that did arrive. Deleting the whole course's contents instead (`deletecontent`) is no way either: it takes the
    enrolment methods and the announcements forum with it. Sections stay; after the import each one is renamed
    whose name would not be the template's (an existing name is kept by the import, an empty one gets the blueprint's).
    """
    run.changes.append(Change("content", "repair", course.idnumber, {
        "from": course.blueprint_idnumber, "missing": missing,
        "delete": sorted(m.id for m in observed.content_modules())}))
    brought = {section.number: section.name for section in blueprint.sections} if blueprint else {}
    have = {section.number: section.name for section in observed.sections}
    for number, name in enumerate(course.section_names):
        after = have.get(number, brought.get(number))
        if after != name:
            run.changes.append(Change("section", "rename", f"{course.idnumber} section {number}", {
                "section_id": None, "section_number": number, "name": [after, name]}))


def _course_changes(course: DesiredCourse, observed: ObservedCourse | None, run: RunPlan,
                    blueprint: ObservedCourse | None) -> None:
    if observed is None:
        run.changes.append(Change("course", "create", course.idnumber, {
            name: getattr(course, name) for name in (*COURSE_FIELDS, "idnumber", "format", "lang")
        } | {"category_idnumber": course.category_idnumber}))
        _import_changes(course, blueprint, run)
        return
    drift = {name: [getattr(observed.course, name), getattr(course, name)]
             for name in COURSE_FIELDS if getattr(observed.course, name) != getattr(course, name)}
    if drift:
        run.changes.append(Change("course", "update", course.idnumber, drift))
    else:
        run.unchanged += 1
    if not observed.content_modules():
        _import_changes(course, blueprint, run)
        return
    if (missing := observed.missing_after_import(blueprint)) and not _welcomed(course, observed):
        _repair_changes(course, observed, blueprint, missing, run)
        return
    if missing:
        run.notes.append(f"the course lacks {', '.join(missing)} of the blueprint: not imported again, since the run "
                         "was welcomed (its import was complete, so a trainer removed them) and a repair would delete "
                         "the participants' work; add them in Moodle if they are wanted")
    run.unchanged += 1
    for section in observed.sections:
        if section.number < len(course.section_names) and section.name != course.section_names[section.number]:
            run.changes.append(Change("section", "rename", f"{course.idnumber} section {section.number}", {
                "section_id": section.id, "section_number": section.number,
                "name": [section.name, course.section_names[section.number]]}))


def _enrolment_changes(course: DesiredCourse, observed: ObservedCourse | None, site: ObservedSite,
                       push: PushSettings, unusable: set[str], run: RunPlan) -> dict[str, int | None]:
    """Enrol/suspend changes; returns email -> Moodle user id (None: created by this push) for usable people."""
    wanted = [(p, push.teacher_role_id, "trainer") for p in course.trainers]
    wanted += [(p, push.student_role_id, "participant") for p in course.participants]
    user_ids: dict[str, int | None] = {}
    active = observed.active_roles if observed else {}
    for person, role, what in wanted:
        if person.email in unusable:
            continue
        accounts = site.users_by_email.get(person.email, [])
        user_id = accounts[0].id if accounts else None
        user_ids[person.email] = user_id
        if user_id is not None and role in active.get(user_id, set()):
            run.unchanged += 1
            continue
        run.changes.append(Change("enrolment", "enrol", f"{person.email} as {what}", {
            "email": person.email, "roleid": role}))
    desired_ids = {uid for uid in user_ids.values() if uid is not None}
    for user_id, roles in sorted(active.items()):
        if user_id not in desired_ids and roles == {push.student_role_id}:
            run.changes.append(Change("enrolment", "suspend", f"user {user_id} (no longer in the catalogue)", {
                "userid": user_id, "roleid": push.student_role_id}))
    return user_ids


def _group_changes(course: DesiredCourse, observed: ObservedCourse | None, user_ids: dict[str, int | None],
                   run: RunPlan, prune: bool) -> None:
    group_ids = {n: (observed.group_id(course.group_idnumber(n), name) if observed else None)
                 for n, name in enumerate(course.group_names, start=1)}
    if prune and observed is not None:
        kept = set(group_ids.values())
        for group in sorted(observed.groups.values(), key=lambda g: g.id):
            if (group.idnumber or "").startswith(course.group_idnumber_prefix) and group.id not in kept:
                run.changes.append(Change("group", "delete", group.idnumber or "", {"group_id": group.id}))
    for number, name in enumerate(course.group_names, start=1):
        if group_ids[number] is None:
            run.changes.append(Change("group", "create", course.group_idnumber(number), {
                "name": name, "idnumber": course.group_idnumber(number)}))
        else:
            run.unchanged += 1
    members = observed.group_members if observed else {}
    placed = {
        email: number
        for email, uid in user_ids.items() if uid is not None
        for number, gid in group_ids.items() if gid is not None and uid in members.get(gid, set())
    }
    participants = [p for p in course.participants if p.email in user_ids]
    for email, number in sorted(allocate(participants, len(course.group_names), placed,
                                         mix_by_sector=course.mix_by_sector).items()):
        if placed.get(email) == number:
            run.unchanged += 1
            continue
        run.changes.append(Change("member", "add", f"{email} → {course.group_names[number - 1]}", {
            "email": email, "group_idnumber": course.group_idnumber(number), "group_id": group_ids[number]}))


def _event_changes(course: DesiredCourse, observed: ObservedCourse | None, run: RunPlan,
                   prune: bool, ws_userid: int | None) -> None:
    """Events are matched by name; an event lms-sync made whose name the catalogue no longer produces (a session
    was added or removed, so "Termin 2 von 3" became "Termin 2 von 2") is reused in time order instead of left as
    a stale twin. Events lms-sync did not make (a trainer's own) are never touched."""
    existing = {event.name: event for event in observed.events} if observed else {}
    wanted = {event.name for event in course.events}
    spare = sorted((event for event in existing.values() if event.name not in wanted and ws_userid is not None
                    and event.userid == ws_userid), key=lambda event: (event.timestart, event.id))
    for event in course.events:
        found = existing.get(event.name)
        values = {"name": event.name, "description": event.description, "timestart": event.timestart,
                  "timeduration": event.timeduration}
        if found is None and spare:
            run.changes.append(Change("event", "replace", event.name, values | {"replaces": spare.pop(0).id}))
        elif found is None:
            run.changes.append(Change("event", "create", event.name, values))
        elif (found.timestart, found.timeduration) != (event.timestart, event.timeduration):
            run.changes.append(Change("event", "replace", event.name, values | {"replaces": found.id}))
        else:
            run.unchanged += 1
    if prune:
        run.changes += [Change("event", "delete", event.name, {"event_id": event.id}) for event in spare]


def _post_change(course: DesiredCourse, observed: ObservedCourse | None, run: RunPlan, dates_wait: bool) -> None:
    """The welcome post, once the activities show the run's dates: Moodle mails it to every participant, who should
    not be greeted into a course still showing the blueprint's placeholder dates (due in 2099). A post already there
    stays, whatever the dates."""
    if course.welcome is None:
        return
    if observed is not None and _welcomed(course, observed):
        run.unchanged += 1
    elif dates_wait:
        run.notes.append("the welcome post waits for the activity dates, so participants are not greeted into a course "
                         "showing placeholder dates: push again after Moodle's cron ran, or let the nightly sync post it")
    else:
        run.changes.append(Change("post", "post", course.welcome.subject, {
            "subject": course.welcome.subject, "message": course.welcome.message}))


def _activity_changes(course: DesiredCourse, observed: ObservedCourse | None, run: RunPlan,
                      blueprint: ObservedCourse | None, importing: bool) -> None:
    """The announcements forum's name, and the activities' group modes (a trainer may have changed them).

    A course still to be imported gets the blueprint's group modes with its activities, so those are compared;
    its own forum, made with the course, and its activities get their ids once they exist (`cmid` None).
    """
    if course.news_forum_name is not None:
        if observed is None or observed.news_forum_cmid is None:
            run.changes.append(Change("forum", "rename", "announcements forum", {
                "cmid": None, "name": [None, course.news_forum_name]}))
        elif observed.news_forum_name != course.news_forum_name:
            run.changes.append(Change("forum", "rename", "announcements forum", {
                "cmid": observed.news_forum_cmid, "name": [observed.news_forum_name, course.news_forum_name]}))
        else:
            run.unchanged += 1
    source = blueprint if importing else observed
    if source is None:
        return  # offline: the blueprint's activities are not known
    for name, mode in course.group_modes:
        module = next((m for m in source.modules if m.name == name and m.modname in ("assign", "forum")), None)
        if module is None:
            continue
        if module.groupmode == mode:
            run.unchanged += 1
        else:
            run.changes.append(Change("groupmode", "update", name, {"cmid": None if importing else module.id,
                                                                   "groupmode": [module.groupmode, mode]}))


_DAY_MOVE_REACH = 12 * 3600
"""a date off by less cannot be fixed by moving its day: Moodle keeps the event's time of day"""


def _shown(timestamp: int, zone: str) -> str:
    return datetime.fromtimestamp(timestamp, ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M")


def _welcomed(course: DesiredCourse, observed: ObservedCourse) -> bool:
    """The run's welcome post is in its course. The post waits for a complete import, so an activity missing since is
    one a trainer removed: it is never repaired (which deletes the course's activities and imports them again), as
    that would take the participants' submissions, posts and answers with it."""
    return course.welcome is not None and course.welcome.subject in observed.post_subjects


def _brings_activities(course: DesiredCourse, observed: ObservedCourse | None, blueprint: ObservedCourse | None) -> bool:
    """This push imports the blueprint's activities (a new course, one without activities, or a repair)."""
    return observed is None or not observed.content_modules() or (
        not _welcomed(course, observed) and bool(observed.missing_after_import(blueprint)))


def _date_changes(course: DesiredCourse, observed: ObservedCourse | None, run: RunPlan, importing: bool) -> bool:
    """Moves of the activities' calendar events to their run's days (Moodle moves the activity's date with them);
    True while dates wait for the import or for Moodle's cron.

    The events exist only once Moodle's cron has run after the import: until then the run gets a note and the next
    push moves them. Of a feedback's two dates the one that keeps open before close is moved first. A date that
    cannot be moved at all (its activity missing, its hour off) is noted, and does not count as waiting.
    """
    if not course.dates:
        return False
    if observed is None or importing:
        run.notes.append(f"{len(course.dates)} activity dates wait for the import and then for Moodle's cron, which "
                         "creates the activities' calendar events (usually within minutes): push again afterwards, "
                         "or let the nightly sync move them")
        return True
    waiting: list[str] = []
    moves: list[Change] = []
    for date in course.dates:
        module = observed.module_named(date.modname, date.activity)
        if module is None:
            run.notes.append(f"{date.activity!r} ({date.modname}) is not in the course: its {date.eventtype} date "
                             "is not set")
            continue
        event = next((e for e in observed.activity_events if (e.modname, e.instance, e.eventtype)
                      == (date.modname, module.instance, date.eventtype)), None)
        if event is None:
            waiting.append(f"{date.activity} ({date.eventtype})")
        elif abs(event.timestart - date.timestamp) >= _DAY_MOVE_REACH:
            # Moodle refuses a feedback that closes before it opens: moving earlier, "open" goes first.
            second = date.eventtype == ("close" if date.timestamp < event.timestart else "open")
            moves.append(Change("date", "move", f"{date.activity}: {date.eventtype}", {
                "event_id": event.id, "timestamp": [event.timestart, date.timestamp],
                "shown": [_shown(event.timestart, course.timezone), _shown(date.timestamp, course.timezone)],
                "timezone": course.timezone, "round": 2 if second else 1}))
        elif event.timestart != date.timestamp:
            run.notes.append(
                f"{date.activity} ({date.eventtype}) is at {_shown(event.timestart, course.timezone)}, not "
                f"{_shown(date.timestamp, course.timezone)} ({course.timezone}): moving a date keeps its time of day "
                "in the site's default time zone, which is not the catalogue's on that day; set it to "
                f"{course.timezone} (Site administration › Location)")
        else:
            run.unchanged += 1
    if waiting:
        run.notes.append(f"dates wait for Moodle's cron to create the calendar events of {', '.join(waiting)} "
                         "(usually within minutes): push again afterwards, or let the nightly sync move them")
    run.changes += sorted(moves, key=lambda change: change.fields["round"])
    return bool(waiting)


def _cannot_create(course: DesiredCourse, site: ObservedSite, run: RunPlan) -> bool:
    """Block a run whose course Moodle would refuse to create (shortname taken, language not installed)."""
    holder = site.shortname_holders.get(course.shortname)
    if holder is not None:
        run.problems.append(
            f"shortname {course.shortname!r} is taken by Moodle course id {holder.course.id} "
            f"({holder.course.fullname!r}, idnumber {holder.course.idnumber or 'none'}): rename that course in Moodle, "
            "or change shortname_pattern in the template")
    if course.lang in site.missing_languages:
        run.problems.append(
            f"template {course.template!r} sets language = {course.lang!r}, but this Moodle has no {course.lang!r} "
            "language pack: install it (Site administration › Language › Language packs) or remove `language` "
            "from the template")
    run.blocked = bool(run.problems)
    return run.blocked


def diff(courses: Sequence[DesiredCourse], site: ObservedSite, push: PushSettings, *, prune: bool = False) -> Plan:
    """The changes that make Moodle hold `courses`; an unchanged world gives an empty plan.

    A run whose reading failed (`site.read_failures`) is blocked with one line saying why, and nothing of it is
    planned. Nothing is deleted unless `prune`: then calendar events and Kleingruppen that lms-sync made in its own courses
    (recognised by the course's idnumber prefix) and that the catalogue no longer wants are deleted too.
    """
    plan = Plan(offline=site.offline)
    read = [course for course in courses if course.idnumber not in site.read_failures]
    plan.categories, plan.category_ids = _category_changes(read, site)
    plan.users, unusable = _user_changes(read, site, push, plan)
    overdue: list[str] = []
    for course in courses:
        run = RunPlan(course.run_id, course.idnumber)
        plan.runs.append(run)
        if course.idnumber in site.read_failures:
            run.blocked = True
            run.problems.append(_not_read(site.read_failures[course.idnumber]))
            continue
        observed = site.courses.get(course.idnumber)
        if course.blueprint_idnumber not in site.blueprints and not site.offline and (
                observed is None or not observed.content_modules()):
            run.blocked = True
            run.problems.append(
                f"blueprint course {course.blueprint_idnumber!r} not found in Moodle by its idnumber: build it with "
                f"`lms-sync blueprint build {course.template}`, restore it once, then give it its idnumber with "
                f"`lms-sync blueprint adopt {course.template}` (Moodle's restore drops it), then push again")
            continue
        if observed is None and _cannot_create(course, site, run):
            continue
        blueprint = site.blueprints.get(course.blueprint_idnumber)
        importing = _brings_activities(course, observed, blueprint)
        _course_changes(course, observed, run, blueprint)
        user_ids = _enrolment_changes(course, observed, site, push, unusable, run)
        _group_changes(course, observed, user_ids, run, prune)
        _event_changes(course, observed, run, prune, site.ws_userid)
        _activity_changes(course, observed, run, blueprint, importing)
        dates_wait = _date_changes(course, observed, run, importing)
        _post_change(course, observed, run, dates_wait)
        if dates_wait and not importing and observed is not None and _cron_overdue(observed, site):
            overdue.append(course.run_id)
    competency_changes(read, site, plan)
    course_ids = {idnumber: observed.course.id for idnumber, observed in site.courses.items()}
    rights = verdict(read, course_ids, site.capability_holders, plan.runs, push.teacher_role_id)
    plan.warnings, plan.evaluation_unknown = rights.warnings, rights.unknown
    if overdue:
        plan.warnings.append(
            f"Moodle's cron seems not to run: the activities' calendar events of run(s) {', '.join(overdue)} are "
            f"still missing more than {CRON_OVERDUE_SECONDS // 3600} hours after their courses last changed, so their "
            "dates stay on the blueprint's placeholder day and their welcome posts wait; check Site administration › "
            "Server › Tasks › Task processing (admin/cli/cron.php should run every minute)")
    return plan


CRON_OVERDUE_SECONDS = 6 * 3600
"""how long after its course last changed a run's activity events may be missing before push says cron does not run
(a working cron makes them within minutes of the import)"""


def _cron_overdue(observed: ObservedCourse, site: ObservedSite) -> bool:
    """Moodle's cron has not made the events of a course's activities (no import or repair is due) for hours since the
    course or its contents last changed (Moodle's `timecreated`, and `cacherev`, a time too)."""
    since = max(observed.course.timecreated, observed.course.cacherev)
    return bool(since) and site.observed_at - since > CRON_OVERDUE_SECONDS


def _not_read(why: str) -> str:
    """The line a run gets whose reading failed: it is skipped — neither its course, nor its people, categories or
    competency links are planned — while every other run is planned as usual."""
    return f"not planned: Moodle could not be read for this run ({why}); nothing of it is changed, the other runs go on"
