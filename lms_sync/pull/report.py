"""`PullReport`: what one pull did per course (read, written, skipped, failed) and in total, for output and journal.

Plain data with `as_dict()` for `--json` and the run journal; the CLI renders the human summary from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from lms_sync.moodle.errors import MoodleError
from lms_sync.records.course_writer import SnapshotCounts
from lms_sync.records.rows import TableCounts

CourseStatus = Literal["ok", "failed", "not_found"]


@dataclass
class CoursePullResult:
    """One selected course: `ok` (written), `failed` (previous records kept) or `not_found` in Moodle."""

    label: str
    status: CourseStatus
    course_id: int | None = None
    idnumber: str | None = None
    run_id: str | None = None
    error: str | None = None
    required: bool = True
    users: int = 0
    completions: int = 0
    feedbacks: int = 0
    responses: int = 0
    non_respondents: int = 0
    """users who were asked by a named feedback and have not answered (Moodle's own count)"""
    competency_ratings: int = 0
    """ratings of participants who opted in to the consultation"""
    counts: SnapshotCounts | None = None
    skipped: list[str] = field(default_factory=list)
    """one line per record or value left out as unreadable"""

    @property
    def failed(self) -> bool:
        return self.status == "failed" or (self.status == "not_found" and self.required)

    def as_dict(self) -> dict[str, Any]:
        data = {key: value for key, value in vars(self).items() if key != "counts"}
        data["changes"] = vars(self.counts.total) if self.counts else None
        data["tables"] = self.counts.as_dict()["tables"] if self.counts else None
        return data


@dataclass
class PullReport:
    """The whole pull: per-course results in selection order, people from the catalogue, WS requests used."""

    courses: list[CoursePullResult] = field(default_factory=list)
    people: TableCounts = field(default_factory=TableCounts)
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    aborted: MoodleError | None = None
    """set when the site, token or connection failed: the pull stopped; courses already written stay complete"""

    @property
    def failed(self) -> list[CoursePullResult]:
        return [course for course in self.courses if course.failed]

    @property
    def written(self) -> list[CoursePullResult]:
        return [course for course in self.courses if course.status == "ok"]

    @property
    def changes(self) -> TableCounts:
        """Rows inserted, updated, unchanged and deleted over all written courses."""
        return sum((course.counts.total for course in self.written if course.counts), TableCounts())

    def total(self, what: str) -> int:
        """Sum of a per-course number (`users`, `completions`, `feedbacks`, `responses`, `competency_ratings`…)."""
        return sum(int(getattr(course, what)) for course in self.written)

    def raise_if_aborted(self) -> None:
        if self.aborted is not None:
            raise self.aborted

    def as_dict(self) -> dict[str, Any]:
        return {
            "courses": [course.as_dict() for course in self.courses],
            "totals": {what: self.total(what) for what in ("users", "completions", "feedbacks", "responses",
                                                            "competency_ratings")}
            | {"courses": len(self.written), "failed": len(self.failed)} | vars(self.changes),
            "people": vars(self.people),
            "requests": self.requests,
            "retries": self.retries,
            "seconds": round(self.seconds, 3),
            "aborted": str(self.aborted) if self.aborted else None,
        }
