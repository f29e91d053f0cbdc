"""Loads `course_templates/<slug>/template.toml` into a `CourseTemplate`, or lists every problem found on the way.

TOML errors, schema errors, cross-reference errors and jinja2 errors are all reported as file:line problems.
"""

from __future__ import annotations

import re
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from lms_sync.templates.consistency import consistency_findings
from lms_sync.templates.model import CourseTemplate
from lms_sync.templates.problems import TemplateError, TemplateProblem
from lms_sync.templates.text_checks import text_problems
from lms_sync.templates.toml_locations import KeyPath, key_lines, line_of

MANIFEST_NAME = "template.toml"
_FROM_FOLDER = ("slug", "path")


def _key_text(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _model_at(path: KeyPath) -> type[BaseModel] | None:
    """The model class that owns the table at `path`, to list its allowed keys in a hint."""
    model: Any = CourseTemplate
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        model = field.annotation
        while typing.get_origin(model) in (list, typing.Union, types.UnionType):
            model = next(arg for arg in typing.get_args(model) if arg is not type(None))
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _schema_problem(error: Any, manifest: Path, lines: Mapping[KeyPath, int]) -> TemplateProblem:
    path: KeyPath = tuple(error["loc"])
    line = line_of(lines, path)
    key = _key_text(path)
    message = re.sub(r"^(Value|Assertion) error, ", "", error["msg"])
    if error["type"] == "extra_forbidden":
        owner = _model_at(path[:-1])
        allowed = ", ".join(name for name in owner.model_fields if name not in _FROM_FOLDER) if owner else ""
        return TemplateProblem(manifest, line, f"unknown key {key!r}",
                               f"check its spelling; allowed here: {allowed}" if allowed else "remove it")
    if error["type"] == "missing":
        return TemplateProblem(manifest, line, f"missing key {key!r}", "add it; see the bundled template for an example")
    shown = error.get("input")
    value = f" = {shown!r}" if isinstance(shown, (str, int, float, bool)) and path else ""
    return TemplateProblem(manifest, line, f"{key}{value}: {message}", "correct the value")


def _read_manifest(folder: Path) -> tuple[Path, str, dict[str, Any]]:
    manifest = folder / MANIFEST_NAME
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TemplateError([TemplateProblem(manifest, None, "no template.toml in the template folder",
                                             "every folder under the templates directory needs one")]) from None
    except UnicodeDecodeError:
        raise TemplateError([TemplateProblem(manifest, None, "not UTF-8 text", "save it as UTF-8")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)$", "", getattr(exc, "msg", str(exc)))
        hint = "fix the syntax on that line (quotes, brackets, = between key and value)"
        raise TemplateError([TemplateProblem(manifest, line, f"TOML syntax error: {reason}", hint)]) from None
    return manifest, text, data


def _line_from_message(message: str) -> int | None:
    # Python 3.11/3.12 only put the position into the message text.
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None


def check_template(folder: Path) -> tuple[CourseTemplate | None, list[TemplateProblem]]:
    """The template in `folder` and every problem found; the template is None when it could not be built."""
    try:
        manifest, text, data = _read_manifest(folder)
    except TemplateError as error:
        return None, error.problems
    lines = key_lines(text)
    reserved = [TemplateProblem(manifest, line_of(lines, (key,)), f"unknown key {key!r}",
                                "the slug and path come from the folder; remove the key")
                for key in _FROM_FOLDER if key in data]
    try:
        template = CourseTemplate.model_validate({**data, "slug": folder.name, "path": folder.resolve()})
    except ValidationError as exc:
        return None, reserved + [_schema_problem(error, manifest, lines) for error in exc.errors()]
    problems = reserved + [TemplateProblem(manifest, line_of(lines, path), message, hint)
                           for path, message, hint in consistency_findings(template)]
    return template, problems + text_problems(template, manifest, lines)


def load_template(folder: Path) -> CourseTemplate:
    """The valid template in `folder`; raises `TemplateError` listing every problem otherwise."""
    template, problems = check_template(folder)
    if problems or template is None:
        raise TemplateError(problems)
    return template


def template_folders(root: Path) -> list[Path]:
    """The template folders under `root` (every sub-folder holding a template.toml), sorted by slug."""
    if not root.is_dir():
        raise TemplateError([TemplateProblem(root, None, "templates directory not found",
                                             "set catalogue.templates_dir in lms-sync.toml or pass --templates-dir")])
    return sorted(path.parent for path in root.glob(f"*/{MANIFEST_NAME}"))


def validate_templates(root: Path, slugs: list[str] | None = None) -> list[TemplateProblem]:
    """Every problem of the templates under `root` (only `slugs` if given; an unknown slug is a problem too)."""
    folders = {folder.name: folder for folder in template_folders(root)}
    problems = [TemplateProblem(root / slug, None, f"no template {slug!r}", f"known: {', '.join(folders) or 'none'}")
                for slug in slugs or [] if slug not in folders]
    for slug, folder in folders.items():
        if not slugs or slug in slugs:
            problems += check_template(folder)[1]
    return problems


def load_templates(root: Path) -> dict[str, CourseTemplate]:
    """All templates under `root` by slug; raises `TemplateError` with the problems of every invalid one."""
    templates: dict[str, CourseTemplate] = {}
    problems: list[TemplateProblem] = []
    for folder in template_folders(root):
        template, found = check_template(folder)
        problems += found
        if template is not None:
            templates[template.slug] = template
    if problems:
        raise TemplateError(problems)
    return templates
