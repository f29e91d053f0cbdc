"""Reads a TOML data file into a pydantic model, turning every syntax and schema error into a file:line problem.

Shared by the competency framework and the offers catalogue; course templates have their own richer loader.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lms_sync.templates.problems import TemplateProblem
from lms_sync.templates.toml_locations import KeyPath, key_lines, line_of

Model = TypeVar("Model", bound=BaseModel)


def key_text(path: KeyPath) -> str:
    """`("competencies", 2, "parent")` -> `competencies[2].parent`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _problem(file: Path, lines: Mapping[KeyPath, int], error: Any) -> TemplateProblem:
    path: KeyPath = tuple(error["loc"])
    line = line_of(lines, path)
    message = re.sub(r"^(Value|Assertion) error, ", "", error["msg"])
    if error["type"] == "extra_forbidden":
        return TemplateProblem(file, line, f"unknown key {key_text(path)!r}", "check its spelling or remove it")
    if error["type"] == "missing":
        return TemplateProblem(file, line, f"missing key {key_text(path)!r}", "add it; see the bundled file for an example")
    return TemplateProblem(file, line, f"{key_text(path)}: {message}", "correct the value")


def read_toml_model(file: Path, model: type[Model]) -> tuple[Model | None, Mapping[KeyPath, int], list[TemplateProblem]]:
    """The validated model (None on problems), the line of every key (for later cross-checks), and the problems."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, {}, [TemplateProblem(file, None, "file not found", "check the path")]
    except UnicodeDecodeError:
        return None, {}, [TemplateProblem(file, None, "not UTF-8 text", "save it as UTF-8")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)$", "", str(exc))
        return None, {}, [TemplateProblem(file, int(found.group(1)) if found else None, f"TOML syntax error: {reason}",
                                          "fix the syntax on that line (quotes, brackets, = between key and value)")]
    lines = key_lines(text)
    try:
        return model.model_validate(data), lines, []
    except ValidationError as exc:
        return None, lines, [_problem(file, lines, error) for error in exc.errors()]
