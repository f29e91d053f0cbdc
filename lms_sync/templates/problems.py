"""Problems found in a course template, each naming the file, the line where known, and what to do.

`TemplateError` carries all problems of a load so the user fixes them in one pass, not one per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TemplateProblem:
    file: Path
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{_display(self.file)}:{self.line}" if self.line else _display(self.file)
        return f"{where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


def _display(path: Path) -> str:
    # Paths below the working directory are shown relative so the messages stay short and clickable.
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class TemplateError(Exception):
    """A template (or several) could not be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))
