"""Renders every text of a template with the sample run, turning jinja2 errors into problems with file and line.

An unknown variable, a syntax error or a missing file thus fails `validate`, never a real push.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, UndefinedError

from lms_sync.templates.model import CourseTemplate
from lms_sync.templates.problems import TemplateProblem
from lms_sync.templates.rendering import ROLE_VARIABLES, TextRole, render, render_pattern
from lms_sync.templates.sample_run import SAMPLE_CERTIFICATE, SAMPLE_RUN
from lms_sync.templates.toml_locations import KeyPath, line_of

_ROLE_HINTS = {
    TextRole.BLUEPRINT: "this text is compiled into the blueprint course that all runs share, so it can use only "
                        "`template`; put run details into the course summary, events or welcome post",
    TextRole.RUN: "available here: template, run (id, title, start, end, sessions, trainers, participant_count)",
    TextRole.SESSION: "available here: template, run, session (start, end, place, online_url), session_number",
    TextRole.SMALL_GROUP: "available here: template, run, n (the group number, from 1)",
    TextRole.CERTIFICATE: "available here: template, certificate (name, number, workshop_title, sessions, hours, "
                          "topics, competencies, trainers, issued_on, first_day, last_day)",
}


@dataclass(frozen=True)
class TemplateText:
    """One jinja2 text of a template: a file name (`*_file` keys) or an inline pattern (`*_pattern` keys)."""

    key_path: KeyPath
    source: str
    role: TextRole
    is_file: bool


def template_texts(template: CourseTemplate) -> list[TemplateText]:
    """Every jinja2 text of the template, with the TOML key that names it and the role that decides its variables."""
    run, blueprint = TextRole.RUN, TextRole.BLUEPRINT
    texts = [
        TemplateText(("fullname_pattern",), template.fullname_pattern, run, False),
        TemplateText(("shortname_pattern",), template.shortname_pattern, run, False),
        TemplateText(("idnumber_pattern",), template.idnumber_pattern, run, False),
        TemplateText(("summary_file",), template.summary_file, run, True),
        TemplateText(("small_groups", "name_pattern"), template.small_groups.name_pattern, TextRole.SMALL_GROUP, False),
    ]
    texts += [TemplateText(("sections", i, "summary_file"), s.summary_file, blueprint, True)
              for i, s in enumerate(template.sections)]
    for i, activity in enumerate(template.activities):
        texts.append(TemplateText(("activities", i, "intro_file"), activity.intro_file, blueprint, True))
        if activity.content_file:
            texts.append(TemplateText(("activities", i, "content_file"), activity.content_file, blueprint, True))
    if template.questionnaire:
        texts.append(TemplateText(("questionnaire", "intro_file"), template.questionnaire.intro_file, blueprint, True))
    for i, event in enumerate(template.events):
        texts.append(TemplateText(("events", i, "name_pattern"), event.name_pattern, TextRole.SESSION, False))
        texts.append(TemplateText(("events", i, "description_file"), event.description_file, TextRole.SESSION, True))
    if template.welcome_post:
        texts.append(TemplateText(("welcome_post", "subject_pattern"), template.welcome_post.subject_pattern, run, False))
        texts.append(TemplateText(("welcome_post", "message_file"), template.welcome_post.message_file, run, True))
    if template.certificate:
        texts.append(TemplateText(("certificate", "html_file"), template.certificate.html_file, TextRole.CERTIFICATE, True))
    return texts


def _sample_contexts(role: TextRole) -> list[dict[str, Any]]:
    # Every session is tried, so both an on-site and an online branch of an event text get rendered.
    if role is TextRole.SESSION:
        return [{"run": SAMPLE_RUN, "session": session, "session_number": number}
                for number, session in enumerate(SAMPLE_RUN.sessions, start=1)]
    if role is TextRole.SMALL_GROUP:
        return [{"run": SAMPLE_RUN, "n": 1}]
    if role is TextRole.RUN:
        return [{"run": SAMPLE_RUN}]
    if role is TextRole.CERTIFICATE:
        return [{"certificate": SAMPLE_CERTIFICATE}]
    assert ROLE_VARIABLES[role] == ("template",)
    return [{}]


def _innermost_template_line(exc: BaseException, default_file: Path) -> tuple[Path, int | None]:
    # jinja2 rewrites tracebacks so template frames carry the .j2 file name and its line number.
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename.endswith(".j2")]
    if not frames:
        return default_file, None
    return Path(frames[-1].filename), frames[-1].lineno


_NO_ATTRIBUTE = re.compile(r"'(?P<type>[\w.]+) object' has no attribute '(?P<attribute>\w+)'")


def _in_template_terms(message: str, context: dict[str, Any]) -> str:
    """jinja2 names the Python class ("'lms_sync….SampleRun object' has no attribute 'nope'"): say `run.nope`."""
    match = _NO_ATTRIBUTE.fullmatch(message)
    if match is None:
        return message
    names = [name for name, value in context.items()
             if f"{type(value).__module__}.{type(value).__qualname__}" == match["type"]]
    owner = names[0] if names else match["type"].rsplit(".", 1)[-1]
    return f"{owner}.{match['attribute']} ({owner} has no {match['attribute']!r})"


def _render_problem(exc: Exception, text: TemplateText, file: Path, line: int | None,
                    context: dict[str, Any]) -> TemplateProblem:
    if isinstance(exc, TemplateSyntaxError):
        syntax_file = Path(exc.filename) if exc.filename and text.is_file else file
        syntax_line = exc.lineno if text.is_file else line
        return TemplateProblem(syntax_file, syntax_line, f"jinja2 syntax error: {exc.message}",
                               "fix the tag or expression on that line")
    if text.is_file:
        file, line = _innermost_template_line(exc, file)
    if isinstance(exc, UndefinedError):
        return TemplateProblem(file, line, f"unknown variable: {_in_template_terms(exc.message or '', context)}",
                               _ROLE_HINTS[text.role])
    return TemplateProblem(file, line, f"rendering with a sample run failed: {type(exc).__name__}: {exc}",
                           "check the expression on that line")


def text_problems(template: CourseTemplate, manifest: Path, lines: Mapping[KeyPath, int]) -> list[TemplateProblem]:
    """Problems of every text of `template`, rendered with the sample run for each role it has."""
    problems: list[TemplateProblem] = []
    checked: set[tuple[str, TextRole]] = set()
    for text in template_texts(template):
        if (text.source, text.role) in checked and text.is_file:
            continue
        checked.add((text.source, text.role))
        if text.is_file and not (template.path / text.source).is_file():
            problems.append(TemplateProblem(manifest, line_of(lines, text.key_path),
                                            f"file {text.source!r} not found in {template.path}",
                                            "create the file or correct the name"))
            continue
        file = template.path / text.source if text.is_file else manifest
        for context in _sample_contexts(text.role):
            try:
                rendered = (render(template, text.source, **context) if text.is_file
                            else render_pattern(template, text.source, **context))
            except Exception as exc:  # noqa: BLE001 - any failure of a user's text becomes a reported problem
                problems.append(_render_problem(exc, text, file, line_of(lines, text.key_path),
                                                {"template": template, **context}))
                break
            if not text.is_file and not rendered:
                problems.append(TemplateProblem(manifest, line_of(lines, text.key_path),
                                                f"{text.key_path[-1]} renders to empty text",
                                                "give it visible text, e.g. include {{ run.id }}"))
                break
    return problems + _asset_problems(template, manifest, lines)


def _asset_problems(template: CourseTemplate, manifest: Path, lines: Mapping[KeyPath, int]) -> list[TemplateProblem]:
    """Files a text refers to but jinja2 does not read, such as the certificate's logo."""
    logo = template.certificate.logo_file if template.certificate else None
    if logo is None or (template.path / logo).is_file():
        return []
    return [TemplateProblem(manifest, line_of(lines, ("certificate", "logo_file")), f"file {logo!r} not found in "
                            f"{template.path}", "create the file or correct the name")]
