"""Allocates the ids a Moodle backup cross-references: sections, course modules, instances, contexts, grade and item ids.

Restore maps every id to a fresh one, so they only need to be consistent inside one archive; they are stable for diffs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lms_sync.blueprint.content import ActivityContent, BlueprintContent, ModName, SectionContent

COURSE_ID = 2
COURSE_CONTEXT_ID = 2
COURSE_GRADE_CATEGORY_ID = 1
COURSE_GRADE_ITEM_ID = 1


@dataclass(frozen=True)
class ModuleLayout:
    activity: ActivityContent
    cmid: int
    instance_id: int
    context_id: int
    section_id: int
    grade_item_id: int | None
    item_ids: tuple[int, ...]

    @property
    def tag(self) -> str:
        return f"{self.activity.modname}_{self.cmid}"

    @property
    def directory(self) -> str:
        return f"activities/{self.tag}"

    @property
    def has_grading_areas(self) -> bool:
        # Only modules supporting advanced grading get a grading.xml (as Moodle's own backups show).
        return self.activity.modname in (ModName.ASSIGN, ModName.FORUM)


@dataclass(frozen=True)
class SectionLayout:
    section: SectionContent
    section_id: int
    cmids: tuple[int, ...]

    @property
    def tag(self) -> str:
        return f"section_{self.section_id}"

    @property
    def directory(self) -> str:
        return f"sections/{self.tag}"

    @property
    def title(self) -> str:
        # moodle_backup.xml lists an unnamed section by its number, as Moodle does.
        return self.section.name if self.section.name is not None else str(self.section.number)


@dataclass(frozen=True)
class BackupLayout:
    sections: tuple[SectionLayout, ...]
    modules: tuple[ModuleLayout, ...]

    @property
    def feedback_modules(self) -> tuple[ModuleLayout, ...]:
        return tuple(m for m in self.modules if m.activity.modname is ModName.FEEDBACK)

    @property
    def summary_block_context(self) -> int:
        """The course summary block's context, after every module's."""
        return COURSE_CONTEXT_ID + len(self.modules) + 1


def lay_out(content: BlueprintContent) -> BackupLayout:
    """Number everything in course order: sections as listed, modules section by section."""
    section_ids = {section.number: index + 1 for index, section in enumerate(content.sections)}
    instance_counter: Counter[ModName] = Counter()
    next_grade_item_id = COURSE_GRADE_ITEM_ID + 1
    next_item_id = 1
    modules: list[ModuleLayout] = []
    for section in content.sections:
        for activity in content.activities_in(section.number):
            cmid = len(modules) + 1
            instance_counter[activity.modname] += 1
            grade_item_id = None
            if activity.modname is ModName.ASSIGN and activity.grade > 0:
                grade_item_id = next_grade_item_id
                next_grade_item_id += 1
            item_ids = tuple(range(next_item_id, next_item_id + len(activity.items)))
            next_item_id += len(activity.items)
            modules.append(
                ModuleLayout(
                    activity=activity,
                    cmid=cmid,
                    instance_id=instance_counter[activity.modname],
                    context_id=COURSE_CONTEXT_ID + cmid,
                    section_id=section_ids[section.number],
                    grade_item_id=grade_item_id,
                    item_ids=item_ids,
                )
            )
    sections = tuple(
        SectionLayout(
            section=section,
            section_id=section_ids[section.number],
            cmids=tuple(m.cmid for m in modules if m.activity.section_number == section.number),
        )
        for section in content.sections
    )
    return BackupLayout(sections=sections, modules=tuple(modules))
