"""The competency framework as data: `course_templates/competencies/<framework>.toml` -> `CompetencyFramework`.

Validated with file:line problems; `template_link_problems` checks that a course template links only known competencies.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from lms_sync.competencies.toml_file import read_toml_model
from lms_sync.templates.model import CompetencyId, CourseTemplate
from lms_sync.templates.problems import TemplateError, TemplateProblem
from lms_sync.templates.toml_locations import KeyPath, key_lines, line_of

OFFERS_FILE = "offers.toml"
COMPETENCIES_FOLDER = "competencies"
"""The folder beside the course templates that holds frameworks and the offers file."""
"""The further-training offers live next to the frameworks; every other *.toml in the folder is a framework."""

Finding = tuple[KeyPath, str, str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _one_paragraph(value: str) -> str:
    # TOML multi-line strings carry the file's line breaks; the text is one paragraph.
    return " ".join(value.split())


Paragraph = Annotated[str, AfterValidator(_one_paragraph)]


class Scale(_Strict):
    """The rating scale: a scale of the Moodle site (by id) whose items are `levels`, 1-based."""

    moodle_scale_id: int = Field(ge=1, description="id of the site's scale (Site administration › Grades › Scales)")
    levels: list[str] = Field(min_length=2)
    default: int = Field(1, ge=1, description="level a new rating starts at")
    proficient_from: int = Field(ge=1, description="lowest level that counts as proficient")

    @field_validator("levels")
    @classmethod
    def _labels(cls, levels: list[str]) -> list[str]:
        if not all(label.strip() for label in levels):
            raise ValueError("every level needs a label")
        return [label.strip() for label in levels]

    @model_validator(mode="after")
    def _levels_exist(self) -> Scale:
        for name in ("default", "proficient_from"):
            if getattr(self, name) > len(self.levels):
                raise ValueError(f"{name} = {getattr(self, name)} but the scale has only {len(self.levels)} levels")
        return self

    def label(self, value: int | None) -> str:
        return self.levels[value - 1] if value is not None and 1 <= value <= len(self.levels) else ""

    def is_proficient(self, value: int) -> bool:
        return value >= self.proficient_from

    def moodle_configuration(self, scale_id: int | None = None) -> str:
        """Moodle's `scaleconfiguration` JSON: the scale id, then per item its default and proficient flags.

        `scale_id` (push.competency_scale_id) replaces the file's id: Moodle refuses a configuration naming another
        scale than the framework's `scaleid` (invalidpersistenterror).
        """
        items = [
            {"id": value, "scaledefault": int(value == self.default), "proficient": int(self.is_proficient(value))}
            for value in range(1, len(self.levels) + 1)
        ]
        return json.dumps([{"scaleid": str(scale_id or self.moodle_scale_id)}, *items])


class CompetencyNode(_Strict):
    """One competency of the tree; `parent` names the idnumber of the competency it belongs to."""

    idnumber: CompetencyId
    shortname: Paragraph = Field(min_length=1, max_length=100)
    description: Paragraph = Field(min_length=1)
    parent: CompetencyId | None = None

    def description_html(self) -> str:
        return f"<p>{html.escape(self.description, quote=False)}</p>"


class CompetencyFramework(_Strict):
    """A competency framework: identity, scale and the competency tree (parents referenced by idnumber)."""

    idnumber: CompetencyId
    shortname: Paragraph = Field(min_length=1, max_length=100)
    description: Paragraph = ""
    scale: Scale
    competencies: list[CompetencyNode] = Field(min_length=1)
    path: Path | None = Field(None, description="the file it was read from")

    def description_html(self) -> str:
        return f"<p>{html.escape(self.description, quote=False)}</p>" if self.description else ""

    def by_idnumber(self) -> dict[str, CompetencyNode]:
        return {node.idnumber: node for node in self.competencies}

    def parents_first(self) -> list[CompetencyNode]:
        """The competencies ordered so that each parent comes before its children (file order otherwise)."""
        nodes = self.by_idnumber()
        ordered: dict[str, CompetencyNode] = {}

        def visit(node: CompetencyNode) -> None:
            if node.parent in nodes and node.parent not in ordered:
                visit(nodes[node.parent])
            ordered.setdefault(node.idnumber, node)

        for node in self.competencies:
            visit(node)
        return list(ordered.values())


def _tree_findings(framework: CompetencyFramework) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, node in enumerate(framework.competencies):
        if node.idnumber in seen:
            yield (("competencies", index, "idnumber"), f"idnumber {node.idnumber!r} appears twice",
                   "every competency needs its own idnumber")
        seen.add(node.idnumber)
    nodes = framework.by_idnumber()
    for index, node in enumerate(framework.competencies):
        if node.parent is None:
            continue
        if node.parent not in nodes:
            yield (("competencies", index, "parent"), f"parent {node.parent!r} is not a competency of this framework",
                   f"use one of: {', '.join(nodes)}")
            continue
        ancestor: str | None = node.parent
        for _ in nodes:
            if ancestor is None or ancestor not in nodes:
                break
            if ancestor == node.idnumber:
                yield (("competencies", index, "parent"), f"{node.idnumber!r} is its own ancestor (a cycle of parents)",
                       "a competency's parent chain must end at a competency without parent")
                break
            ancestor = nodes[ancestor].parent


def check_framework(file: Path) -> tuple[CompetencyFramework | None, list[TemplateProblem]]:
    """The framework in `file` and every problem found; None when it cannot be used."""
    framework, lines, problems = read_toml_model(file, CompetencyFramework)
    if framework is None:
        return None, problems
    found = [TemplateProblem(file, line_of(lines, path), message, hint) for path, message, hint in _tree_findings(framework)]
    return (None if found else framework.model_copy(update={"path": file})), found


def load_framework(file: Path) -> CompetencyFramework:
    """The valid framework in `file`; raises `TemplateError` listing every problem otherwise."""
    framework, problems = check_framework(file)
    if framework is None:
        raise TemplateError(problems)
    return framework


def framework_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.toml") if path.name != OFFERS_FILE)


def check_frameworks(folder: Path) -> tuple[dict[str, CompetencyFramework], list[TemplateProblem]]:
    """Every valid framework under `folder` by idnumber, and the problems of all of them (twins included)."""
    frameworks: dict[str, CompetencyFramework] = {}
    problems: list[TemplateProblem] = []
    for file in framework_files(folder):
        framework, found = check_framework(file)
        problems += found
        if framework is None:
            continue
        if framework.idnumber in frameworks:
            problems.append(TemplateProblem(file, 1, f"framework idnumber {framework.idnumber!r} is also used by "
                                                     f"{frameworks[framework.idnumber].path}", "give each its own"))
            continue
        frameworks[framework.idnumber] = framework
    return frameworks, problems


def load_frameworks(folder: Path) -> dict[str, CompetencyFramework]:
    """All frameworks under `folder` by idnumber; raises `TemplateError` if any is invalid."""
    frameworks, problems = check_frameworks(folder)
    if problems:
        raise TemplateError(problems)
    return frameworks


def template_link_problems(template: CourseTemplate, frameworks: Mapping[str, CompetencyFramework]) -> list[TemplateProblem]:
    """Problems of the template's `[competencies]` links: unknown framework or competency idnumbers, at their line."""
    links = template.competencies
    if links is None:
        return []
    manifest = template.path / "template.toml"
    lines = key_lines(manifest.read_text(encoding="utf-8-sig"))
    framework = frameworks.get(links.framework)
    if framework is None:
        known = ", ".join(frameworks) or "none"
        return [TemplateProblem(manifest, line_of(lines, ("competencies", "framework")),
                                f"competency framework {links.framework!r} not found", f"known frameworks: {known}")]
    known_ids = framework.by_idnumber()
    linked: list[tuple[KeyPath, str]] = [(("competencies", "course"), idnumber) for idnumber in links.course]
    linked += [(("competencies", "activities", key), idnumber)
               for key, idnumbers in links.activities.items() for idnumber in idnumbers]
    return [TemplateProblem(manifest, line_of(lines, path),
                            f"competency {idnumber!r} is not in framework {framework.idnumber!r}",
                            f"check the spelling; the framework file is {framework.path}")
            for path, idnumber in linked if idnumber not in known_ids]
