"""Collecting catalogue problems while loading one run, and wording pydantic's errors for people.

A run with any error recorded against it is skipped; warnings only inform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from lms_sync.catalogue.model import CatalogueProblem


def describe_validation_error(error: ValidationError) -> str:
    """"email: 'x' is not a valid e-mail address ..." instead of pydantic's "Value error, ..." lines."""
    parts = []
    for detail in error.errors():
        message = detail["msg"].removeprefix("Value error, ")
        field_path = ".".join(str(part) for part in detail["loc"])
        parts.append(f"{field_path}: {message}" if field_path else message)
    return "; ".join(parts)


@dataclass
class ProblemLog:
    """Problems of one file, tagged with the run being read; knows whether that run has an error."""

    file: Path
    run_id: str | None = None
    problems: list[CatalogueProblem] = field(default_factory=list)
    _errors_of_current_run: int = 0

    def start_run(self, run_id: str | None) -> None:
        self.run_id = run_id
        self._errors_of_current_run = 0

    @property
    def current_run_failed(self) -> bool:
        return self._errors_of_current_run > 0

    def error(self, line: int | None, message: str, *, file: Path | None = None) -> None:
        self._add(CatalogueProblem(file=file or self.file, line=line, run_id=self.run_id, message=message))

    def warning(self, line: int | None, message: str, *, file: Path | None = None) -> None:
        self._add(CatalogueProblem(
            file=file or self.file, line=line, run_id=self.run_id, message=message, severity="warning",
        ))

    def adopt(self, problems: list[CatalogueProblem]) -> None:
        """Take problems found elsewhere (a participants CSV) as problems of the current run."""
        for problem in problems:
            self._add(problem.model_copy(update={"run_id": self.run_id}))

    def _add(self, problem: CatalogueProblem) -> None:
        self.problems.append(problem)
        if problem.severity == "error":
            self._errors_of_current_run += 1
