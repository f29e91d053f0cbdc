"""Compares a blueprint's expected content with what Moodle reports for the restored course: a pure function.

Each difference is one `Drift` (missing, extra or changed) naming the section, activity or questionnaire item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from lms_sync.blueprint.content import BlueprintContent, ModName
from lms_sync.blueprint.feedback_items import ItemShape, describe_stored
from lms_sync.moodle.api.contents import Module, Section
from lms_sync.moodle.api.courses import Course


class FoundBy(StrEnum):
    IDNUMBER = "idnumber"
    SHORTNAME = "shortname"
    SUFFIXED_SHORTNAME = "suffixed shortname"


@dataclass(frozen=True)
class RestoredFeedback:
    """What the comparison needs of a restored questionnaire."""

    anonymous: bool
    items: tuple[ItemShape, ...]


@dataclass(frozen=True)
class RestoredBlueprint:
    """The blueprint course as Moodle reports it, in `moodle.api`'s types (names already unescaped)."""

    course: Course
    found_by: FoundBy
    sections: tuple[Section, ...] = ()
    modules: tuple[Module, ...] = ()
    feedbacks: Mapping[int, RestoredFeedback] = field(default_factory=dict)
    """the questionnaires by course module id"""


class Difference(StrEnum):
    MISSING = "missing"
    EXTRA = "extra"
    CHANGED = "changed"


@dataclass(frozen=True)
class Drift:
    subject: str  # course, section, activity, item
    change: Difference
    where: str
    detail: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


def _course_drift(expected: BlueprintContent, observed: RestoredBlueprint | None, template: str) -> list[Drift]:
    restore = (f"build the blueprint (lms-sync blueprint build {template}), restore the .mbz once, then "
               f"`lms-sync blueprint adopt {template}`")
    if observed is None:
        return [Drift("course", Difference.MISSING, expected.idnumber,
                      f"no course with idnumber {expected.idnumber!r} or shortname {expected.shortname!r}", restore)]
    if observed.found_by is FoundBy.IDNUMBER:
        if observed.course.shortname != expected.shortname:
            return [Drift("course", Difference.CHANGED, expected.idnumber,
                          f"shortname is {observed.course.shortname!r}, expected {expected.shortname!r}",
                          "Moodle suffixes the shortname on restore when it is taken; rename the course or the template")]
        return []
    how = "by its shortname" if observed.found_by is FoundBy.SHORTNAME else f"as {observed.course.shortname!r}"
    hint = (f"Moodle's restore drops the idnumber of a backup made on another site: run `lms-sync blueprint adopt "
            f"{template}`" if not observed.course.idnumber else
            "that course has an idnumber of its own, so it is not the restored blueprint: restore the .mbz again")
    return [Drift("course", Difference.CHANGED, expected.idnumber,
                  f"found {how} (course id {observed.course.id}) but its idnumber is {observed.course.idnumber!r}", hint)]


def _section_drift(expected: BlueprintContent, observed: RestoredBlueprint) -> list[Drift]:
    drifts: list[Drift] = []
    found = {section.number: section.name for section in observed.sections}
    for section in expected.sections:
        name = section.name or ""
        if section.number not in found:
            drifts.append(Drift("section", Difference.MISSING, f"section {section.number}", name))
        elif section.name is not None and found[section.number] != name:
            drifts.append(Drift("section", Difference.CHANGED, f"section {section.number}",
                                f"name is {found[section.number]!r}, expected {name!r}"))
    expected_numbers = {section.number for section in expected.sections}
    drifts += [Drift("section", Difference.EXTRA, f"section {number}", name)
               for number, name in sorted(found.items()) if number not in expected_numbers]
    return drifts


def _item_key(items: tuple[ItemShape, ...], index: int) -> str:
    # Page breaks carry no label; they are identified by the labelled item before them.
    item = items[index]
    if item.label:
        return item.label
    before = next((items[i].label for i in range(index - 1, -1, -1) if items[i].label), "(start)")
    return f"{item.kind} after {before}"


def _item_drift(activity_name: str, expected: tuple[ItemShape, ...], observed: tuple[ItemShape, ...]) -> list[Drift]:
    wanted = {_item_key(expected, i): item for i, item in enumerate(expected)}
    found = {_item_key(observed, i): item for i, item in enumerate(observed)}
    drifts: list[Drift] = []
    for key, item in wanted.items():
        where = f"{activity_name} / {key}"
        actual = found.get(key)
        if actual is None:
            drifts.append(Drift("item", Difference.MISSING, where, f"{item.kind}: {item.question}".rstrip(": ")))
            continue
        for attribute in ("kind", "question", "options", "multiple", "required"):
            want, got = getattr(item, attribute), getattr(actual, attribute)
            if want != got:
                drifts.append(Drift("item", Difference.CHANGED, where, f"{attribute} is {got!r}, expected {want!r}"))
    drifts += [Drift("item", Difference.EXTRA, f"{activity_name} / {key}", f"{item.kind}: {item.question}".rstrip(": "))
               for key, item in found.items() if key not in wanted]
    shared = [key for key in wanted if key in found]
    if not drifts and shared != [key for key in found if key in wanted]:
        drifts.append(Drift("item", Difference.CHANGED, activity_name, "items are in a different order"))
    return drifts


Matching = tuple[list[tuple[int, Module]], list[int], list[Module]]
"""(expected index, module) pairs, indexes of missing activities, extra modules"""


def _matches(expected: BlueprintContent, observed: RestoredBlueprint) -> Matching:
    """Pair expected activities (by index) with observed modules: same type and name first, then by position."""
    unmatched = list(observed.modules)
    pairs: list[tuple[int, Module]] = []
    missing: list[int] = []
    for index, activity in enumerate(expected.activities):
        module = next((m for m in unmatched if m.modname == activity.modname and m.name == activity.name), None)
        if module is not None:
            unmatched.remove(module)
            pairs.append((index, module))
        else:
            missing.append(index)
    still_missing: list[int] = []
    for index in missing:
        section = expected.activities[index].section_number
        module = next((m for m in unmatched if m.section == section), None)
        if module is not None:
            unmatched.remove(module)
            pairs.append((index, module))
        else:
            still_missing.append(index)
    return sorted(pairs, key=lambda pair: pair[0]), still_missing, unmatched


def _activity_drift(expected: BlueprintContent, observed: RestoredBlueprint) -> list[Drift]:
    pairs, missing, extra = _matches(expected, observed)
    drifts = [Drift("activity", Difference.MISSING, f"section {expected.activities[i].section_number}",
                    f"{expected.activities[i].modname} {expected.activities[i].name!r}") for i in missing]
    for index, module in pairs:
        activity = expected.activities[index]
        where = f"{activity.modname} {activity.name!r}"
        if module.modname != activity.modname:
            drifts.append(Drift("activity", Difference.CHANGED, where, f"type is {module.modname!r}"))
        if module.name != activity.name:
            drifts.append(Drift("activity", Difference.CHANGED, where, f"name is {module.name!r}"))
        if module.section != activity.section_number:
            drifts.append(Drift("activity", Difference.CHANGED, where,
                                f"is in section {module.section}, expected {activity.section_number}"))
        restored = observed.feedbacks.get(module.id)
        if activity.modname is ModName.FEEDBACK and module.modname == ModName.FEEDBACK and restored is not None:
            if restored.anonymous != activity.anonymous:
                drifts.append(Drift("activity", Difference.CHANGED, where,
                                    "is anonymous" if restored.anonymous else "is not anonymous"))
            wanted = tuple(describe_stored(item) for item in activity.items)
            drifts += _item_drift(activity.name, wanted, restored.items)
    for module in extra:
        hint = ""
        if module.modname == ModName.FORUM and module.section == 0:
            hint = ("if this is the announcements forum: delete it from the blueprint, "
                    "or every run's course gets a second one on import")
        drifts.append(Drift("activity", Difference.EXTRA, f"section {module.section}",
                            f"{module.modname} {module.name!r}", hint))
    return drifts


def compute_drift(expected: BlueprintContent, observed: RestoredBlueprint | None, template: str) -> list[Drift]:
    """Everything that differs between the blueprint and the restored course (of `template`); empty when they match."""
    drifts = _course_drift(expected, observed, template)
    if observed is None:
        return drifts
    return drifts + _section_drift(expected, observed) + _activity_drift(expected, observed)
