"""Renders every XML file of a Moodle course backup from the blueprint content with jinja2 (XML autoescaping on).

Returns archive paths with their bytes in Moodle's order; ids come from `lay_out`, never from the caller.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lms_sync.blueprint.content import AssignSubmission, BlueprintContent, ModName
from lms_sync.blueprint.ids import (
    COURSE_CONTEXT_ID,
    COURSE_GRADE_CATEGORY_ID,
    COURSE_GRADE_ITEM_ID,
    COURSE_ID,
    ModuleLayout,
    lay_out,
)
from lms_sync.blueprint.rendering import blueprint_environment

STUDENT_ROLE_ID = 5
TRAINER_ROLES = ((3, "editingteacher", 3), (4, "teacher", 4))
"""(backup role id, shortname = archetype, sort order) of Moodle's two teacher roles"""
EVALUATION_PROHIBITED = ("mod/feedback:viewreports", "mod/feedback:edititems", "mod/feedback:deletesubmissions")
"""What the trainers of a run must not do in its evaluation: see named answers, change questions, delete answers"""
PROHIBIT = -1000
COURSE_SUMMARY_BLOCK = "course/blocks/course_summary_1"
"""The block that shows each run course's own summary (its sessions) on the course page"""


@dataclass(frozen=True)
class BackupTarget:
    """The Moodle release the backup claims to come from: the oldest one we support, so newer ones treat it as older."""

    moodle_version: str = "2024100700"
    moodle_release: str = "4.5 (Build: 20241007)"
    backup_version: str = "2024100700"
    backup_release: str = "4.5"
    module_version: str = "2024100700"
    original_wwwroot: str = "https://lms-sync.invalid"
    category_name: str = "lms-sync blueprints"


TARGET = BackupTarget()

# Root settings as Moodle writes them for a course backup without user data.
ROOT_SETTINGS: tuple[tuple[str, int | str], ...] = (
    ("imscc11", 0),
    ("users", 0),
    ("anonymize", 0),
    ("role_assignments", 0),
    ("activities", 1),
    ("blocks", 1),
    ("files", 1),
    ("filters", 1),
    ("comments", 0),
    ("badges", 1),
    ("calendarevents", 1),
    ("userscompletion", 0),
    ("logs", 0),
    ("grade_histories", 0),
    ("questionbank", 1),
    ("groups", 1),
    ("competencies", 1),
    ("customfield", 1),
    ("contentbankcontent", 1),
    ("xapistate", 0),
    ("legacyfiles", 1),
)


@dataclass(frozen=True)
class ModuleCompletion:
    tracking: int
    view: int


# Completion as the reference backup configures it: submit for assign/feedback, view for page, none otherwise.
COMPLETION = {
    ModName.ASSIGN: ModuleCompletion(tracking=2, view=0),
    ModName.FEEDBACK: ModuleCompletion(tracking=2, view=0),
    ModName.PAGE: ModuleCompletion(tracking=2, view=1),
    ModName.FORUM: ModuleCompletion(tracking=0, view=0),
    ModName.LABEL: ModuleCompletion(tracking=0, view=0),
}

_COURSE_FILES = (
    ("course/course.xml", "course.xml.j2"),
    ("course/inforef.xml", "course_inforef.xml.j2"),
    ("course/roles.xml", "roles.xml.j2"),
    ("course/completiondefaults.xml", "completiondefaults.xml.j2"),
    ("course/filters.xml", "filters.xml.j2"),
    ("course/comments.xml", "comments.xml.j2"),
    ("course/contentbank.xml", "contentbank.xml.j2"),
    ("course/enrolments.xml", "enrolments.xml.j2"),
    ("course/competencies.xml", "course_competencies.xml.j2"),
    ("course/calendar.xml", "calendar.xml.j2"),
    (f"{COURSE_SUMMARY_BLOCK}/block.xml", "block.xml.j2"),
    (f"{COURSE_SUMMARY_BLOCK}/inforef.xml", "inforef.xml.j2"),
    (f"{COURSE_SUMMARY_BLOCK}/roles.xml", "roles.xml.j2"),
)

_MODULE_FILES = (
    ("module.xml", "module.xml.j2"),
    ("inforef.xml", "inforef.xml.j2"),
    ("grades.xml", "activity_grades.xml.j2"),
    ("grade_history.xml", "grade_history.xml.j2"),
    ("roles.xml", "roles.xml.j2"),
    ("filters.xml", "filters.xml.j2"),
    ("comments.xml", "comments.xml.j2"),
    ("competencies.xml", "module_competencies.xml.j2"),
    ("completion.xml", "module_completion.xml.j2"),
    ("calendar.xml", "calendar.xml.j2"),
    ("xapistate.xml", "xapistate.xml.j2"),
)

_ROOT_FILES = (
    ("files.xml", "files.xml.j2"),
    ("groups.xml", "groups.xml.j2"),
    ("outcomes.xml", "outcomes.xml.j2"),
    ("questions.xml", "questions.xml.j2"),
    ("roles.xml", "roles_definition.xml.j2"),
    ("scales.xml", "scales.xml.j2"),
    ("completion.xml", "course_completion.xml.j2"),
    ("gradebook.xml", "gradebook.xml.j2"),
    ("grade_history.xml", "grade_history.xml.j2"),
    ("badges.xml", "badges.xml.j2"),
    ("users.xml", "users.xml.j2"),
)


def backup_filename(content: BlueprintContent, timestamp: int) -> str:
    """Moodle's own naming scheme, so admins recognise the file on the restore page."""
    stamp = datetime.fromtimestamp(timestamp, UTC).strftime("%Y%m%d-%H%M")
    shortname = re.sub(r"[^a-z0-9_-]+", "-", content.shortname.lower()).strip("-") or "blueprint"
    return f"backup-moodle2-course-{COURSE_ID}-{shortname}-{stamp}.mbz"


def assign_plugin_configs(submission: AssignSubmission) -> tuple[tuple[str, str, str, int | str], ...]:
    """Every submission/feedback plugin setting spelled out, so restore never falls back to site defaults."""
    return (
        ("onlinetext", "assignsubmission", "enabled", int(submission.online_text)),
        ("onlinetext", "assignsubmission", "wordlimit", submission.word_limit),
        ("onlinetext", "assignsubmission", "wordlimitenabled", int(submission.word_limit > 0)),
        ("file", "assignsubmission", "enabled", int(submission.file_upload)),
        ("file", "assignsubmission", "maxfilesubmissions", submission.max_files),
        ("file", "assignsubmission", "maxsubmissionsizebytes", submission.max_bytes),
        ("file", "assignsubmission", "filetypeslist", ""),
        ("comments", "assignsubmission", "enabled", 0),
        ("comments", "assignfeedback", "enabled", 1),
        ("comments", "assignfeedback", "commentinline", 0),
        ("editpdf", "assignfeedback", "enabled", 0),
        ("offline", "assignfeedback", "enabled", 0),
        ("file", "assignfeedback", "enabled", 0),
    )


def render_backup_files(content: BlueprintContent, timestamp: int) -> list[tuple[str, bytes]]:
    """All files of the backup, in the order Moodle writes them (course, sections, activities, then root files)."""
    environment = blueprint_environment()
    layout = lay_out(content)
    shared: dict[str, Any] = {
        "content": content,
        "layout": layout,
        "timestamp": timestamp,
        "target": TARGET,
        "course_id": COURSE_ID,
        "course_context_id": COURSE_CONTEXT_ID,
        "grade_category_id": COURSE_GRADE_CATEGORY_ID,
        "course_grade_item_id": COURSE_GRADE_ITEM_ID,
        "student_role_id": STUDENT_ROLE_ID,
        "trainer_roles": TRAINER_ROLES,
        "grade_item_id": None,
        "overrides": (),
    }

    def render(template: str, **extra: Any) -> bytes:
        return environment.get_template(template).render({**shared, **extra}).encode("utf-8")

    files: list[tuple[str, bytes]] = [(path, render(template)) for path, template in _COURSE_FILES]
    for section in layout.sections:
        files.append((f"{section.directory}/section.xml", render("section.xml.j2", section=section)))
        files.append((f"{section.directory}/inforef.xml", render("inforef.xml.j2")))
    for module in layout.modules:
        files.extend(_module_files(module, render))
    files.extend((path, render(template)) for path, template in _ROOT_FILES)
    filename = backup_filename(content, timestamp)
    files.append(
        (
            "moodle_backup.xml",
            render(
                "moodle_backup.xml.j2",
                filename=filename,
                backup_id=_stable_hash(content.idnumber, str(timestamp)),
                site_hash=_stable_hash("lms-sync"),
                root_settings=(("filename", filename), *ROOT_SETTINGS),
            ),
        )
    )
    files.append(("moodle_backup.log", b""))
    return files


def _module_files(module: ModuleLayout, render: Callable[..., bytes]) -> list[tuple[str, bytes]]:
    modname = module.activity.modname
    extra: dict[str, Any] = {"module": module, "completion": COMPLETION[modname], "grade_item_id": module.grade_item_id}
    if modname is ModName.FEEDBACK:
        extra["overrides"] = tuple((role_id, capability, PROHIBIT) for role_id, _, _ in TRAINER_ROLES
                                   for capability in EVALUATION_PROHIBITED)
    if modname is ModName.ASSIGN:
        extra["plugin_configs"] = assign_plugin_configs(module.activity.submission or AssignSubmission())
    files = [(f"{module.directory}/{modname}.xml", render(f"{modname}.xml.j2", **extra))]
    files.extend((f"{module.directory}/{path}", render(template, **extra)) for path, template in _MODULE_FILES)
    if module.has_grading_areas:
        files.append((f"{module.directory}/grading.xml", render("grading.xml.j2")))
    return files


def _stable_hash(*parts: str) -> str:
    # Moodle expects 32 hex digits here; md5 of our own inputs keeps builds reproducible (not a security use).
    return hashlib.md5("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()

