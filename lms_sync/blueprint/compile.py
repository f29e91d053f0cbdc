"""Compiles a course template into blueprint content: renders its texts and maps activities to Moodle modules.

Blueprint texts see only `template` (one blueprint serves every run), so no run data is needed or invented here.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from lms_sync.blueprint.content import (
    ActivityContent,
    AssignSubmission,
    BlueprintContent,
    ModName,
    SectionContent,
)
from lms_sync.blueprint.feedback_items import to_feedback_item
from lms_sync.blueprint.rendering import blueprint_environment
from lms_sync.catalogue.local_time import to_unix
from lms_sync.config import DEFAULT_TIMEZONE
from lms_sync.templates import Activity, CourseTemplate, Questionnaire, render
from lms_sync.templates.activity_dates import placeholder_dates

GROUP_MODES = {None: 0, "separate": 1, "visible": 2}
ASSIGN_MAX_FILES = 5
ASSIGN_MAX_BYTES = 0  # 0 = the course/site upload limit


def _activity(template: CourseTemplate, activity: Activity, dates: dict[tuple[str, str], int]) -> ActivityContent:
    modname = ModName(activity.type)
    common: dict[str, Any] = {
        "key": activity.key,
        "modname": modname,
        "name": activity.name,
        "section_number": activity.section,
        "intro_html": render(template, activity.intro_file),
        "group_mode": GROUP_MODES[activity.group_mode],
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
        # No grade unless the template asks: workshop tasks get comments, not points.
        return ActivityContent(**common, grade=activity.grade_max or 0, submission=submission,
                               due_at=dates.get((activity.key, "due"), 0))
    if modname is ModName.FORUM:
        return ActivityContent(**common, forum_type=activity.forum_type or "general")
    return ActivityContent(**common)


def _questionnaire(template: CourseTemplate, questionnaire: Questionnaire,
                   dates: dict[tuple[str, str], int]) -> ActivityContent:
    return ActivityContent(
        key=questionnaire.key,
        modname=ModName.FEEDBACK,
        name=questionnaire.name,
        section_number=questionnaire.section,
        intro_html=render(template, questionnaire.intro_file),
        anonymous=questionnaire.anonymous,
        items=tuple(to_feedback_item(item) for item in questionnaire.items),
        open_at=dates.get((questionnaire.key, "open"), 0),
        close_at=dates.get((questionnaire.key, "close"), 0),
    )


def compile_blueprint(template: CourseTemplate, timezone: ZoneInfo = DEFAULT_TIMEZONE) -> BlueprintContent:
    """The blueprint course for `template`; the questionnaire comes after the activities of its section.

    Dates sit on the placeholder day at the template's times of day in `timezone` (the site's, which `check`
    compares with the catalogue's): Moodle keeps an event's time of day when push moves it to the run's day.
    """
    dates = {(d.key, d.eventtype): to_unix(d.moment) for d in placeholder_dates(template, timezone)}
    activities = [_activity(template, activity, dates) for activity in template.activities]
    if template.questionnaire is not None:
        activities.append(_questionnaire(template, template.questionnaire, dates))
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
