"""`SyncReport`: what one `lms-sync sync` did — steps, counts, errors per run, why it stopped — for output and journal.

Plain data: the CLI renders it (text, `--quiet`, `--json`) and `counts()`/`journal_errors()` go into the run journal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

from lms_sync.check import CheckReport
from lms_sync.pull import PullReport
from lms_sync.push.apply import PushReport

UNKNOWN_OUTCOME = "a write's outcome is unknown, re-run to reconcile"
Step = Literal["catalogue", "check", "push", "pull", "retention"]


@dataclass(frozen=True)
class SyncError:
    """One failure: the step it happened in and the workshop run it belongs to (None: not one run's)."""

    step: Step
    run_id: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.step}{f' {self.run_id}' if self.run_id else ''}: {self.message}"


@dataclass
class SyncReport:
    journal_id: int
    started_at: datetime
    steps: tuple[str, ...]
    finished_at: datetime | None = None
    active_runs: list[str] = field(default_factory=list)
    inactive_runs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    check: CheckReport | None = None
    push: PushReport | None = None
    pull: PullReport | None = None
    purged: dict[str, int] | None = None
    errors: list[SyncError] = field(default_factory=list)
    stopped: str | None = None
    """why the sync stopped early (the site, token or connection failed); later steps did not run"""
    outcome_unknown: bool = False
    """it stopped on a write that got no reliable answer: it may have happened; the next sync reconciles"""
    ws_requests: int = 0
    ws_retries: int = 0

    @property
    def status(self) -> Literal["ok", "partial", "failed"]:
        if self.stopped is not None:
            return "failed"
        return "partial" if self.errors else "ok"

    @property
    def failed_runs(self) -> list[str]:
        return sorted({error.run_id for error in self.errors if error.run_id})

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else 0.0

    def counts(self) -> dict[str, Any]:
        """The numbers worth keeping in the journal: runs, planned/applied push changes, pulled rows, purged rows."""
        counts: dict[str, Any] = {"active_runs": len(self.active_runs), "inactive_runs": len(self.inactive_runs),
                                  "failed_runs": len(self.failed_runs)}
        if self.push is not None:
            counts["push"] = self.push.plan.counts()
            counts["applied"] = dict(self.push.applied)
        if self.pull is not None:
            counts["pull"] = {"courses": len(self.pull.written), "failed": len(self.pull.failed),
                              "users": self.pull.total("users"), "responses": self.pull.total("responses")}
            counts["pull"] |= vars(self.pull.changes)
        if self.purged is not None:
            counts["purged"] = self.purged
        return counts

    @property
    def stop_reason(self) -> str | None:
        """Why it stopped, saying first when a write's outcome is unknown (the journal's and the output's words)."""
        return f"{UNKNOWN_OUTCOME}: {self.stopped}" if self.outcome_unknown else self.stopped

    @property
    def push_warnings(self) -> list[str]:
        """Push's warnings, prefixed as sync shows them. Only these are journaled: a catalogue warning may name a
        person (one listed twice under two addresses), and the journal is kept when a person is erased."""
        return [f"push: {warning}" for warning in self.push.warnings] if self.push is not None else []

    def journal_errors(self) -> list[dict[str, Any]]:
        stop = [{"step": "sync", "run_id": None, "message": self.stop_reason}] if self.stopped else []
        return [asdict(error) for error in self.errors] + stop

    def as_dict(self) -> dict[str, Any]:
        return {
            "journal_id": self.journal_id,
            "status": self.status,
            "steps": list(self.steps),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "active_runs": self.active_runs,
            "inactive_runs": self.inactive_runs,
            "failed_runs": self.failed_runs,
            "warnings": self.warnings,
            "counts": self.counts(),
            "errors": self.journal_errors(),
            "stopped": self.stopped,
            "outcome_unknown": self.outcome_unknown,
            "check": self.check.as_dict() if self.check else None,
            "ws_requests": self.ws_requests,
            "ws_retries": self.ws_retries,
        }
