"""Checks across a template's parts that no single field can make: section indexes, unique keys and labels.

Each finding carries the TOML key path it is about, so the loader can name the line.
"""

from __future__ import annotations

from collections.abc import Iterator

from lms_sync.templates.model import CourseTemplate
from lms_sync.templates.toml_locations import KeyPath

Finding = tuple[KeyPath, str, str]
"""(key path, message, hint)"""


def _section_findings(template: CourseTemplate) -> Iterator[Finding]:
    last = len(template.sections) - 1
    hint = f"use an index into [[sections]]: 0 is the general section, {last} the last one"
    for i, activity in enumerate(template.activities):
        if activity.section > last:
            yield ("activities", i, "section"), f"activity {activity.key!r}: section {activity.section} does not exist", hint
    if template.questionnaire and template.questionnaire.section > last:
        yield ("questionnaire", "section"), f"questionnaire: section {template.questionnaire.section} does not exist", hint


def _duplicate_key_findings(template: CourseTemplate) -> Iterator[Finding]:
    seen: set[str] = set()
    keyed: list[tuple[KeyPath, str]] = [(("activities", i, "key"), a.key) for i, a in enumerate(template.activities)]
    if template.questionnaire:
        keyed.append((("questionnaire", "key"), template.questionnaire.key))
    for path, key in keyed:
        if key in seen:
            yield path, f"duplicate activity key {key!r}", "give every activity and the questionnaire its own key"
        seen.add(key)


def _duplicate_label_findings(template: CourseTemplate) -> Iterator[Finding]:
    if not template.questionnaire:
        return
    seen: set[str] = set()
    for i, item in enumerate(template.questionnaire.items):
        if item.label is None:
            continue
        if item.label in seen:
            yield (("questionnaire", "items", i, "label"), f"duplicate questionnaire item label {item.label!r}",
                   "labels identify answers in reports; make each one unique")
        seen.add(item.label)


def _category_findings(template: CourseTemplate) -> Iterator[Finding]:
    if len(template.category_idnumbers) != len(template.category_path):
        yield (("category_idnumbers",),
               f"category_idnumbers has {len(template.category_idnumbers)} entries for "
               f"{len(template.category_path)} categories in category_path",
               "give one idnumber per category, or leave category_idnumbers out to derive them")


def _competency_findings(template: CourseTemplate) -> Iterator[Finding]:
    if not template.competencies:
        return
    keys = {activity.key for activity in template.activities}
    if template.questionnaire:
        keys.add(template.questionnaire.key)
    for key in template.competencies.activities:
        if key not in keys:
            yield (("competencies", "activities", key), f"competencies name unknown activity {key!r}",
                   f"use one of the activity keys: {', '.join(sorted(keys))}")


def consistency_findings(template: CourseTemplate) -> list[Finding]:
    """Everything inconsistent between the parts of `template`."""
    checks = (_section_findings, _duplicate_key_findings, _duplicate_label_findings, _category_findings,
              _competency_findings)
    return [finding for check in checks for finding in check(template)]
