"""The workshop catalogue as data: runs, their sessions, trainers and participants, and the problems found loading them.

Pure pydantic models with no I/O; the loader builds them, plan/push and the reports read them.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    field_validator,
    model_validator,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 60
# Deliberately loose: Moodle decides what it accepts; this only catches typos such as a missing @ or domain.
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]{2,}$")


class Sector(StrEnum):
    """Where a person works; the small-group policy mixes sectors."""

    ADMINISTRATION = "Verwaltung"
    CIVIL_SOCIETY = "Zivilgesellschaft"
    POLITICS = "Politik"
    OTHER = "Sonstige"


def check_slug(value: str, what: str) -> str:
    """Return `value` if it is a slug usable in Moodle idnumbers, else raise ValueError saying how to write one."""
    if not SLUG_PATTERN.match(value) or len(value) > SLUG_MAX_LENGTH:
        raise ValueError(
            f"{what} {value!r} must use only a-z, 0-9 and single hyphens (at most {SLUG_MAX_LENGTH} characters), "
            "for example 'kvz-2027-01'"
        )
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceLocation(_Frozen):
    """Where something was defined: a file and a 1-based line."""

    file: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else str(self.file)


class Person(_Frozen):
    email: str
    firstname: str
    lastname: str
    organisation: str | None = None
    sector: Sector = Sector.OTHER

    @field_validator("email", "firstname", "lastname", "organisation", mode="before")
    @classmethod
    def _no_invisible_characters(cls, value: object) -> object:
        if isinstance(value, str):
            for position, character in enumerate(value, start=1):
                if unicodedata.category(character) in ("Cc", "Cf") and character not in "\t\r\n":
                    name = unicodedata.name(character, "a control character")
                    raise ValueError(f"holds an invisible character (U+{ord(character):04X} {name}) at position "
                                     f"{position}: retype the value without it")
        return value

    @field_validator("email")
    @classmethod
    def _normalise_email(cls, value: str) -> str:
        value = value.strip().lower()
        if not EMAIL_PATTERN.match(value):
            raise ValueError(f"{value!r} is not a valid e-mail address (write it as name@example.org)")
        return value

    @field_validator("firstname", "lastname")
    @classmethod
    def _non_empty_name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("organisation")
    @classmethod
    def _blank_organisation_is_none(cls, value: str | None) -> str | None:
        value = " ".join(value.split()) if value else ""
        return value or None

    @property
    def fullname(self) -> str:
        return f"{self.firstname} {self.lastname}"


class Participant(Person):
    consultation_opt_in: bool = False


class Session(_Frozen):
    start: AwareDatetime
    end: AwareDatetime
    place: str | None = None
    online_url: str | None = None
    title: str | None = None

    @field_validator("online_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://\S+$", value.strip()):
            raise ValueError(f"{value!r} must be a web address starting with https://")
        return value.strip() if value else None

    @model_validator(mode="after")
    def _end_after_start(self) -> Session:
        if self.end <= self.start:
            raise ValueError(f"session ends ({self.end:%Y-%m-%d %H:%M}) before it starts ({self.start:%Y-%m-%d %H:%M})")
        return self


class WorkshopRun(_Frozen):
    id: str
    template: str
    title: str | None = None
    start: AwareDatetime
    end: AwareDatetime
    sessions: list[Session] = []
    trainers: list[Person] = []
    participants: list[Participant] = []
    participants_csv: Path | None = None
    source: SourceLocation

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        return check_slug(value, "run id")

    @field_validator("template")
    @classmethod
    def _template_is_slug(cls, value: str) -> str:
        return check_slug(value, "template")

    @model_validator(mode="after")
    def _end_after_start(self) -> WorkshopRun:
        if self.end <= self.start:
            raise ValueError(f"run ends ({self.end:%Y-%m-%d %H:%M}) before it starts ({self.start:%Y-%m-%d %H:%M})")
        return self

    @property
    def participant_count(self) -> int:
        return len(self.participants)


class CatalogueProblem(_Frozen):
    """One finding while loading the catalogue; errors skip the run, warnings only inform."""

    file: Path
    line: int | None = None
    run_id: str | None = None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{SourceLocation(file=self.file, line=self.line)}: {self.message}"


class Catalogue(_Frozen):
    runs: list[WorkshopRun] = []
    problems: list[CatalogueProblem] = []

    @property
    def errors(self) -> list[CatalogueProblem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[CatalogueProblem]:
        return [problem for problem in self.problems if problem.severity == "warning"]

    def run(self, run_id: str) -> WorkshopRun | None:
        return next((run for run in self.runs if run.id == run_id), None)
