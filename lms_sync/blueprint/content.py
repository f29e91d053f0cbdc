"""What a blueprint course holds, independent of any workshop run: sections, activities and the questionnaire.

Compiled from a course template; the backup writer and `blueprint verify` both read this, never the template itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ModName(StrEnum):
    """Moodle module names the blueprint can hold (the `modname` of `moodle.api.contents`)."""

    ASSIGN = "assign"
    FORUM = "forum"
    PAGE = "page"
    LABEL = "label"
    FEEDBACK = "feedback"


@dataclass(frozen=True)
class SectionContent:
    """One course section; `number` 0 is Moodle's general section."""

    number: int
    name: str | None
    summary_html: str


@dataclass(frozen=True)
class AssignSubmission:
    """Submission plugins of an assignment: online text and/or file upload."""

    online_text: bool = True
    file_upload: bool = False
    max_files: int = 1
    max_bytes: int = 0
    word_limit: int = 0


@dataclass(frozen=True)
class FeedbackItem:
    """One mod_feedback item exactly as Moodle stores it (`feedback_item` row)."""

    typ: str
    name: str
    label: str
    presentation: str
    hasvalue: int
    required: int
    options: str


@dataclass(frozen=True)
class ActivityContent:
    """One course module; fields that do not apply to its `modname` keep their defaults."""

    key: str
    modname: ModName
    name: str
    section_number: int
    intro_html: str = ""
    content_html: str = ""
    grade: int = 0
    forum_type: str = "general"
    submission: AssignSubmission | None = None
    anonymous: bool = False
    items: tuple[FeedbackItem, ...] = ()
    page_after_submit_html: str = ""
    group_mode: int = 0
    """Moodle's groupmode: 0 no groups, 1 separate groups, 2 visible groups"""
    due_at: int = 0
    """assign: due date (Unix time; 0 none)"""
    open_at: int = 0
    """feedback: opening time (Unix time; 0 always open)"""
    close_at: int = 0
    """feedback: closing time (Unix time; 0 never closes)"""


@dataclass(frozen=True)
class BlueprintContent:
    """The whole blueprint course: identity, sections (general section first) and activities in course order."""

    idnumber: str
    shortname: str
    fullname: str
    summary_html: str
    course_format: str
    sections: tuple[SectionContent, ...]
    activities: tuple[ActivityContent, ...] = field(default=())

    def activities_in(self, section_number: int) -> tuple[ActivityContent, ...]:
        return tuple(a for a in self.activities if a.section_number == section_number)
