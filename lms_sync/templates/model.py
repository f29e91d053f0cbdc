"""The course template as data: pydantic models for `course_templates/<slug>/template.toml`.

Unknown keys are errors (`extra="forbid"`) so a typo never silently drops a setting.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

_GERMAN_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})

DEFAULT_LIKERT_SCALE = [
    "trifft gar nicht zu",
    "trifft eher nicht zu",
    "teils, teils",
    "trifft eher zu",
    "trifft voll zu",
]


def slugify(text: str) -> str:
    """`Kommune & Zivilgesellschaft` -> `kommune-zivilgesellschaft` (German umlauts transliterated)."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_GERMAN_TRANSLITERATION))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _file_in_folder(value: str) -> str:
    # Files are looked up inside the template folder only; `..` or absolute paths would reach outside it.
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or "\\" in value:
        raise ValueError("must be a path inside the template folder, with / as separator and without '..'")
    return value


def _template_file_name(value: str) -> str:
    if not _file_in_folder(value).endswith(".j2"):
        raise ValueError("must name a jinja2 file ending in .j2")
    return value


TemplateFile = Annotated[str, AfterValidator(_template_file_name)]
"""A file name relative to the template folder, e.g. `sections/01_ankommen.j2`."""

AssetFile = Annotated[str, AfterValidator(_file_in_folder)]
"""Any other file of the template folder, e.g. the logo `bescheinigung/logo.svg`."""

ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, local time")]
EmailAddress = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=100)]
MachineId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
CompetencyId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=100)]
SectionIndex = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Capacity(_Strict):
    """How many participants a run of this format is meant for (the institute works in groups of 8–12)."""

    min: int = Field(8, ge=1)
    max: int = Field(12, ge=1)

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Capacity:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        return self


class BlueprintRef(_Strict):
    """The Moodle course that holds the template's activities; `push` imports its contents into every run's course."""

    idnumber: str = Field(min_length=1, max_length=100)
    shortname: str = Field(min_length=1, max_length=255)
    fullname: str = Field(min_length=1, max_length=254)


class Section(_Strict):
    """A course section. The summary goes into the blueprint, so its file sees only `template`."""

    name: str = Field(min_length=1, max_length=255)
    summary_file: TemplateFile


class Activity(_Strict):
    """One activity of the blueprint course. Its texts are shared by all runs, so they see only `template`."""

    key: MachineId
    type: Literal["assign", "forum", "page", "label"]
    name: str = Field(min_length=1, max_length=255)
    section: SectionIndex
    purpose: Literal["learning-by-doing", "information", "reflection", "consultation"]
    intro_file: TemplateFile
    content_file: TemplateFile | None = Field(None, description="page body; pages only")
    submission_types: list[Literal["onlinetext", "file"]] | None = Field(None, description="assignments only")
    due_before_session: int | None = Field(None, ge=1, description="assignments only: due before this session "
                                                                  "(1 = the first), at the last due_time before it")
    due_offset_days: int | None = Field(None, ge=0, description="assignments only: due this many days after the "
                                                                "last session's day, at due_time")
    due_time: ClockTime = Field("23:59", description="assignments only: time of day of the due date")
    grade_max: int | None = Field(None, ge=1, le=100, description="assignments only: points; default no grade")
    forum_type: Literal["general", "qanda"] | None = Field(None, description="forums only")
    group_mode: Literal["separate", "visible"] | None = Field(
        None, description="group work: each Kleingruppe works on its own (separate) or sees the others (visible)")

    @model_validator(mode="after")
    def _settings_match_type(self) -> Activity:
        misplaced = {
            "content_file": self.content_file is not None and self.type != "page",
            "submission_types": self.submission_types is not None and self.type != "assign",
            "due_offset_days": self.due_offset_days is not None and self.type != "assign",
            "due_before_session": self.due_before_session is not None and self.type != "assign",
            "grade_max": self.grade_max is not None and self.type != "assign",
            "forum_type": self.forum_type is not None and self.type != "forum",
        }
        wrong = [name for name, is_wrong in misplaced.items() if is_wrong]
        if wrong:
            raise ValueError(f"{', '.join(wrong)} do(es) not apply to a {self.type}; remove it")
        if self.due_before_session is not None and self.due_offset_days is not None:
            raise ValueError("due_before_session and due_offset_days both set; keep one")
        if self.group_mode is not None and self.type == "label":
            raise ValueError("group_mode does not apply to a label; remove it")
        if self.type == "page" and self.content_file is None:
            raise ValueError("a page needs content_file (the page body)")
        if self.type == "assign" and not self.submission_types:
            raise ValueError('an assignment needs submission_types, e.g. ["onlinetext"] or ["onlinetext", "file"]')
        if self.type == "forum" and self.forum_type is None:
            self.forum_type = "general"
        return self


ItemCategory = Literal["content", "methods", "trainers", "group", "transfer", "open", "organisation"]


class QuestionnaireItem(_Strict):
    """One item of the evaluation questionnaire (a Moodle feedback item); `category` groups answers in reports."""

    kind: Literal["likert", "multichoice", "textarea", "textfield", "label", "pagebreak"]
    label: MachineId | None = Field(None, description="short unique id, e.g. inhalt_relevanz; reports key on it")
    question: str | None = Field(None, description="the question, or for kind=label the text shown")
    required: bool = False
    options: list[str] | None = Field(None, description="multichoice only")
    multiple: bool = Field(False, description="multichoice only: several answers allowed")
    scale: list[str] | None = Field(None, description="likert only: the labels of 1..5")
    category: ItemCategory | None = None

    @model_validator(mode="after")
    def _fields_match_kind(self) -> QuestionnaireItem:
        if self.kind == "pagebreak":
            if self.label or self.question or self.required:
                raise ValueError("a pagebreak has no label, question or required; remove them")
            return self
        if not self.label:
            raise ValueError(f"a {self.kind} item needs a label (a short unique id such as inhalt_relevanz)")
        if not self.question:
            raise ValueError(f"a {self.kind} item needs question (the text shown)")
        if self.kind == "label" and self.required:
            raise ValueError("a label item cannot be required")
        if self.kind not in ("label",) and self.category is None:
            raise ValueError("an answerable item needs category (content, methods, trainers, group, transfer, open, "
                             "organisation) so reports can group it")
        if self.options is not None and self.kind != "multichoice":
            raise ValueError(f"options apply to multichoice items only, not to {self.kind}")
        if self.multiple and self.kind != "multichoice":
            raise ValueError(f"multiple applies to multichoice items only, not to {self.kind}")
        if self.kind == "multichoice" and (not self.options or len(self.options) < 2):
            raise ValueError("a multichoice item needs options with at least two answers")
        if self.scale is not None and self.kind != "likert":
            raise ValueError(f"scale applies to likert items only, not to {self.kind}")
        if self.kind == "likert":
            self.scale = list(DEFAULT_LIKERT_SCALE) if self.scale is None else self.scale
            if len(self.scale) != 5 or not all(label.strip() for label in self.scale):
                raise ValueError(f"a likert scale needs exactly 5 non-empty labels (for 1..5), got {len(self.scale)}")
        return self


class Questionnaire(_Strict):
    """The evaluation questionnaire, compiled into the blueprint as a Moodle feedback activity.

    Named (not anonymous) by default: the institute evaluates its trainers systematically and follows up on
    individual feedback and consultation wishes; the intro text must tell participants so.
    """

    key: MachineId
    name: str = Field(min_length=1, max_length=255)
    section: SectionIndex
    intro_file: TemplateFile
    anonymous: bool = False
    open_time: ClockTime = Field("18:00", description="opens at the first open_time after the last session ends")
    open_days: int | None = Field(14, ge=1, description="closes this many days later at close_time; "
                                                         "no value: open from the start, never closes")
    close_time: ClockTime = "23:59"
    items: list[QuestionnaireItem] = Field(min_length=1)


class SmallGroupPolicy(_Strict):
    """How a run's participants are split into Kleingruppen; `name_pattern` sees `n` (1-based), `run`, `template`."""

    size_min: int = Field(4, ge=1)
    size_max: int = Field(6, ge=1)
    mix_by: Literal["sector"] | None = "sector"
    name_pattern: str = "Kleingruppe {{ n }}"

    @model_validator(mode="after")
    def _min_not_above_max(self) -> SmallGroupPolicy:
        if self.size_min > self.size_max:
            raise ValueError(f"size_min ({self.size_min}) is larger than size_max ({self.size_max})")
        return self


class EventTemplate(_Strict):
    """One calendar event per session of a run; both texts see `run`, `template`, `session` and `session_number`."""

    name_pattern: str = Field(min_length=1)
    description_file: TemplateFile


class WelcomePost(_Strict):
    """The post in the run course's announcements forum; both texts see `run` and `template`."""

    subject_pattern: str = Field(min_length=1)
    message_file: TemplateFile


class CompetencyLinks(_Strict):
    """Competencies (by idnumber in `framework`) linked to each run's course and to single activities."""

    framework: CompetencyId
    course: list[CompetencyId] = Field(default_factory=list)
    activities: dict[str, list[CompetencyId]] = Field(default_factory=dict)


class Signature(_Strict):
    """One signature line under a certificate: the signer's role below the line, and their name if it is always the same."""

    role: str = Field(min_length=1)
    name: str = ""


class CertificateSettings(_Strict):
    """The Teilnahmebescheinigung of a run's participants; `html_file` sees `template` and `certificate`.

    The institute's wording lives in the HTML file; who issues, where, the logo and who signs are data here.
    """

    html_file: TemplateFile = Field(description="jinja2 HTML (with CSS for A4) that WeasyPrint turns into the PDF")
    issuer: str = Field(min_length=1, description="the institute, as printed")
    place_of_issue: str = Field(min_length=1, description='printed as "<place>, <date of issue>"')
    number_prefix: str = Field(pattern=r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$", max_length=30,
                               description="certificate numbers are <prefix>-<RUN>-<code>")
    logo_file: AssetFile | None = Field(None, description="an image in the template folder (SVG or PNG)")
    signatures: list[Signature] = Field(default_factory=list)


class CourseTemplate(_Strict):
    """A workshop format: everything needed to create one Moodle course per run of it.

    Patterns and `*_file` texts are jinja2; which variables each sees is documented on its field's model.
    `fullname_pattern`, `shortname_pattern`, `idnumber_pattern` and `summary_file` see `run` and `template`.
    """

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="the folder name")
    path: Path = Field(description="the template folder")
    title: str = Field(min_length=1)
    fullname_pattern: str = Field(min_length=1)
    shortname_pattern: str = Field(min_length=1)
    idnumber_pattern: str = Field(min_length=1, description="push prepends its own idnumber prefix")
    category_path: list[str] = Field(min_length=1)
    category_idnumbers: list[str] = Field(default_factory=list, description="default: derived from category_path")
    format: Literal["topics", "weeks"] = "topics"
    language: str = Field("de", pattern=r"^[a-z]{2}(_[a-z]+)?$")
    capacity: Capacity = Capacity()
    blueprint: BlueprintRef
    summary_file: TemplateFile
    contact_email: EmailAddress | None = Field(None, description="where texts that promise contact send people")
    news_forum_name: str | None = Field(None, min_length=1, max_length=255,
                                        description="name of each run's announcements forum (Moodle's is English)")
    sections: list[Section] = Field(min_length=1, description="sections[0] is Moodle's general section")
    activities: list[Activity] = Field(default_factory=list)
    questionnaire: Questionnaire | None = None
    small_groups: SmallGroupPolicy = SmallGroupPolicy()
    events: list[EventTemplate] = Field(default_factory=list)
    welcome_post: WelcomePost | None = None
    competencies: CompetencyLinks | None = None
    certificate: CertificateSettings | None = None

    @model_validator(mode="after")
    def _derive_category_idnumbers(self) -> CourseTemplate:
        # Cumulative slugs keep two sub-categories of the same name under different parents apart.
        if not self.category_idnumbers:
            self.category_idnumbers = [
                "/".join(slugify(name) for name in self.category_path[: depth + 1])
                for depth in range(len(self.category_path))
            ]
        return self
