"""`pull_courses`: find the selected courses in Moodle, read each one concurrently, and write each in its own
transaction, so one failing course keeps its previous records and the others still land.

A site-wide failure (bad token, outage, maintenance) stops the pull; what was written before stays complete.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lms_sync.config import PushSettings
from lms_sync.moodle.api import courses, site
from lms_sync.moodle.api.calls import ReadFailed, complete, read_failure
from lms_sync.moodle.api.feedback import FEEDBACKS_BY_COURSES, Feedback, feedbacks_from
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import SITE_WIDE, MoodleError
from lms_sync.pull.course_reading import CourseReader, CourseReadError, read_keyed
from lms_sync.pull.report import CoursePullResult, PullReport
from lms_sync.pull.targets import CourseTarget
from lms_sync.push.desired import DesiredCourse
from lms_sync.records.errors import RecordsWriteError
from lms_sync.records.people import Participant
from lms_sync.records.store import RecordsStore

log = logging.getLogger("lms_sync.pull")
DEFAULT_PAGE_SIZE = 100
"""responses per page of `moodle.api.feedback.responses`: large enough for a workshop, small enough for PHP"""

Progress = Callable[[CoursePullResult], None]


@dataclass
class _Located:
    """A target with its result so far and, when Moodle has it, its course record."""

    target: CourseTarget
    result: CoursePullResult
    course: courses.Course | None = None


def pull_courses(
    client: MoodleClient,
    store: RecordsStore,
    targets: Sequence[CourseTarget],
    *,
    catalogue_courses: Sequence[DesiredCourse] = (),
    people: Sequence[Participant] = (),
    page_size: int = DEFAULT_PAGE_SIZE,
    student_role_id: int = PushSettings().student_role_id,
    sync_run_id: int | None = None,
    on_course_done: Progress | None = None,
) -> PullReport:
    """Pull `targets` from Moodle into `store`; returns what happened per course. Never raises for Moodle errors.

    `people` (the catalogue's participants and trainers) are stored first, so names, organisation and opt-in come
    from the catalogue. Completion is read for users with `student_role_id` (push's). A course found by `--course`
    that belongs to one of `catalogue_courses` keeps its run id.
    `on_course_done` is called (from worker threads) once per target. A site-wide failure is in `report.aborted`.
    """
    started = time.monotonic()
    requests, retries = client.ledger.requests, client.ledger.retries
    report = PullReport()
    try:
        if people:
            report.people = store.upsert_people(people)
        if targets:
            _Pull(client, store, report, page_size, student_role_id, sync_run_id, on_course_done).run(
                targets, catalogue_courses)
    except SITE_WIDE as error:
        log.error("pull stopped: %s", error)
        report.aborted = error
    report.requests = client.ledger.requests - requests
    report.retries = client.ledger.retries - retries
    report.seconds = time.monotonic() - started
    return report


class _Pull:
    def __init__(self, client: MoodleClient, store: RecordsStore, report: PullReport, page_size: int,
                 student_role_id: int, sync_run_id: int | None, on_course_done: Progress | None) -> None:
        self.client, self.store, self.report = client, store, report
        self.page_size, self.student_role_id, self.sync_run_id = page_size, student_role_id, sync_run_id
        self.on_course_done = on_course_done or (lambda result: None)
        self.stop = threading.Event()
        # Reads overlap, writes take turns: courses share rows (the site, people met in several courses) that the
        # store creates on first sight, and two transactions creating the same row at once would fail one course.
        self.writing = threading.Lock()
        self.stopped_by: MoodleError | None = None

    def run(self, targets: Sequence[CourseTarget], catalogue_courses: Sequence[DesiredCourse]) -> None:
        try:
            release, located = self._find(targets, {course.idnumber: course for course in catalogue_courses})
        except ReadFailed as error:
            self.report.courses = [CoursePullResult(t.label, "failed", run_id=t.run_id, error=f"finding the course: {error}")
                                   for t in targets]
            for result in self.report.courses:
                self.on_course_done(result)
            return
        feedbacks, feedback_errors = self._feedbacks([found.course.id for found in located if found.course])
        reader = CourseReader(self.client, site_release=release, page_size=self.page_size,
                              student_role_id=self.student_role_id,
                              opted_in=self.store.opted_in_emails)

        def pull(found: _Located) -> CoursePullResult:
            if found.course is not None:
                self._pull_course(reader, found, found.course, feedbacks, feedback_errors.get(found.course.id))
            self.on_course_done(found.result)
            return found.result

        # One request per round when reads are batched: courses run side by side. Unbatched, every read of a
        # round already runs concurrently, so courses go one after another to keep the site's load bounded.
        batched = self.client.batches_reads()
        self.report.courses = self.client.map_concurrently(pull, located) if batched else [pull(f) for f in located]
        if self.stopped_by is not None:
            raise self.stopped_by

    # -- finding the courses --------------------------------------------------------------------------------------

    def _find(self, targets: Sequence[CourseTarget], runs: Mapping[str, DesiredCourse]
              ) -> tuple[str | None, list[_Located]]:
        """The site's release and each target's course record, or its not-found/failed result; twins dropped.

        An all-digit `--course` value is looked up as an id and as an idnumber in the same batch; the id wins.
        A course named twice (a run and its idnumber) is pulled once.
        """
        calls: dict[tuple[str, int], tuple[str, Mapping[str, Any]]] = {("site", 0): site.info()}
        for index, target in enumerate(targets):
            if target.course_id is not None:
                calls[("id", index)] = courses.by_field("id", str(target.course_id))
            if target.idnumber:
                calls[("idnumber", index)] = courses.by_field("idnumber", target.idnumber)
        answers = read_keyed(self.client, calls)
        release = site.release_from(complete(answers[("site", 0)], "site information"))
        located: list[_Located] = []
        seen: set[int] = set()
        for index, target in enumerate(targets):
            result = CoursePullResult(target.label, "ok", run_id=target.run_id, required=target.required)
            try:
                records = [record for kind in ("id", "idnumber") if (kind, index) in calls
                           for record in courses.courses_from(complete(answers[(kind, index)],
                                                                      f"finding course {target.label}"))]
            except ReadFailed as error:
                result.status, result.error = "failed", str(error)
                located.append(_Located(target, result))
                continue
            if not records:
                hint = " (push the run first)" if target.run_id else ""
                result.status = "not_found"
                result.error = f"no Moodle course with id or idnumber {target.label!r}{hint}"
                located.append(_Located(target, result))
                continue
            course = records[0]
            if course.id in seen:
                continue
            seen.add(course.id)
            run = runs.get(course.idnumber)
            if target.run_id is None and run is not None:
                target = target.of_run(run)
                result.run_id = target.run_id
            located.append(_Located(target, result, course))
        return release, located

    def _feedbacks(self, course_ids: list[int]) -> tuple[dict[int, list[Feedback]], dict[int, str]]:
        """Every feedback of the courses, from one call for all (split only if the form-field limit says so), and
        why a course's list is unusable: the call failed, or Moodle's answer carries a warning about the course (one
        naming no course counts for every course)."""
        by_course: dict[int, list[Feedback]] = {course_id: [] for course_id in course_ids}
        failed: dict[int, str] = {}
        if not course_ids:
            return by_course, failed
        try:
            answers = self.client.call_chunked(FEEDBACKS_BY_COURSES, "courseids", course_ids)
        except SITE_WIDE:
            raise
        except MoodleError as error:
            return by_course, dict.fromkeys(course_ids, f"feedback activities: {error}")
        for answer in answers:
            for course_id in course_ids:
                if why := read_failure(answer, "feedback activities", course_id=course_id):
                    failed[course_id] = why
            for feedback in feedbacks_from(answer)[0]:
                if feedback.courseid in by_course:
                    by_course[feedback.courseid].append(feedback)
        return by_course, failed

    # -- one course -----------------------------------------------------------------------------------------------

    def _pull_course(self, reader: CourseReader, found: _Located, course: courses.Course,
                     feedbacks: Mapping[int, list[Feedback]], feedback_error: str | None) -> None:
        result = found.result
        course_id = course.id
        result.course_id, result.idnumber = course_id, course.idnumber or None
        started_at = datetime.now(UTC)
        if self.stop.is_set():
            result.status, result.error = "failed", f"not pulled: the pull stopped ({self.stopped_by})"
            return
        try:
            if feedback_error:
                raise CourseReadError(feedback_error)
            read = reader.read(found.target, course, feedbacks.get(course_id, []))
        except SITE_WIDE as error:
            self._stop(error)
            result.status, result.error = "failed", f"not pulled: {error}"
            return
        except ReadFailed as error:
            log.error("%s: not pulled, its previous records are kept: %s", result.label, error)
            result.status, result.error = "failed", str(error)
            self.store.record_course_pull(self.client.url, course_id, result.idnumber, started_at, None,
                                          error=str(error), sync_run_id=self.sync_run_id)
            return
        snapshot = read.snapshot
        result.skipped = read.skipped
        result.users, result.completions = len(snapshot.users), len(snapshot.completions)
        result.feedbacks = len(snapshot.feedback)
        result.responses = sum(len(feedback.attempts) for feedback in snapshot.feedback)
        result.non_respondents = read.non_respondents
        result.competency_ratings = len(snapshot.competency_ratings)
        if self.stop.is_set():
            result.status, result.error = "failed", f"not written: the pull stopped ({self.stopped_by})"
            return
        try:
            with self.writing:
                result.counts = self.store.replace_course_snapshot(snapshot, sync_run_id=self.sync_run_id,
                                                                   pull_started_at=started_at)
        except RecordsWriteError as error:
            log.error("%s: %s", result.label, error)
            result.status, result.error = "failed", str(error)

    def _stop(self, error: MoodleError) -> None:
        if not self.stop.is_set():
            self.stopped_by = error
            self.stop.set()
