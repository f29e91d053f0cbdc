"""`push`: applies a `Plan` to Moodle with the array forms of the web services, one phase per kind of object.

A failing item is isolated by splitting its batch; its run is reported and skipped, the other runs go on.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from lms_sync.config import PushSettings
from lms_sync.moodle.api import calendar, competencies, contents, courses, forums, groups, people
from lms_sync.moodle.api.calls import Answer, ArrayWrite, Write, checked, send, send_array, send_many
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import SITE_WIDE, MoodleError, MoodlePermissionError, WriteOutcomeUnknown
from lms_sync.push.desired import DesiredCourse
from lms_sync.push.evaluation_rights import verdict
from lms_sync.push.observe import contents_payload, observe, subject_digest
from lms_sync.push.observed import ObservedSite
from lms_sync.push.overlap import ImportPool
from lms_sync.push.plan import Change, Plan, RunPlan, diff
from lms_sync.push.plan_file import observation_digest
from lms_sync.records.observation_cache import ObservationCache
from lms_sync.trainer_rights import read_holders

log = logging.getLogger(__name__)
Owner = str | None  # the run an item belongs to; None for shared objects (categories, accounts)
_STOPS_PUSH: tuple[type[MoodleError], ...] = (*SITE_WIDE, MoodlePermissionError, WriteOutcomeUnknown)


@dataclass
class PushReport:
    plan: Plan
    applied: Counter[str] = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)
    """run id (or "-" for shared objects) -> what went wrong"""
    observation: str = ""
    """the fingerprint of what was observed before applying (the same as a saved plan's when it was applied)"""
    warnings: list[str] = field(default_factory=list)
    """the plan's warnings, and what push learnt after enrolling (trainers who can read a named evaluation by name)"""

    @property
    def failed_runs(self) -> set[str]:
        return {key for key in self.failures if key != "-"}

    def as_dict(self) -> dict[str, Any]:
        return {"applied": dict(self.applied), "failures": self.failures, "warnings": self.warnings,
                "observation": self.observation, "plan": self.plan.as_dict()}


def _fatal(error: MoodleError) -> bool:
    """Errors about the site, the token or the connection rather than one item: they stop the push.

    So do a missing capability (push's writes need the same ones for every course) and an outcome-unknown write:
    the next run re-reads Moodle and finishes the job without twins.
    """
    return isinstance(error, _STOPS_PUSH)


class _Applier:
    def __init__(self, client: MoodleClient, site: ObservedSite, plan: Plan, courses: Sequence[DesiredCourse],
                 push: PushSettings, report: PushReport, step: Callable[[str], None],
                 cache: ObservationCache | None) -> None:
        self.client, self.site, self.plan, self.push, self.report, self.step = client, site, plan, push, report, step
        self.cache = cache
        self.courses = {c.run_id: c for c in courses}
        # What plan found, by idnumber or by name: a category adopted by name has no idnumber to look it up by.
        self.category_ids = {c.idnumber: c.id for c in site.categories if c.idnumber} | plan.category_ids
        self.course_ids = {idnumber: c.course.id for idnumber, c in site.courses.items()}
        self.user_ids = {email: users[0].id for email, users in site.users_by_email.items() if len(users) == 1}
        self.group_ids: dict[str, int] = {}
        """idnumber -> id of the groups this push created"""
        self.news_forums = {idnumber: (c.news_forum_id, c.news_forum_discussions)
                            for idnumber, c in site.courses.items() if c.news_forum_id}
        """course idnumber -> (announcements forum id, its number of discussions as observed)"""
        self.news_forum_cmids = {idnumber: c.news_forum_cmid for idnumber, c in site.courses.items()
                                 if c.news_forum_cmid}
        """course idnumber -> the announcements forum's course module (what a rename names)"""
        self.imported_cmids: dict[str, dict[str, int]] = {}
        """course idnumber -> activity name -> course module id, for the courses this push imported into"""
        self.lock = threading.Lock()
        self.imports_started = self.imports_done = 0
        """guards the report and the step callback: imports report from their own threads"""

    # -- bookkeeping ----------------------------------------------------------------------------------------

    def fail(self, owner: Owner, message: str) -> None:
        log.error("%s: %s", owner or "shared", message)
        with self.lock:
            self.report.failures.setdefault(owner or "-", []).append(message)

    def count(self, wsfunction: str, applied: int = 1) -> None:
        with self.lock:
            self.report.applied[wsfunction] += applied

    def live_runs(self, kinds: Sequence[str]) -> list[tuple[RunPlan, Change]]:
        return [(run, change) for run in self.plan.runs
                if not run.blocked and run.run_id not in self.report.failed_runs
                for change in run.changes if change.kind in kinds]

    def batch(self, write: ArrayWrite[Answer],
              items: Sequence[tuple[Owner, dict[str, Any]]]) -> list[tuple[list[tuple[Owner, dict[str, Any]]], Answer]]:
        """Send `items` in as few requests as the form-field limit allows; isolate the items Moodle refuses.

        Moodle's array calls are all-or-nothing, so a refused chunk is split in halves until the bad item is alone.
        Returns (items, answer as `write.answer` reads it) per successful request.
        """
        done: list[tuple[list[tuple[Owner, dict[str, Any]]], Answer]] = []
        pending: list[list[tuple[Owner, dict[str, Any]]]] = []
        start = 0
        for chunk in self.client.chunks(write.list_key, [payload for _, payload in items]):  # sized by what is sent
            pending.append(list(items[start:start + len(chunk)]))
            start += len(chunk)
        while pending:
            chunk = pending.pop(0)
            try:
                result = send_array(self.client, write, [i for _, i in chunk])
            except MoodleError as error:
                if _fatal(error):
                    raise
                if len(chunk) == 1:
                    self.fail(chunk[0][0], f"{error} (item: {_describe(chunk[0][1])})")
                    continue
                middle = len(chunk) // 2
                pending[:0] = [chunk[:middle], chunk[middle:]]
                continue
            self.count(write.wsfunction, len(chunk))
            done.append((chunk, result))
        return done

    def single(self, owner: Owner, write: Write) -> bool:
        """One call of a function that has no array form; a refusal fails `owner`'s run, a site-wide error stops all."""
        try:
            send(self.client, write)
        except MoodleError as error:
            if _fatal(error):
                raise
            self.fail(owner, str(error))
            return False
        self.count(write.wsfunction)
        return True

    # -- phases ---------------------------------------------------------------------------------------------

    def categories(self) -> None:
        remaining = list(self.plan.categories)
        while remaining:
            ready = [c for c in remaining if c.fields["parent_idnumber"] is None
                     or c.fields["parent_idnumber"] in self.category_ids]
            if not ready:
                for change in remaining:
                    self.fail(None, f"category {change.key}: its parent could not be created")
                return
            self.step("categories")
            items = [(None, {"name": c.fields["name"], "idnumber": c.fields["idnumber"],
                             "parent": self.category_ids.get(c.fields["parent_idnumber"], 0)}) for c in ready]
            for chunk, created in self.batch(courses.CREATE_CATEGORIES, items):
                for (_, item), category_id in zip(chunk, created, strict=True):
                    self.category_ids[item["idnumber"]] = category_id
            remaining = [c for c in remaining if c not in ready]

    def users(self) -> None:
        if not self.plan.users:
            return
        self.step("accounts")
        items = []
        for change in self.plan.users:
            user = {k: change.fields[k] for k in ("username", "email", "firstname", "lastname", "institution", "auth",
                                                  "timezone", "lang")}
            if user["auth"] == "manual":
                user["createpassword"] = 1  # Moodle mails a password; lms-sync never knows one
            items.append((None, user))
        for chunk, created in self.batch(people.CREATE_USERS, items):
            for (_, item), user_id in zip(chunk, created, strict=True):
                self.user_ids[item["email"]] = user_id

    def courses_(self) -> None:
        creates = [(run, change) for run, change in self.live_runs(["course"]) if change.action == "create"]
        items = []
        for run, change in creates:
            category = self.category_ids.get(change.fields["category_idnumber"])
            if category is None:
                self.fail(run.run_id, f"category {change.fields['category_idnumber']} does not exist")
                continue
            values = {k: change.fields[k] for k in ("fullname", "shortname", "idnumber", "summary", "startdate",
                                                     "enddate", "format", "lang")}
            items.append((run.run_id, values | {"categoryid": category, "summaryformat": 1, "visible": 1}))
        if items:
            self.step("courses")
        for chunk, created in self.batch(courses.CREATE_COURSES, items):
            for (_, item), course_id in zip(chunk, created, strict=True):
                self.course_ids[item["idnumber"]] = course_id
        updates = [(run.run_id, {"id": self.course_ids[run.course_idnumber]} | {k: new for k, (_, new) in c.fields.items()})
                   for run, c in self.live_runs(["course"]) if c.action == "update"]
        for chunk, warnings in self.batch(courses.UPDATE_COURSES, updates):
            for warning in warnings:
                owner = next((o for o, item in chunk if item["id"] == warning.course_id), None)
                self.fail(owner, f"{courses.UPDATE_COURSES.wsfunction}: {warning.message}")

    def start_imports(self, imports: ImportPool[tuple[RunPlan, int]]) -> None:
        wanted = list(self.live_runs(["content"]))
        self.imports_started = len(wanted)
        for run, change in wanted:
            blueprint = self.site.blueprints.get(change.fields["from"])
            target = self.course_ids[run.course_idnumber]
            if blueprint is None:
                self.fail(run.run_id, f"blueprint course {change.fields['from']!r} not found")
                continue
            cut_off = change.fields.get("delete", []) if change.action == "repair" else []
            imports.submit((run, target), partial(self._import, run, blueprint.course.id, target, cut_off))

    def _import(self, run: RunPlan, source: int, target: int, cut_off: Sequence[int]) -> bool:
        """The import; for a repair, the activities of the import a crash cut off are deleted first."""
        with self.lock:
            self.step(f"{'repair' if cut_off else 'import'} {run.run_id}")
        imported = not cut_off or self.single(run.run_id, contents.delete_modules(cut_off))
        imported = imported and self.single(run.run_id, courses.import_contents(source, target))
        with self.lock:  # the imports are the long part of a first push: say how far they are, run by run
            self.imports_done += 1
            self.step(f"{'imported' if imported else 'import failed:'} {run.run_id} "
                      f"({self.imports_done}/{self.imports_started})")
        return imported

    def _after_import(self, imported: list[tuple[RunPlan, int]]) -> None:
        """The planned renames of imported sections (found by number); new courses' announcements forums looked up.

        What an import left is cached at the course's revision, read BEFORE the contents: a change in between
        raises the revision past the cached one, so a cached entry never claims contents newer than its revision.
        """
        new_ids = [cid for run, cid in imported if run.course_idnumber not in self.news_forums]
        revisions = self._revisions([cid for _, cid in imported])
        calls = [contents.contents(cid) for _, cid in imported]
        if new_ids:
            calls.append(forums.of_courses(new_ids))
        results = self.client.read_many(calls) if calls else []
        renames: list[tuple[RunPlan, int, str]] = []
        fresh = {}
        for (run, course_id), sections in zip(imported, results, strict=False):
            payload = contents_payload(checked(sections))
            ids = {number: section_id for section_id, number, _ in payload["sections"]}
            self.imported_cmids[run.course_idnumber] = {module[2]: module[0] for module in payload["modules"]}
            planned = [c for c in run.changes if c.kind == "section" and c.fields["section_id"] is None]
            for change in planned:
                if change.fields["section_number"] in ids:
                    renames.append((run, ids[change.fields["section_number"]], change.fields["name"][1]))
                else:
                    self.fail(run.run_id, f"section {change.fields['section_number']} is missing after the import")
            if not planned and course_id in revisions:
                fresh[course_id] = (revisions[course_id], payload)
        if new_ids:
            by_course = {v: k for k, v in self.course_ids.items()}
            for forum in forums.forums_from(checked(results[-1])):
                idnumber = by_course.get(forum.courseid)
                if idnumber and forum.type == "news" and idnumber not in self.news_forums:
                    self.news_forums[idnumber] = (forum.id, forum.discussions)
                    self.news_forum_cmids[idnumber] = forum.cmid
        renames += [(run, change.fields["section_id"], change.fields["name"][1])
                    for run, change in self.live_runs(["section"]) if change.fields["section_id"] is not None]
        for run, section_id, name in renames:
            self.single(run.run_id, contents.rename_section(self.courses[run.run_id].format, section_id, name))
        if self.cache:
            renamed = sorted({self.course_ids[run.course_idnumber] for run, _, _ in renames})
            self.cache.put_many("contents", fresh | self._read_contents(renamed))

    def _revisions(self, course_ids: Sequence[int]) -> dict[int, int]:
        """The courses' cacherev, for the observation cache (none without one, or when Moodle does not answer)."""
        if not course_ids or not self.cache:
            return {}
        [answer] = self.client.read_many([courses.by_ids(course_ids)])
        if isinstance(answer, MoodleError):
            log.warning("course revisions not read (%s): the next push reads these courses' contents again", answer)
            return {}
        return {c.id: c.cacherev for c in courses.courses_from(answer)}

    def _read_contents(self, course_ids: Sequence[int]) -> dict[int, tuple[int, Any]]:
        """Contents at a revision read before them, for courses this push changed (renamed sections)."""
        revisions = self._revisions(course_ids)
        ids = [cid for cid in course_ids if cid in revisions]
        answers = self.client.read_many([contents.contents(cid) for cid in ids])
        return {cid: (revisions[cid], contents_payload(answer))
                for cid, answer in zip(ids, answers, strict=True) if not isinstance(answer, MoodleError)}

    def send_all(self, writes: Sequence[tuple[Owner, Write]], items: Sequence[int] | None = None) -> list[Any]:
        """Writes that have no array form, in as few requests as the service allows (`send_many`): each result, or
        the `MoodleError` of one Moodle refused (its owner's run fails); a site-wide error stops the push.
        `items`: how many items each write counts for in the report (one call may set several group modes)."""
        results = send_many(self.client, [write for _, write in writes]) if writes else []
        for (owner, write), result, weight in zip(writes, results, items or [1] * len(writes), strict=True):
            if not isinstance(result, MoodleError):
                self.count(write.wsfunction, weight)
            elif _fatal(result):
                raise result
            else:
                self.fail(owner, str(result))
        return results

    def competencies(self) -> None:
        """The planned frameworks, their competencies a tree level per request (parents first), then every run's
        course links in one request; ratings are never touched."""
        changes = self.plan.competencies
        links = self.live_runs(["link"])
        if not changes and not links:
            return
        self.step("competencies")
        frameworks = {idnumber: f.framework.id for idnumber, f in self.site.frameworks.items()}
        ids = {(idnumber, c.idnumber): c.id for idnumber, f in self.site.frameworks.items() for c in f.competencies.values()}
        creates = [c for c in changes if c.kind == "framework" and c.action == "create"]
        updates = [(None, competencies.update_framework({"id": frameworks[c.key]} | _new_values(c)))
                   for c in changes if c.kind == "framework" and c.action == "update"]
        updates += [(None, competencies.update_competency({"id": ids[(c.fields["framework"], c.key)]} | _new_values(c)))
                    for c in changes if c.kind == "competency" and c.action == "update"]
        results = self.send_all([(None, competencies.create_framework(dict(c.fields))) for c in creates] + updates)
        frameworks |= {c.key: competencies.framework_from(r).id for c, r in zip(creates, results, strict=False)
                       if not isinstance(r, MoodleError)}
        pending = [c for c in changes if c.kind == "competency" and c.action == "create"]
        while pending:
            ready = [c for c in pending if c.fields["framework"] in frameworks
                     and (c.fields["parent"] is None or (c.fields["framework"], c.fields["parent"]) in ids)]
            if not ready:
                for change in pending:
                    self.fail(None, f"competency {change.key}: its framework or parent competency could not be created")
                break
            writes = [(None, competencies.create_competency({
                "shortname": c.fields["shortname"], "idnumber": c.fields["idnumber"], "description": c.fields["description"],
                "competencyframeworkid": frameworks[c.fields["framework"]],
                "parentid": ids.get((c.fields["framework"], c.fields["parent"]), 0)})) for c in ready]
            for change, created in zip(ready, self.send_all(writes), strict=True):
                if not isinstance(created, MoodleError):
                    ids[(change.fields["framework"], change.key)] = competencies.competency_from(created).id
            pending = [c for c in pending if c not in ready]
        self.send_all([(run.run_id, competencies.add_to_course(self.course_ids[run.course_idnumber],
                                                              ids[(c.fields["framework"], c.fields["competency"])]))
                       for run, c in links if (c.fields["framework"], c.fields["competency"]) in ids])

    def enrolments(self) -> None:
        items = []
        for run, change in self.live_runs(["enrolment"]):
            course_id = self.course_ids[run.course_idnumber]
            if change.action == "suspend":
                items.append((run.run_id, {"roleid": change.fields["roleid"], "userid": change.fields["userid"],
                                           "courseid": course_id, "suspend": 1}))
                continue
            user_id = self.user_ids.get(change.fields["email"])
            if user_id is None:
                continue  # the account could not be created; already reported
            items.append((run.run_id, {"roleid": change.fields["roleid"], "userid": user_id, "courseid": course_id,
                                       "suspend": 0}))
        if items:
            self.step("enrolments")
        self.batch(people.ENROL, items)

    def groups(self) -> None:
        doomed = [(run.run_id, c.fields["group_id"]) for run, c in self.live_runs(["group"]) if c.action == "delete"]
        self.batch(groups.DELETE_GROUPS, doomed)
        items = [(run.run_id, {"courseid": self.course_ids[run.course_idnumber], "name": c.fields["name"],
                               "idnumber": c.fields["idnumber"], "description": ""})
                 for run, c in self.live_runs(["group"]) if c.action == "create"]
        if items:
            self.step("groups")
        for _, created in self.batch(groups.CREATE_GROUPS, items):
            self.group_ids |= {str(group.idnumber): group.id for group in created}
        members = []
        for run, change in self.live_runs(["member"]):
            group_id = change.fields["group_id"] or self.group_ids.get(change.fields["group_idnumber"])
            user_id = self.user_ids.get(change.fields["email"])
            if group_id is not None and user_id is not None:
                members.append((run.run_id, {"groupid": group_id, "userid": user_id}))
        self.batch(groups.ADD_MEMBERS, members)

    def events(self) -> None:
        changes = self.live_runs(["event"])
        stale = [(run.run_id, {"eventid": c.fields.get("replaces", c.fields.get("event_id")), "repeat": 0})
                 for run, c in changes if c.action in ("replace", "delete")]
        self.batch(calendar.DELETE_EVENTS, stale)
        items = [(run.run_id, {"name": c.fields["name"], "description": c.fields["description"], "format": 1,
                               "courseid": self.course_ids[run.course_idnumber], "timestart": c.fields["timestart"],
                               "timeduration": c.fields["timeduration"], "eventtype": "course", "visible": 1})
                 for run, c in changes if c.action != "delete"]
        if items:
            self.step("calendar")
        for chunk, warnings in self.batch(calendar.CREATE_EVENTS, items):
            for warning in warnings:
                self.fail(chunk[0][0], f"{calendar.CREATE_EVENTS.wsfunction}: {warning.message}")

    def activities(self) -> None:
        """Renamed announcements forums, corrected group modes (one call per course and mode), then the moved dates:
        a feedback's date that must go first in one round, its partner in the next."""
        writes: list[tuple[RunPlan, Write, int]] = []
        for run, change in self.live_runs(["forum"]):
            cmid = change.fields["cmid"] or self.news_forum_cmids.get(run.course_idnumber)
            if cmid is None:
                self.fail(run.run_id, "the course has no announcements forum to rename")
                continue
            writes.append((run, contents.rename_activity(cmid, change.fields["name"][1]), 1))
        modes: dict[tuple[str, int], tuple[RunPlan, list[int]]] = {}
        for run, change in self.live_runs(["groupmode"]):
            cmid = change.fields["cmid"] or self.imported_cmids.get(run.course_idnumber, {}).get(change.key)
            if cmid is None:
                self.fail(run.run_id, f"activity {change.key!r} is missing after the import")
                continue
            modes.setdefault((run.run_id, change.fields["groupmode"][1]), (run, []))[1].append(cmid)
        writes += [(run, contents.set_group_mode(self.course_ids[run.course_idnumber], cmids, mode), len(cmids))
                   for (_, mode), (run, cmids) in modes.items()]
        moves = self.live_runs(["date"])
        touched: set[int] = set()
        for round_ in (0, 1, 2):
            if round_:
                writes = [(run, calendar.move_to_day(c.fields["event_id"], c.fields["timestamp"][1]), 1)
                          for run, c in moves if c.fields["round"] == round_ and run.run_id not in self.report.failed_runs]
            if not writes:
                continue
            self.step("activities" if round_ == 0 else "dates")
            results = self.send_all([(run.run_id, write) for run, write, _ in writes], [n for _, _, n in writes])
            touched |= {self.course_ids[run.course_idnumber]
                        for (run, _, _), result in zip(writes, results, strict=True) if not isinstance(result, MoodleError)}
        if self.cache and touched:  # each of these writes raised the course's revision past the cached one
            self.cache.put_many("contents", self._read_contents(sorted(touched)))

    def posts(self) -> None:
        """All welcome posts in as few requests as Moodle allows; one whose answer was lost is never sent again."""
        posts = []
        for run, change in self.live_runs(["post"]):
            if run.course_idnumber not in self.news_forums:
                self.fail(run.run_id, "the course has no announcements forum for the welcome post")
                continue
            posts.append((run, change, *self.news_forums[run.course_idnumber]))
        if not posts:
            return
        self.step("welcome posts")
        if self.cache:  # an answer lost on the way must not leave a stale entry
            self.cache.forget("discussions", [forum for _, _, forum, _ in posts])
        writes = [(run.run_id, forums.add_discussion(forum, change.fields["subject"], change.fields["message"]))
                  for run, change, forum, _ in posts]
        posted = {forum: (discussions + 1, [subject_digest(change.fields["subject"])])  # any other change to the
                  for (_, change, forum, discussions), result in zip(posts, self.send_all(writes), strict=True)
                  if not isinstance(result, MoodleError)}  # forum changes its count, so the entry then no longer matches
        if self.cache:
            self.cache.put_many("discussions", posted)

    def apply(self) -> None:
        """Imports run in the background (`push.import_concurrency`) from the moment the courses exist until the
        section names and welcome posts need them; everything else is independent of a course's activities."""
        self.categories()
        self.courses_()
        with ImportPool[tuple[RunPlan, int]](self.push.import_concurrency) as imports:
            self.start_imports(imports)
            for phase in (self.users, self.enrolments, self.groups, self.events, self.competencies):
                phase()
            imported = imports.wait()
        self._after_import(imported)
        self.activities()
        self.posts()


def _new_values(change: Change) -> dict[str, Any]:
    """What an update sends: the new value of each field that drifted."""
    return {name: values[1] for name, values in change.fields.items() if name != "framework"}


def _describe(item: dict[str, Any]) -> str:
    keys = ("idnumber", "shortname", "email", "name", "userid")
    return ", ".join(f"{k}={item[k]}" for k in keys if k in item) or str(sorted(item))


def push(client: MoodleClient, courses: Sequence[DesiredCourse], settings: PushSettings, *,
         prune: bool = False, cache: ObservationCache | None = None, step: Callable[[str], None] = lambda label: None,
         before_apply: Callable[[ObservedSite, Plan], None] = lambda site, plan: None) -> PushReport:
    """Observe, plan and apply; returns what was applied and what failed, per run (see `plan.diff` for `prune`).

    `cache` (the records database's) spares re-reading course contents and discussions that Moodle reports unchanged.
    `before_apply` sees the observation and the plan before anything is written, and may refuse by raising.
    """
    step("reading Moodle")
    site = observe(client, courses, cache=cache, all_groups=prune)
    plan = diff(courses, site, settings, prune=prune)
    before_apply(site, plan)
    report = PushReport(plan, observation=observation_digest(site))
    for run in plan.runs:
        if run.blocked:
            report.failures.setdefault(run.run_id, []).extend(run.problems)
    if plan.problems:  # what the plan could not do (an ambiguous account, a framework on the wrong scale) is not done
        report.failures.setdefault("-", []).extend(plan.problems)
    applier = _Applier(client, site, plan, courses, settings, report, step, cache)
    applier.apply()
    enrolled = [course for course in courses if course.idnumber in plan.evaluation_unknown]
    report.warnings = [*plan.warnings, *_evaluation_rights_after(client, enrolled, settings, report, applier.course_ids)]
    return report


def _evaluation_rights_after(client: MoodleClient, enrolled: Sequence[DesiredCourse], settings: PushSettings,
                             report: PushReport, course_ids: dict[str, int]) -> list[str]:
    """Whether the trainers this push gave their first run courses can read the named evaluation by name: asked once,
    after enrolling, only when no run course showed it before (a first push); a refusal short of a site-wide failure
    is one warning line."""
    done = [course for course in enrolled if course.run_id not in report.failed_runs and course.idnumber in course_ids]
    if not done or people.ENROLLED_USERS_OF_COURSES not in client.site_functions():
        return []
    try:
        holders = read_holders(client, [course_ids[course.idnumber] for course in done])
    except MoodleError as error:
        if isinstance(error, SITE_WIDE):  # as for any command: exit 3; the next push asks along with its reads
            raise
        return [f"not verified whether the trainers can see the evaluation's named answers: {error}"]
    return verdict(done, course_ids, holders, [], settings.teacher_role_id).warnings
