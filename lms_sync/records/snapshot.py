"""What one pull of one Moodle course hands to the records store: typed, validated, with Moodle ids as keys.

The pull builds a `CourseSnapshot` from web-service answers; `RecordsStore.replace_course_snapshot` writes it in one go.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator


def _moodle_time(value: Any) -> Any:
    """Moodle sends unix seconds and 0 for "never"; naive datetimes are taken as UTC."""
    if value in (0, "0", None):
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


MoodleTime = Annotated[datetime | None, BeforeValidator(_moodle_time)]


def _reject_duplicates(what: str, keys: Iterable[object]) -> None:
    twins = sorted(str(key) for key, seen in Counter(keys).items() if seen > 1)
    if twins:
        raise ValueError(f"{what} appear more than once: {', '.join(twins)}")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Moodle's user_enrolments.status: 0 active, 1 suspended. The web services cannot tell a suspended enrolment from one
# outside its dates or of a disabled enrolment method, so "not active" stands for all of them.
ENROLMENT_ACTIVE: Final = 0
ENROLMENT_NOT_ACTIVE: Final = 1


class EnrolledUser(_Frozen):
    """A user enrolled in the course (`moodle.api.people.enrolled_users`), with role shortnames and ids, group names and
    whether the enrolment is active now (`status`: `ENROLMENT_ACTIVE`, `ENROLMENT_NOT_ACTIVE`, or None when Moodle did
    not say). Reports know participants and trainers by `role_ids` (push's role ids); `roles` are for people.
    """

    user_id: int
    email: str
    firstname: str = ""
    lastname: str = ""
    institution: str = ""
    roles: tuple[str, ...] = ()
    role_ids: tuple[int, ...] = ()
    """sorted"""
    groups: tuple[str, ...] = ()
    status: Literal[0, 1] | None = None
    timestart: MoodleTime = None
    timeend: MoodleTime = None
    lastaccess: MoodleTime = None

    @field_validator("email")
    @classmethod
    def _normalised_email(cls, value: str) -> str:
        value = value.strip().lower()
        if "@" not in value:
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class ActivityCompletion(_Frozen):
    """One activity's completion state for one user (`moodle.api.completion.of_activities`)."""

    cmid: int
    modname: str
    state: int
    timecompleted: MoodleTime = None


class CompletionRecord(_Frozen):
    """Course and activity completion of one enrolled user."""

    user_id: int
    completed: bool
    timecompleted: MoodleTime = None
    activities: tuple[ActivityCompletion, ...] = ()

    @model_validator(mode="after")
    def _one_state_per_activity(self) -> CompletionRecord:
        _reject_duplicates(f"activities of user {self.user_id}", (a.cmid for a in self.activities))
        return self


class FeedbackItem(_Frozen):
    """One question of a feedback (`moodle.api.feedback.items`); scale bounds are set for rated items."""

    item_id: int
    label: str = ""
    typ: str
    question: str
    presentation: str = ""
    position: int
    scale_min: float | None = None
    scale_max: float | None = None


class FeedbackAnswer(_Frozen):
    """A typed answer: numeric for rated/choice items, text for free text (both may be set, never neither)."""

    item_id: int
    numeric_value: float | None = None
    text_value: str | None = None

    @model_validator(mode="after")
    def _has_value(self) -> FeedbackAnswer:
        if self.numeric_value is None and self.text_value is None:
            raise ValueError(f"answer to item {self.item_id} has neither a numeric nor a text value; skip empty answers")
        return self


class FeedbackAttempt(_Frozen):
    """One submitted feedback. An anonymous attempt carries neither a user id nor Moodle's attempt id: the type
    refuses both, because Moodle's feedback_completed row of that id holds the user id of whoever answered."""

    attempt_id: int | None = Field(default=None, description="Moodle's feedback_completed id; named attempts only")
    anonymous: bool
    user_id: int | None = None
    submitted_at: MoodleTime = None
    answers: tuple[FeedbackAnswer, ...] = ()

    @model_validator(mode="after")
    def _anonymous_means_unlinked(self) -> FeedbackAttempt:
        if self.anonymous and (self.user_id is not None or self.attempt_id is not None or self.submitted_at):
            raise ValueError("an anonymous attempt carries a user id, Moodle's attempt id or a time; it must not")
        if not self.anonymous and (self.user_id is None or self.attempt_id is None):
            raise ValueError(f"named attempt {self.attempt_id} has no user id or no attempt id")
        _reject_duplicates(f"answers of attempt {self.attempt_id or '(anonymous)'} to items",
                           (a.item_id for a in self.answers))
        return self


class FeedbackInstrument(_Frozen):
    """A feedback activity of the course with its items and all submitted attempts."""

    feedback_id: int
    cmid: int | None = None
    name: str
    anonymous: bool
    items: tuple[FeedbackItem, ...] = ()
    attempts: tuple[FeedbackAttempt, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> FeedbackInstrument:
        _reject_duplicates(f"items of feedback {self.feedback_id}", (i.item_id for i in self.items))
        _reject_duplicates(f"attempts of feedback {self.feedback_id}",
                           (a.attempt_id for a in self.attempts if a.attempt_id is not None))
        if self.anonymous and any(not attempt.anonymous for attempt in self.attempts):
            raise ValueError(f"anonymous feedback {self.feedback_id} contains a named attempt")
        known_items = {item.item_id for item in self.items}
        stray = sorted({a.item_id for t in self.attempts for a in t.answers} - known_items)
        if stray:
            raise ValueError(f"feedback {self.feedback_id} has answers to unknown items {stray}")
        return self


class Competency(_Frozen):
    """A competency the course's ratings refer to, with its framework."""

    competency_id: int
    idnumber: str
    shortname: str
    parent_id: int | None = None
    framework_id: int
    framework_idnumber: str
    framework_shortname: str


class CompetencyRating(_Frozen):
    """A user's rating of one competency in this course (user_competency_course) or, with a plan id, in one of the
    user's learning plans as seen from this course (user_competency_plan, or the live rating of an active plan)."""

    user_id: int
    competency_id: int
    plan_id: int | None = Field(default=None, description="the learning plan's Moodle id; None for the course rating")
    plan_name: str = ""
    rating: int | None = None
    proficient: bool | None = None
    grade_label: str = ""
    evidence_note: str = ""
    rated_at: MoodleTime = None

    @model_validator(mode="after")
    def _plan_name_needs_plan(self) -> CompetencyRating:
        if self.plan_name and self.plan_id is None:
            raise ValueError(f"rating of competency {self.competency_id} names plan {self.plan_name!r} but has no plan id")
        return self


class CourseSnapshot(_Frozen):
    """Everything pulled from one Moodle course; the store makes the records match it exactly."""

    site_url: str
    site_release: str | None = None
    course_id: int
    idnumber: str | None = None
    shortname: str
    fullname: str
    startdate: MoodleTime = None
    enddate: MoodleTime = None
    run_id: str | None = Field(default=None, description="the catalogue run this course belongs to, if lms-sync made it")
    template: str | None = Field(default=None, description="the course template slug, if known")
    pulled_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    users: tuple[EnrolledUser, ...] = ()
    completions: tuple[CompletionRecord, ...] = ()
    feedback: tuple[FeedbackInstrument, ...] = ()
    competencies: tuple[Competency, ...] = ()
    competency_ratings: tuple[CompetencyRating, ...] = ()

    @field_validator("site_url")
    @classmethod
    def _site_url(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _references_resolve(self) -> CourseSnapshot:
        _reject_duplicates("enrolled user ids", (u.user_id for u in self.users))
        _reject_duplicates("completion records for user ids", (c.user_id for c in self.completions))
        _reject_duplicates("feedback ids", (f.feedback_id for f in self.feedback))
        _reject_duplicates("competency ids", (c.competency_id for c in self.competencies))
        _reject_duplicates(
            "competency ratings (user, competency, plan)",
            ((r.user_id, r.competency_id, r.plan_id) for r in self.competency_ratings),
        )
        enrolled = {user.user_id for user in self.users}
        referenced = {c.user_id for c in self.completions} | {r.user_id for r in self.competency_ratings}
        unknown_users = sorted(referenced - enrolled)
        if unknown_users:
            raise ValueError(f"completion or ratings for users not enrolled in the course: {unknown_users}")
        known_competencies = {c.competency_id for c in self.competencies}
        unknown_competencies = sorted({r.competency_id for r in self.competency_ratings} - known_competencies)
        if unknown_competencies:
            raise ValueError(f"ratings refer to competencies not listed in the snapshot: {unknown_competencies}")
        return self
