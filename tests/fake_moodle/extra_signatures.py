"""Descriptions of the functions the recordings do not cover, transcribed from Moodle's source (same format).

`r` = required, `d` = has a default, `o` = optional; structures reuse recorded descriptions where Moodle does.
"""

from __future__ import annotations

from typing import Any


def _v(type_: str, required: int = 1, default: Any = None) -> dict[str, Any]:
    description: dict[str, Any] = {"type": type_, "required": required}
    if required == 0:
        description["default"] = default
    return description


def _obj(required: int = 1, /, **keys: dict[str, Any]) -> dict[str, Any]:
    return {"object": keys, "required": required}


def _list(item: dict[str, Any], required: int = 1) -> dict[str, Any]:
    return {"list_of": item, "required": required}


_WARNINGS = _list(_obj(item=_v("text", 2), itemid=_v("int", 2), warningcode=_v("alphanum"), message=_v("raw")))


def extra_signatures(recorded: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The extra descriptions; `recorded` supplies structures Moodle shares between functions."""
    framework = recorded["core_competency_create_competency_framework"]["returns"]
    competency = recorded["core_competency_create_competency"]["returns"]
    framework_fields = recorded["core_competency_create_competency_framework"]["parameters"]["object"][
        "competencyframework"]["object"]
    competency_fields = recorded["core_competency_create_competency"]["parameters"]["object"]["competency"]["object"]
    event = _obj(
        id=_v("int"), name=_v("text"), description=_v("raw", 2), format=_v("int"), courseid=_v("int"),
        categoryid=_v("int", 2), groupid=_v("int"), userid=_v("int"), repeatid=_v("int"),
        component=_v("component", 2), modulename=_v("text", 2), instance=_v("int"), eventtype=_v("alpha"),
        timestart=_v("int"), timeduration=_v("int"), visible=_v("int"), uuid=_v("text", 2), sequence=_v("int"),
        timemodified=_v("int"), subscriptionid=_v("int", 2),
    )
    enrolled_users = recorded["core_enrol_get_enrolled_users"]
    return {
        "core_enrol_get_enrolled_users_with_capability": {
            "type": "read",
            "parameters": _obj(
                coursecapabilities=_list(_obj(courseid=_v("int"), capabilities=_list(_v("capability")))),
                options=enrolled_users["parameters"]["object"]["options"],
            ),
            "returns": _list(_obj(courseid=_v("int"), capability=_v("capability"), users=enrolled_users["returns"])),
        },
        "core_course_create_categories": {
            "type": "write",
            "parameters": _obj(categories=_list(_obj(
                name=_v("text"), parent=_v("int", 0, 0), idnumber=_v("raw", 2), description=_v("raw", 2),
                descriptionformat=_v("int", 0, 1), theme=_v("theme", 2),
            ))),
            "returns": _list(_obj(id=_v("int"), name=_v("text"))),
        },
        "enrol_manual_unenrol_users": {
            "type": "write",
            "parameters": _obj(enrolments=_list(_obj(userid=_v("int"), courseid=_v("int"), roleid=_v("int", 2)))),
            "returns": None,
        },
        "core_user_get_users": {
            "type": "read",
            "parameters": _obj(criteria=_list(_obj(key=_v("alpha"), value=_v("raw")))),
            "returns": _obj(users=recorded["core_user_get_users_by_field"]["returns"], warnings=_WARNINGS),
        },
        "core_course_delete_modules": {
            "type": "write",
            "parameters": _obj(cmids=_list(_v("int"))),
            "returns": None,
        },
        "core_group_delete_groups": {
            "type": "write",
            "parameters": _obj(groupids=_list(_v("int"))),
            "returns": None,
        },
        "core_group_get_groups": {
            "type": "read",
            "parameters": _obj(groupids=_list(_v("int"))),
            "returns": recorded["core_group_get_course_groups"]["returns"],
        },
        "core_calendar_delete_calendar_events": {
            "type": "write",
            "parameters": _obj(events=_list(_obj(eventid=_v("int"), repeat=_v("bool")))),
            "returns": None,
        },
        "core_calendar_get_calendar_events": {
            "type": "read",
            "parameters": _obj(
                events=_obj(0, eventids=_list(_v("int"), 0), courseids=_list(_v("int"), 0),
                            groupids=_list(_v("int"), 0), categoryids=_list(_v("int"), 0)),
                options=_obj(0, userevents=_v("bool", 0, True), siteevents=_v("bool", 0, True),
                             timestart=_v("int", 0, 0), timeend=_v("int", 0, 0), ignorehidden=_v("bool", 0, True)),
            ),
            "returns": _obj(events=_list(event), warnings=_WARNINGS),
        },
        "core_calendar_update_event_start_day": {
            "type": "write",
            "parameters": _obj(eventid=_v("int"), daytimestamp=_v("int")),
            # event_exporter's structure, of which lms-sync reads nothing: the fields that identify the event
            "returns": _obj(event=_obj(
                id=_v("int"), name=_v("text"), component=_v("component", 2), modulename=_v("text", 2),
                instance=_v("int", 2), eventtype=_v("text"), timestart=_v("int"), timeduration=_v("int"),
                courseid=_v("int", 2), userid=_v("int", 2), visible=_v("int"))),
        },
        "tool_mobile_call_external_functions": {
            "type": "read",
            "parameters": _obj(requests=_list(_obj(
                function=_v("alphanumext"), arguments=_v("raw", 0, "{}"), settingraw=_v("bool", 0, False),
                settingfilter=_v("bool", 0, False), settingfileurl=_v("bool", 0, True), settinglang=_v("lang", 0, ""),
            ))),
            "returns": _obj(responses=_list(_obj(error=_v("bool"), data=_v("raw", 2), exception=_v("raw", 2)))),
        },
        "core_competency_read_competency_framework": {
            "type": "read", "parameters": _obj(id=_v("int")), "returns": framework,
        },
        "core_competency_update_competency_framework": {
            "type": "write",
            "parameters": _obj(competencyframework=_obj(
                id=_v("int"), **{key: {**value, "required": 2} for key, value in framework_fields.items()})),
            "returns": _v("bool"),
        },
        "core_competency_list_competency_frameworks": {
            "type": "read",
            "parameters": _obj(
                sort=_v("alphanumext", 0, ""), order=_v("alpha", 0, ""), skip=_v("int", 0, 0), limit=_v("int", 0, 0),
                context=_obj(1, contextid=_v("int", 0, 0), instanceid=_v("int", 0, 0), contextlevel=_v("alpha", 0, "")),
                includes=_v("alpha", 0, "children"), onlyvisible=_v("bool", 0, False), query=_v("raw", 0, ""),
            ),
            "returns": _list(framework),
        },
        "core_competency_read_competency": {
            "type": "read", "parameters": _obj(id=_v("int")), "returns": competency,
        },
        "core_competency_update_competency": {
            "type": "write",
            "parameters": _obj(competency=_obj(
                id=_v("int"), **{key: {**value, "required": 2} for key, value in competency_fields.items()})),
            "returns": _v("bool"),
        },
        "core_get_string": {
            "type": "read",
            "parameters": _obj(stringid=_v("alphanumext"), component=_v("component", 0, "moodle"),
                               lang=_v("text", 0, None),
                               stringparams=_list(_obj(name=_v("alphanumext", 2), value=_v("raw")), 0)),
            "returns": _v("raw"),
        },
        "core_competency_list_competencies": {
            "type": "read",
            "parameters": _obj(
                filters=_list(_obj(column=_v("alpha"), value=_v("text"))),
                sort=_v("alpha", 0, ""), order=_v("alpha", 0, ""), skip=_v("int", 0, 0), limit=_v("int", 0, 0),
            ),
            "returns": _list(competency),
        },
    }
