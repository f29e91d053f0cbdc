"""The web-service functions lms-sync uses, grouped by the command that needs them: the single source of truth.

`lms-sync check` compares this list with the token's service; the README's least-privilege setup is derived from it.
"""

from __future__ import annotations

BATCH_FUNCTION = "tool_mobile_call_external_functions"
# tool_lp's "data_for_*" functions are Moodle-declared reads that build a page's data (competency summaries).
_READ_MARKERS = ("_get_", "_list_", "_search_", "_read_", "tool_lp_data_for_")

SITE_INFO = "core_webservice_get_site_info"

_OBSERVE = (
    SITE_INFO,
    "core_course_get_categories",
    "core_course_get_courses_by_field",
    "core_course_get_contents",
    "mod_feedback_get_items",  # is an import complete? (only for contents read anew)
    "core_user_get_users_by_field",
    "core_user_get_users",
    "core_enrol_get_enrolled_users",
    "core_group_get_course_groups",
    "core_calendar_get_calendar_events",
    "mod_forum_get_forums_by_courses",
    "mod_forum_get_forum_discussions",
    "core_competency_list_competency_frameworks",
    "core_competency_list_competencies",
    "core_competency_list_course_competencies",
    "core_competency_get_scale_values",
)

FUNCTIONS_BY_COMMAND: dict[str, tuple[str, ...]] = {
    "check": (SITE_INFO,),
    "plan": _OBSERVE,
    "push": _OBSERVE + (
        "core_course_create_categories",
        "core_course_create_courses",
        "core_course_update_courses",
        "core_course_import_course",
        "core_course_delete_modules",  # repairs an import a crash cut off (then imports again)
        "core_update_inplace_editable",
        "core_user_create_users",
        "enrol_manual_enrol_users",
        "core_group_create_groups",
        "core_group_add_group_members",
        "core_calendar_create_calendar_events",
        "core_calendar_delete_calendar_events",
        "core_calendar_update_event_start_day",
        "core_courseformat_update_course",
        "mod_forum_add_discussion",
        # the competency framework, its competencies and the course links (lms_sync.push.plan_competencies)
        "core_competency_create_competency_framework",
        "core_competency_update_competency_framework",
        "core_competency_create_competency",
        "core_competency_update_competency",
        "core_competency_add_competency_to_course",
    ),
    "push --prune": (
        "core_group_delete_groups",
        "core_calendar_delete_calendar_events",
    ),
    "pull": (
        SITE_INFO,
        "core_course_get_courses_by_field",
        "core_enrol_get_enrolled_users",
        "core_completion_get_course_completion_status",
        "core_completion_get_activities_completion_status",
        "mod_feedback_get_feedbacks_by_courses",
        "mod_feedback_get_items",
        "mod_feedback_get_responses_analysis",
        "mod_feedback_get_non_respondents",
        # lms_sync.competencies.pull (opted-in participants only)
        "core_competency_list_course_competencies",
        "core_competency_read_competency_framework",
        "tool_lp_data_for_user_competency_summary_in_course",
        "core_competency_list_user_plans",
        "core_competency_list_plan_competencies",
    ),
    "blueprint adopt": (
        SITE_INFO,
        "core_course_get_courses_by_field",
        "core_course_update_courses",
    ),
    "blueprint verify": (
        SITE_INFO,
        "core_course_get_courses_by_field",
        "core_course_get_contents",
        "mod_feedback_get_feedbacks_by_courses",
        "mod_feedback_get_items",
    ),
}

OPTIONAL_FUNCTIONS: dict[str, str] = {
    BATCH_FUNCTION: "batches independent reads into one request (faster plan and pull)",
    "core_enrol_get_enrolled_users_with_capability": "reads every run course's participants in one call "
                                                     "instead of one per course (faster plan and push)",
    "core_group_get_groups": "reads the Kleingruppen of all run courses in one call instead of one per course",
    "core_get_string": "tells plan whether the site has the language pack a template's `language` needs "
                       "(else Moodle refuses the course at push)",
    "tool_mobile_get_config": "lets check compare the site's default time zone with the catalogue's",
}


def all_required_functions() -> set[str]:
    return {name for names in FUNCTIONS_BY_COMMAND.values() for name in names}


def is_read_function(wsfunction: str) -> bool:
    """Moodle's naming convention: getters and listers have no side effects and may always be repeated.

    `tool_mobile_call_external_functions` counts as a read: writes go through it only with an explicit `repeat_safe`
    (`MoodleClient.call_many`), and the ledger counts them by their own names.
    """
    return any(marker in wsfunction for marker in _READ_MARKERS) or wsfunction == BATCH_FUNCTION
