"""Compiles a course template into blueprint content: renders its texts and maps activities to Moodle modules.

Blueprint texts see only `template` (one blueprint serves every run), so no run data is needed or invented here.
"""

from __future__ import annotations

from typing import Any

from lms_sync.blueprint.content import (
    ActivityContent,
    AssignSubmission,
    BlueprintContent,
    ModName,
    SectionContent,
)
from lms_sync.blueprint.feedback_items import to_feedback_item
from lms_sync.blueprint.rendering import blueprint_environment
from lms_sync.templates import Activity, CourseTemplate, Questionnaire, render

# Moodle's defaults for a new assignment: graded out of 100, so trainers can give marks alongside feedback comments.
ASSIGN_GRADE = 100
ASSIGN_MAX_FILES = 5
ASSIGN_MAX_BYTES = 0  # 0 = the course/site upload limit


def _activity(template: CourseTemplate, activity: Activity) -> ActivityContent:
    modname = ModName(activity.type)
    common: dict[str, Any] = {
        "key": activity.key,
        "modname": modname,
        "name": activity.name,
        "section_number": activity.section,
        "intro_html": render(template, activity.intro_file),
    }
    if modname is ModName.PAGE and activity.content_file is not None:
        return ActivityContent(**common, content_html=render(template, activity.content_file))
    if modname is ModName.ASSIGN:
        types = activity.submission_types or []
        submission = AssignSubmission(
            online_text="onlinetext" in types,
            file_upload="file" in types,
            max_files=ASSIGN_MAX_FILES,
            max_bytes=ASSIGN_MAX_BYTES,
        )
        return ActivityContent(**common, grade=ASSIGN_GRADE, submission=submission)
    if modname is ModName.FORUM:
        return ActivityContent(**common, forum_type=activity.forum_type or "general")
    return ActivityContent(**common)


def _questionnaire(template: CourseTemplate, questionnaire: Questionnaire) -> ActivityContent:
    return ActivityContent(
        key=questionnaire.key,
        modname=ModName.FEEDBACK,
        name=questionnaire.name,
        section_number=questionnaire.section,
        intro_html=render(template, questionnaire.intro_file),
        anonymous=questionnaire.anonymous,
        items=tuple(to_feedback_item(item) for item in questionnaire.items),
    )


def compile_blueprint(template: CourseTemplate) -> BlueprintContent:
    """The blueprint course for `template`; the questionnaire comes after the activities of its section."""
    activities = [_activity(template, activity) for activity in template.activities]
    if template.questionnaire is not None:
        activities.append(_questionnaire(template, template.questionnaire))
    summary = blueprint_environment().get_template("course_summary.html.j2").render(title=template.title, slug=template.slug)
    return BlueprintContent(
        idnumber=template.blueprint.idnumber,
        shortname=template.blueprint.shortname,
        fullname=template.blueprint.fullname,
        summary_html=summary.strip(),
        course_format=template.format,
        sections=tuple(
            SectionContent(number=index, name=section.name, summary_html=render(template, section.summary_file))
            for index, section in enumerate(template.sections)
        ),
        activities=tuple(activities),
    )
