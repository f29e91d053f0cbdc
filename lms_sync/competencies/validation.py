"""Checks the competency data beside the course templates: framework files, the offers file, template links.

Used by `lms-sync templates validate`, so one command reports every problem of the templates folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lms_sync.competencies.framework import COMPETENCIES_FOLDER, OFFERS_FILE, check_frameworks, template_link_problems
from lms_sync.competencies.offers import check_offers
from lms_sync.templates import CourseTemplate, TemplateProblem


def competency_problems(templates_root: Path, templates: Iterable[CourseTemplate]) -> list[TemplateProblem]:
    """Problems of `templates_root/competencies/` and of every template's links into its frameworks."""
    folder = templates_root / COMPETENCIES_FOLDER
    templates = list(templates)
    if not folder.is_dir():
        linked = [t for t in templates if t.competencies]
        return [TemplateProblem(t.path / "template.toml", None,
                                f"links framework {t.competencies.framework!r} but {folder} does not exist",
                                "add the framework file there, or remove [competencies]")
                for t in linked if t.competencies]
    frameworks, problems = check_frameworks(folder)
    if (folder / OFFERS_FILE).exists():
        problems += check_offers(folder / OFFERS_FILE, frameworks)[1]
    for template in templates:
        problems += template_link_problems(template, frameworks)
    return problems
