"""Reads one Moodle course for a pull in two rounds of batched reads and builds its `CourseSnapshot`.

Round one: enrolled users (all, and the ids of those whose enrolment is active now) and, per feedback, its items, the
first page of responses and (named feedback only) the non-respondents; round two: every student's completion and the
remaining pages of responses. Competency ratings follow only for participants who opted in to the consultation.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from lms_sync.competencies.pull import CompetencyPull, pull_ratings
from lms_sync.moodle.api import completion, people
from lms_sync.moodle.api import feedback as feedback_api
from lms_sync.moodle.api.calls import ReadFailed, complete
from lms_sync.moodle.api.courses import Course
from lms_sync.moodle.api.feedback import Feedback
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import SITE_WIDE, MoodleError
from lms_sync.moodle.fields import Skip, moodle_time, prefixed, reason
from lms_sync.pull.enrolment_reading import completion_record, enrolled_users, students
from lms_sync.pull.feedback_reading import instrument, title
from lms_sync.pull.targets import CourseTarget
from lms_sync.records.snapshot import CompletionRecord, CourseSnapshot, EnrolledUser, FeedbackInstrument

log = logging.getLogger("lms_sync.pull")
K = TypeVar("K", bound=Hashable)

_NOT_ENROLLED = "usernotenroled"  # the user left the course between our reads, or their enrolment is not active


class CourseReadError(ReadFailed):
    """This course cannot be read as a whole (as `ReadFailed`, which `complete` raises for one read): the course keeps
    its previous records, the others go on."""


@dataclass
class CourseRead:
    """One course as read from Moodle, ready to be written."""

    snapshot: CourseSnapshot
    non_respondents: int = 0
    skipped: list[str] = field(default_factory=list)


def read_keyed(client: MoodleClient, calls: Mapping[K, tuple[str, Mapping[str, Any]]]) -> dict[K, Any]:
    """`client.read_many` over named calls: each key gets its call's result or the `MoodleError` it raised.

    A refused batch request as a whole fails all of its calls: site-wide errors are raised as they are, any other
    as `CourseReadError`.
    """
    try:
        return dict(zip(calls, client.read_many(list(calls.values())), strict=True))
    except SITE_WIDE:
        raise
    except MoodleError as error:
        raise CourseReadError(str(error)) from None


class CourseReader:
    """Reads courses of one site; safe to use from several threads at once."""

    def __init__(self, client: MoodleClient, *, site_release: str | None, page_size: int, student_role_id: int,
                 opted_in: Callable[[Iterable[str]], set[str]]) -> None:
        """`opted_in(emails)` says who agreed to the consultation: only their competency ratings are read."""
        self.client = client
        self.student_role_id = student_role_id
        self.site_release = site_release
        self.page_size = page_size
        self.opted_in = opted_in

    def read(self, target: CourseTarget, course: Course, feedbacks: Sequence[Feedback]) -> CourseRead:
        """Everything lms-sync keeps about `course`."""
        skipped: list[str] = []

        def skip(message: str) -> None:
            log.warning("%s: %s (skipped)", target.label, message)
            skipped.append(message)

        course_id = course.id
        feedback_ids = [feedback.id for feedback in feedbacks]
        first: dict[tuple[str, int], tuple[str, Mapping[str, Any]]] = {
            ("users", 0): people.enrolled_users(course_id),
            ("active_users", 0): people.enrolled_users(course_id, people.ACTIVE_IDS_ONLY),
        }
        for feedback, feedback_id in zip(feedbacks, feedback_ids, strict=True):
            first[("items", feedback_id)] = feedback_api.items(feedback_id)
            first[("responses", feedback_id)] = feedback_api.responses(feedback_id, 0, self.page_size)
            if not feedback.anonymous:  # Moodle refuses anonymous ones (errorcode "anonymous")
                first[("non_respondents", feedback_id)] = feedback_api.non_respondents(feedback_id)
        answers = read_keyed(self.client, first)
        listed = complete(answers[("users", 0)], "enrolled users") or []
        members = people.members_from(listed, skip)
        users = enrolled_users(members, active=self._active_user_ids(answers[("active_users", 0)], skip))
        if listed and not users:
            # Storing nobody would erase the course's participants from the records: a site setting hides them.
            raise CourseReadError(f"none of the {len(listed)} enrolled users could be read (are e-mail addresses "
                                  "hidden from the web-service user? it needs moodle/course:viewhiddenuserfields)")
        pages = {fid: [feedback_api.page_from(complete(answers[("responses", fid)], f"responses to feedback {fid}"))]
                 for fid in feedback_ids}

        second: dict[tuple[str, int, int], tuple[str, Mapping[str, Any]]] = {}
        for user_id in students(members, users, self.student_role_id):
            second[("course", user_id, 0)] = completion.of_course(course_id, user_id)
            second[("activities", user_id, 0)] = completion.of_activities(course_id, user_id)
        for feedback_id in feedback_ids:
            for page in range(1, self._pages(pages[feedback_id][0])):
                second[("page", feedback_id, page)] = feedback_api.responses(feedback_id, page, self.page_size)
        more = read_keyed(self.client, second)
        for (kind, feedback_id, _), result in more.items():
            if kind == "page":
                pages[feedback_id].append(feedback_api.page_from(complete(result, f"responses to feedback {feedback_id}")))

        ratings = self._competency_ratings(course_id, users)
        instruments: list[FeedbackInstrument] = []
        non_respondents = 0
        for feedback, feedback_id in zip(feedbacks, feedback_ids, strict=True):
            items = feedback_api.items_from(complete(answers[("items", feedback_id)], f"items of feedback {feedback_id}"),
                                            prefixed(skip, f"feedback {title(feedback)!r}"))
            if ("non_respondents", feedback_id) in answers:
                asked = complete(answers[("non_respondents", feedback_id)], f"non-respondents of feedback {feedback_id}")
                non_respondents += feedback_api.non_respondents_from(asked)
            found = instrument(feedback, items, pages[feedback_id], skip)
            if found is not None:
                instruments.append(found)
        try:
            snapshot = CourseSnapshot(
                site_url=self.client.url,
                site_release=self.site_release,
                course_id=course_id,
                idnumber=course.idnumber or None,
                shortname=course.shortname,
                fullname=course.fullname,
                startdate=moodle_time(course.startdate),
                enddate=moodle_time(course.enddate),
                run_id=target.run_id,
                template=target.template,
                users=users,
                completions=self._completions(more, skip),
                feedback=tuple(instruments),
                competencies=ratings.competencies,
                competency_ratings=(*ratings.ratings, *ratings.plan_ratings),
            )
        except ValidationError as error:
            raise CourseReadError(f"Moodle's data for this course does not fit together: {reason(error)}") from None
        return CourseRead(snapshot, non_respondents, skipped)

    def _competency_ratings(self, course_id: int, users: Sequence[EnrolledUser]) -> CompetencyPull:
        consenting = self.opted_in(user.email for user in users)
        try:
            return pull_ratings(self.client, course_id, [user.user_id for user in users if user.email in consenting])
        except SITE_WIDE:
            raise
        except MoodleError as error:
            # Without them the course's stored ratings would be dropped: keep the course as it was instead.
            raise CourseReadError(f"competency ratings: {error}") from None

    @staticmethod
    def _active_user_ids(answer: Any, skip: Skip) -> set[int] | None:
        """Who Moodle lists as actively enrolled; None (status unknown) when it refuses to say for this course."""
        if isinstance(answer, MoodleError) and not isinstance(answer, SITE_WIDE):
            # The participants are still worth storing; only whether their enrolment is active stays open.
            skip(f"enrolment status of every user (stored as unknown): {answer} (onlyactive needs the capability "
                 "moodle/course:enrolreview)")
            return None
        return people.active_ids_from(complete(answer, "active enrolments"))

    def _pages(self, first_page: feedback_api.Page) -> int:
        """How many pages hold all named and anonymous attempts (both lists are paged alike)."""
        return max(1, math.ceil(first_page.total / self.page_size)) if self.page_size > 0 else 1

    @staticmethod
    def _completions(results: Mapping[tuple[str, int, int], Any], skip: Skip) -> tuple[CompletionRecord, ...]:
        records: list[CompletionRecord] = []
        for (kind, user_id, _), course_status in results.items():
            if kind != "course":
                continue
            activities = results[("activities", user_id, 0)]
            if any(isinstance(r, MoodleError) and r.errorcode == _NOT_ENROLLED for r in (course_status, activities)):
                skip(f"completion of user {user_id}: not read, Moodle counts them as not enrolled (left the course, "
                     "or their enrolment is suspended)")
                continue
            if isinstance(course_status, MoodleError) and course_status.errorcode in completion.NO_COURSE_COMPLETION:
                course_status = None  # the course tracks no completion; activity completion may still be there
            where = f"activity completion of user {user_id}"
            records.append(completion_record(
                user_id,
                completion.course_completion_from(complete(course_status, f"course completion of user {user_id}")),
                completion.activity_states_from(complete(activities, where), prefixed(skip, where)),
            ))
        return tuple(records)
