"""core_course_get_contents: a course's sections and course modules, rendered as Moodle 4.5/5.0 do.

Modules of disabled plugins (mod_subsection on a fresh 4.5 site) are left out, their delegated sections are not.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.fake_moodle.handlers.common import format_string, get_course, image_url, option_map, truthy
from tests.fake_moodle.state import Assign, CourseModule, Feedback, Forum, Section

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

# modname -> (purpose, plural)
_MODULE_TYPES = {
    "forum": ("collaboration", "Forums"), "page": ("content", "Pages"), "assign": ("assessment", "Assignments"),
    "feedback": ("communication", "Feedback"), "questionnaire": ("communication", "Questionnaires"),
    "subsection": ("content", "Subsections"), "label": ("content", "Text and media areas"),
    "url": ("content", "URLs"), "resource": ("content", "Files"), "quiz": ("assessment", "Quizzes"),
}
_RULE_DESCRIPTIONS = {
    ("completionview", "page"): "View", ("completionsubmit", "assign"): "Make a submission",
    ("completionsubmit", "feedback"): "Submit feedback",
}


def section_title(section: Section) -> str:
    if section.name is not None:
        return section.name
    return "General" if section.section == 0 else "New section"


def customdata(fake: FakeMoodle, cm: CourseModule) -> str:
    instance = fake.site.instance(cm)
    data: dict[str, Any] = {}
    if cm.completion_rule and cm.completion_rule != "completionview":
        data["customcompletionrules"] = {cm.completion_rule: "1"}
    if isinstance(instance, Forum):
        data["trackingtype"] = str(instance.trackingtype)
    if isinstance(instance, Feedback):
        data["anonymous"] = str(instance.anonymous)
    if cm.modname == "subsection":
        delegated = next(s for s in fake.site.sections.values()
                         if s.component == "mod_subsection" and s.itemid == cm.instance)
        data["sectionid"] = str(delegated.id)
    return json.dumps(data if data else "", separators=(",", ":"))


def completion_data(fake: FakeMoodle, cm: CourseModule, userid: int) -> dict[str, Any]:
    state, timecompleted = fake.site.activity_completion.get((cm.id, userid), (0, 0))
    tracked = fake.site.is_enrolled(cm.course, userid)
    rule = cm.completion_rule or "completionview"
    return {
        "state": state, "timecompleted": timecompleted, "overrideby": None, "valueused": False,
        "hascompletion": True, "isautomatic": cm.completion == 2, "istrackeduser": tracked, "uservisible": True,
        "details": [{"rulename": rule, "rulevalue": {
            "status": state, "description": _RULE_DESCRIPTIONS.get((rule, cm.modname), "Done")}}],
        "isoverallcomplete": state > 0,
    }


def _module(fake: FakeMoodle, cm: CourseModule, options: dict[str, Any]) -> dict[str, Any]:
    instance = fake.site.instance(cm)
    purpose, plural = _MODULE_TYPES.get(cm.modname, ("other", cm.modname.capitalize() + "s"))
    module: dict[str, Any] = {
        "id": cm.id, "url": f"{fake.url}/mod/{cm.modname}/view.php?id={cm.id}", "name": format_string(instance.name),
        "instance": cm.instance, "contextid": cm.contextid, "visible": cm.visible, "uservisible": True,
        "visibleoncoursepage": 1,
        "modicon": image_url(fake, cm.modname, "monologo") + "&filtericon=1",
        "modname": cm.modname, "purpose": purpose, "branded": False, "modplural": plural, "availability": None,
        "indent": 0, "onclick": "", "afterlink": None, "customdata": customdata(fake, cm), "noviewlink": False,
        "candisplay": True, "completion": cm.completion, "downloadcontent": 1, "dates": [],
        "groupmode": cm.groupmode,
    }
    if isinstance(instance, Forum):
        module["activitybadge"] = []
    if cm.modname == "subsection":
        del module["url"]  # a subsection has no page of its own
    if isinstance(instance, Assign) and instance.duedate:
        module["dates"] = [{"label": "Due:", "timestamp": instance.duedate, "dataid": "duedate"}]
    if isinstance(instance, Feedback):
        module["dates"] = [{"label": label, "timestamp": value, "dataid": dataid} for label, value, dataid in (
            ("Opens:", instance.timeopen, "timeopen"), ("Closes:", instance.timeclose, "timeclose")) if value]
    if cm.completion:
        module["completiondata"] = completion_data(fake, cm, fake.current_user)
    if cm.modname == "page" and not truthy(options.get("excludecontents", 0)):
        module["contents"] = [{
            "type": "file", "filename": "index.html", "filepath": "/", "filesize": 0,
            "fileurl": f"{fake.url}/webservice/pluginfile.php?file=%2F{cm.contextid}%2Fmod_page%2Fcontent"
                       "%2Findex.html&amp;forcedownload=1",
            "timecreated": None, "timemodified": instance.timemodified, "sortorder": 1, "userid": None,
            "author": None, "license": None,
        }]
        module["contentsinfo"] = {"filescount": 1, "filessize": 0, "lastmodified": instance.timemodified,
                                  "mimetypes": [], "repositorytype": ""}
    return module


def _wanted(cm: CourseModule, options: dict[str, Any]) -> bool:
    if "cmid" in options and str(cm.id) != str(options["cmid"]):
        return False
    if "modname" in options and cm.modname != options["modname"]:
        return False
    return "modid" not in options or str(cm.instance) == str(options["modid"])


def get_contents(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    course = get_course(fake, params["courseid"])
    options = option_map(params["options"])
    sections = fake.site.course_sections(course.id)
    if "sectionid" in options:
        sections = [s for s in sections if str(s.id) == str(options["sectionid"])]
    if "sectionnumber" in options:
        sections = [s for s in sections if str(s.section) == str(options["sectionnumber"])]
    result = []
    for section in sections:
        modules = []
        if not truthy(options.get("excludemodules", 0)):
            modules = [
                _module(fake, cm, options)
                for cm in fake.site.section_cms(section.id)
                if cm.modname not in fake.site.disabled_modules and _wanted(cm, options)
            ]
        result.append({
            "id": section.id, "name": format_string(section_title(section)), "visible": section.visible,
            "summary": section.summary, "summaryformat": section.summaryformat, "section": section.section,
            "hiddenbynumsections": 0, "uservisible": True, "component": section.component, "itemid": section.itemid,
            "modules": modules,
        })
    return result


HANDLERS = {"core_course_get_contents": get_contents}
