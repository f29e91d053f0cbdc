"""Compares a blueprint's expected content with what Moodle reports for the restored course: a pure function.

Each difference is one `Drift` (missing, extra or changed) naming the section, activity or questionnaire item.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from lms_sync.blueprint.content import BlueprintContent, ModName
from lms_sync.blueprint.feedback_items import ItemShape, describe_stored


class FoundBy(StrEnum):
    IDNUMBER = "idnumber"
    SHORTNAME = "shortname"
    SUFFIXED_SHORTNAME = "suffixed shortname"


@dataclass(frozen=True)
class ObservedModule:
    cmid: int
    modname: str
    name: str
    section_number: int
    anonymous: bool | None = None
    items: tuple[ItemShape, ...] | None = None


@dataclass(frozen=True)
class ObservedCourse:
    """The blueprint course as Moodle reports it, names already HTML-unescaped."""

    id: int
    shortname: str
    idnumber: str
    found_by: FoundBy
    sections: dict[int, str] = field(default_factory=dict)
    modules: tuple[ObservedModule, ...] = ()


class Change(StrEnum):
    MISSING = "missing"
    EXTRA = "extra"
    CHANGED = "changed"


@dataclass(frozen=True)
class Drift:
    subject: str  # course, section, activity, item
    change: Change
    where: str
    detail: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


def _course_drift(expected: BlueprintContent, observed: ObservedCourse | None, template: str) -> list[Drift]:
    restore = (f"build the blueprint (lms-sync blueprint build {template}), restore the .mbz once, then "
               f"`lms-sync blueprint adopt {template}`")
    if observed is None:
        return [Drift("course", Change.MISSING, expected.idnumber,
                      f"no course with idnumber {expected.idnumber!r} or shortname {expected.shortname!r}", restore)]
    if observed.found_by is FoundBy.IDNUMBER:
        if observed.shortname != expected.shortname:
            return [Drift("course", Change.CHANGED, expected.idnumber,
                          f"shortname is {observed.shortname!r}, expected {expected.shortname!r}",
                          "Moodle suffixes the shortname on restore when it is taken; rename the course or the template")]
        return []
    how = "by its shortname" if observed.found_by is FoundBy.SHORTNAME else f"as {observed.shortname!r}"
    hint = (f"Moodle's restore drops the idnumber of a backup made on another site: run `lms-sync blueprint adopt "
            f"{template}`" if not observed.idnumber else
            "that course has an idnumber of its own, so it is not the restored blueprint: restore the .mbz again")
    return [Drift("course", Change.CHANGED, expected.idnumber,
                  f"found {how} (course id {observed.id}) but its idnumber is {observed.idnumber!r}", hint)]


def _section_drift(expected: BlueprintContent, observed: ObservedCourse) -> list[Drift]:
    drifts: list[Drift] = []
    for section in expected.sections:
        name = section.name or ""
        if section.number not in observed.sections:
            drifts.append(Drift("section", Change.MISSING, f"section {section.number}", name))
        elif section.name is not None and observed.sections[section.number] != name:
            drifts.append(Drift("section", Change.CHANGED, f"section {section.number}",
                                f"name is {observed.sections[section.number]!r}, expected {name!r}"))
    expected_numbers = {section.number for section in expected.sections}
    drifts += [Drift("section", Change.EXTRA, f"section {number}", name)
               for number, name in sorted(observed.sections.items()) if number not in expected_numbers]
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
            drifts.append(Drift("item", Change.MISSING, where, f"{item.kind}: {item.question}".rstrip(": ")))
            continue
        for attribute in ("kind", "question", "options", "multiple", "required"):
            want, got = getattr(item, attribute), getattr(actual, attribute)
            if want != got:
                drifts.append(Drift("item", Change.CHANGED, where, f"{attribute} is {got!r}, expected {want!r}"))
    drifts += [Drift("item", Change.EXTRA, f"{activity_name} / {key}", f"{item.kind}: {item.question}".rstrip(": "))
               for key, item in found.items() if key not in wanted]
    shared = [key for key in wanted if key in found]
    if not drifts and shared != [key for key in found if key in wanted]:
        drifts.append(Drift("item", Change.CHANGED, activity_name, "items are in a different order"))
    return drifts


Matching = tuple[list[tuple[int, ObservedModule]], list[int], list[ObservedModule]]
"""(expected index, module) pairs, indexes of missing activities, extra modules"""


def _matches(expected: BlueprintContent, observed: ObservedCourse) -> Matching:
    """Pair expected activities (by index) with observed modules: same type and name first, then by position."""
    unmatched = list(observed.modules)
    pairs: list[tuple[int, ObservedModule]] = []
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
        module = next((m for m in unmatched if m.section_number == section), None)
        if module is not None:
            unmatched.remove(module)
            pairs.append((index, module))
        else:
            still_missing.append(index)
    return sorted(pairs, key=lambda pair: pair[0]), still_missing, unmatched


def _activity_drift(expected: BlueprintContent, observed: ObservedCourse) -> list[Drift]:
    pairs, missing, extra = _matches(expected, observed)
    drifts = [Drift("activity", Change.MISSING, f"section {expected.activities[i].section_number}",
                    f"{expected.activities[i].modname} {expected.activities[i].name!r}") for i in missing]
    for index, module in pairs:
        activity = expected.activities[index]
        where = f"{activity.modname} {activity.name!r}"
        if module.modname != activity.modname:
            drifts.append(Drift("activity", Change.CHANGED, where, f"type is {module.modname!r}"))
        if module.name != activity.name:
            drifts.append(Drift("activity", Change.CHANGED, where, f"name is {module.name!r}"))
        if module.section_number != activity.section_number:
            drifts.append(Drift("activity", Change.CHANGED, where,
                                f"is in section {module.section_number}, expected {activity.section_number}"))
        if activity.modname is ModName.FEEDBACK and module.modname == ModName.FEEDBACK:
            if module.anonymous is not None and module.anonymous != activity.anonymous:
                drifts.append(Drift("activity", Change.CHANGED, where,
                                    "is anonymous" if module.anonymous else "is not anonymous"))
            if module.items is not None:
                wanted = tuple(describe_stored(item) for item in activity.items)
                drifts += _item_drift(activity.name, wanted, module.items)
    for module in extra:
        hint = ""
        if module.modname == ModName.FORUM and module.section_number == 0:
            hint = ("if this is the announcements forum: delete it from the blueprint, "
                    "or every run's course gets a second one on import")
        drifts.append(Drift("activity", Change.EXTRA, f"section {module.section_number}",
                            f"{module.modname} {module.name!r}", hint))
    return drifts


def compute_drift(expected: BlueprintContent, observed: ObservedCourse | None, template: str) -> list[Drift]:
    """Everything that differs between the blueprint and the restored course (of `template`); empty when they match."""
    drifts = _course_drift(expected, observed, template)
    if observed is None:
        return drifts
    return drifts + _section_drift(expected, observed) + _activity_drift(expected, observed)
