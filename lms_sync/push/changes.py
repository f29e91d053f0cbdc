"""The plan's data: `Change` (one write, keyed by a stable identity), `RunPlan` (a run's changes), `Plan` (all).

Plain data, no I/O: `push.plan.diff` makes a plan, `push.apply` applies it, `push.plan_file` saves and compares it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

Kind = Literal["category", "course", "content", "section", "user", "enrolment", "group", "member", "event", "post",
               "forum", "groupmode", "date", "framework", "competency", "link"]
Action = Literal["create", "update", "import", "repair", "rename", "enrol", "suspend", "add", "replace", "post", "delete",
                 "move"]


@dataclass(frozen=True)
class Change:
    kind: Kind
    action: Action
    key: str
    fields: dict[str, Any] = field(default_factory=dict)
    """values to send; for updates {field: [old, new]}"""


@dataclass
class RunPlan:
    run_id: str
    course_idnumber: str
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    blocked: bool = False
    """a problem stops the whole run (e.g. its blueprint course is missing)"""
    notes: list[str] = field(default_factory=list)
    """what push cannot do yet or at all, without stopping the run (dates waiting for Moodle's cron)"""


@dataclass
class Plan:
    categories: list[Change] = field(default_factory=list)
    users: list[Change] = field(default_factory=list)
    competencies: list[Change] = field(default_factory=list)
    """competency frameworks and their competencies (shared by the runs; each run's course links are its own)"""
    runs: list[RunPlan] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """what is wrong in Moodle without stopping anything (trainers who can read a named evaluation by name)"""
    evaluation_unknown: list[str] = field(default_factory=list)
    """course idnumbers whose trainers' evaluation rights can be judged only once push enrolled them"""
    offline: bool = False
    category_ids: dict[str, int] = field(default_factory=dict)
    """desired category idnumber -> id of the Moodle category plan found for it (by idnumber, or adopted by name)"""

    def changes(self) -> list[Change]:
        return [*self.categories, *self.users, *self.competencies,
                *(c for run in self.runs if not run.blocked for c in run.changes)]

    def counts(self) -> dict[str, int]:
        """Changes per action, every action present (0 too): the --json summary has the same counters as the text."""
        counts: dict[str, int] = dict.fromkeys(get_args(Action), 0)
        for change in self.changes():
            counts[change.action] = counts.get(change.action, 0) + 1
        counts["unchanged"] = sum(run.unchanged for run in self.runs)
        return counts

    def counts_by_kind(self) -> dict[str, int]:
        """Changes per kind of object ("link": competency links to courses), every kind present (0 too)."""
        return dict.fromkeys(get_args(Kind), 0) | Counter(change.kind for change in self.changes())

    @property
    def is_empty(self) -> bool:
        return not self.changes()

    def as_dict(self) -> dict[str, Any]:
        return {
            "offline": self.offline,
            "summary": self.counts(),
            "by_kind": self.counts_by_kind(),
            "categories": [asdict(c) for c in self.categories],
            "users": [asdict(c) for c in self.users],
            "competencies": [asdict(c) for c in self.competencies],
            "runs": [asdict(run) for run in self.runs],
            "problems": self.problems,
            "warnings": self.warnings,
        }
