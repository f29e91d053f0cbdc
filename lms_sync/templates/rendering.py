"""jinja2 rendering of a template's texts: HTML files autoescaped, one-line patterns as plain text, both strict.

Every rendered text comes from here, so an unknown variable is always an error and run data is always escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from lms_sync.templates.model import CourseTemplate

_WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"]


class SessionLike(Protocol):
    """One meeting of a run; datetimes are timezone-aware, in the catalogue's local time."""

    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def place(self) -> str | None: ...
    @property
    def online_url(self) -> str | None: ...


class TrainerLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...


class RunLike(Protocol):
    """What templates may use of a workshop run (the catalogue's `WorkshopRun` fits by its attributes)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def sessions(self) -> Sequence[SessionLike]: ...
    @property
    def trainers(self) -> Sequence[TrainerLike]: ...
    @property
    def participant_count(self) -> int: ...


class TextRole(Enum):
    """Where a text ends up, which decides the variables it can use (besides `template`, always there)."""

    BLUEPRINT = "blueprint"  # section summaries, activity and questionnaire texts: one blueprint serves all runs
    RUN = "run"  # course name patterns and summary, welcome post: `run`
    SESSION = "session"  # calendar events: `run`, `session`, `session_number` (1-based)
    SMALL_GROUP = "small_group"  # Kleingruppe names: `run`, `n` (1-based)
    CERTIFICATE = "certificate"  # the Teilnahmebescheinigung's HTML: `certificate` (one person's)


ROLE_VARIABLES: dict[TextRole, tuple[str, ...]] = {
    TextRole.BLUEPRINT: ("template",),
    TextRole.RUN: ("template", "run"),
    TextRole.SESSION: ("template", "run", "session", "session_number"),
    TextRole.SMALL_GROUP: ("template", "run", "n"),
    TextRole.CERTIFICATE: ("template", "certificate"),
}


def date_de(moment: datetime) -> str:
    """`Montag, 2. März 2026` - spelled out, independent of the machine's locale."""
    return f"{_WEEKDAYS[moment.weekday()]}, {moment.day}. {_MONTHS[moment.month - 1]} {moment.year}"


def date_long_de(day: date) -> str:
    """`2. März 2026`: a date as written in a letter or a certificate."""
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def decimal_de(value: float) -> str:
    """15.5 -> `15,5`, 14.0 -> `14`: a number as Germans write it, without a pointless `,0`."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def date_short_de(moment: datetime) -> str:
    return moment.strftime("%d.%m.%Y")


def time_de(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _configure(environment: Environment) -> Environment:
    environment.filters.update(date_de=date_de, date_long_de=date_long_de, date_short_de=date_short_de, time_de=time_de,
                               decimal_de=decimal_de)
    return environment


@lru_cache(maxsize=64)
def file_environment(folder: Path) -> Environment:
    """The environment for a template folder's files: their output becomes Moodle HTML, so it is autoescaped."""
    return _configure(Environment(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    ))


# Patterns produce plain one-line text (course names, subjects) that Moodle escapes itself.
_PATTERN_ENVIRONMENT = _configure(Environment(undefined=StrictUndefined, autoescape=False))


def render(template: CourseTemplate, file_name: str, **context: Any) -> str:
    """Render `file_name` from the template folder as HTML; `template` is added to `context`."""
    # Absolute, so a relative folder cannot hit another folder's cached environment after a chdir (the loader gives
    # templates an absolute path already; resolving it again for every text was a twentieth of checking one).
    folder = template.path if template.path.is_absolute() else template.path.resolve()
    text = file_environment(folder).get_template(file_name).render(template=template, **context)
    return text.strip()


@lru_cache(maxsize=256)
def _compiled_pattern(pattern: str) -> Template:
    """Each pattern is compiled once: compiling costs milliseconds, and a push renders every pattern for every run."""
    return _PATTERN_ENVIRONMENT.from_string(pattern)


def render_pattern(template: CourseTemplate, pattern: str, **context: Any) -> str:
    """Render a one-line pattern such as `KVZ-{{ run.id }}` as plain text, whitespace collapsed."""
    text = _compiled_pattern(pattern).render(template=template, **context)
    return " ".join(text.split())
