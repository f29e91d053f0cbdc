"""Competencies: frameworks and competencies (create, read, update, list) and their links to courses.

idnumbers are unique (frameworks site-wide, competencies per framework), as Moodle's persistents enforce.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import MoodleException, must_exist
from tests.fake_moodle.handlers.common import get_course
from tests.fake_moodle.state import NOW, Competency, CompetencyFramework, CourseCompetency

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

_FRAMEWORK_FIELDS = ("shortname", "idnumber", "description", "descriptionformat", "visible", "scaleid",
                     "scaleconfiguration", "contextid", "taxonomies")
_COMPETENCY_FIELDS = ("shortname", "idnumber", "description", "descriptionformat", "sortorder", "parentid",
                      "ruleoutcome", "ruletype", "ruleconfig", "scaleid", "scaleconfiguration")


def _invalid_persistent(reason: str) -> MoodleException:
    return MoodleException("core\\invalid_persistent_exception", "invalidpersistent", "Invalid persistent", reason)


def framework_record(fake: FakeMoodle, framework: CompetencyFramework) -> dict[str, Any]:
    return {
        **{field: getattr(framework, field) for field in _FRAMEWORK_FIELDS},
        "id": framework.id, "timecreated": framework.timecreated, "timemodified": framework.timemodified,
        "usermodified": fake.current_user, "canmanage": True,
        "competenciescount": sum(1 for c in fake.site.competencies.values()
                                 if c.competencyframeworkid == framework.id),
        "contextname": "System", "contextnamenoprefix": "System",
    }


def competency_record(fake: FakeMoodle, competency: Competency) -> dict[str, Any]:
    return {
        **{field: getattr(competency, field) for field in _COMPETENCY_FIELDS},
        "path": competency.path, "competencyframeworkid": competency.competencyframeworkid, "id": competency.id,
        "timecreated": competency.timecreated, "timemodified": competency.timemodified,
        "usermodified": fake.current_user,
    }


def _framework(fake: FakeMoodle, frameworkid: int) -> CompetencyFramework:
    return must_exist(fake.site.frameworks, "competency_framework", frameworkid, CompetencyFramework)


def _competency(fake: FakeMoodle, competencyid: int) -> Competency:
    return must_exist(fake.site.competencies, "competency", competencyid, Competency)


def _scale_configured(wanted: dict[str, Any]) -> bool:
    """competency_framework::validate_scaleconfiguration: the first entry names the framework's scaleid, and some
    item is the default and some proficient."""
    try:
        first, *items = json.loads(wanted["scaleconfiguration"] or "[]")
    except ValueError:
        return False
    return (str(first.get("scaleid")) == str(wanted["scaleid"]) and any(i.get("scaledefault") for i in items)
            and any(i.get("proficient") for i in items))


def create_framework(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    wanted = params["competencyframework"]
    if any(f.idnumber == wanted["idnumber"] for f in fake.site.frameworks.values()):
        raise _invalid_persistent("idnumber: The ID number is already in use")
    if not _scale_configured(wanted):
        raise _invalid_persistent("scaleconfiguration: The scale needs to be configured by selecting default and "
                                  "proficient items.")
    framework = CompetencyFramework(
        fake.site.new_id("competency_framework"), wanted["shortname"], wanted["idnumber"], wanted["scaleid"],
        wanted["scaleconfiguration"], wanted["contextid"] or 1, wanted["description"], wanted["descriptionformat"],
        bool(wanted["visible"]), wanted["taxonomies"],
    )
    fake.site.frameworks[framework.id] = framework
    return framework_record(fake, framework)


def read_framework(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    return framework_record(fake, _framework(fake, params["id"]))


def update_framework(fake: FakeMoodle, params: dict[str, Any]) -> bool:
    wanted = params["competencyframework"]
    framework = _framework(fake, wanted["id"])
    if any(f.idnumber == wanted.get("idnumber") and f.id != framework.id for f in fake.site.frameworks.values()):
        raise _invalid_persistent("idnumber: The ID number is already in use")
    for field in _FRAMEWORK_FIELDS:
        if field in wanted:
            setattr(framework, field, bool(wanted[field]) if field == "visible" else wanted[field])
    framework.timemodified = NOW
    return True


def list_frameworks(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    frameworks = sorted(fake.site.frameworks.values(), key=lambda f: getattr(f, params["sort"] or "id"),
                        reverse=params["order"].upper() == "DESC")
    if params["onlyvisible"]:
        frameworks = [f for f in frameworks if f.visible]
    if params["query"]:
        query = params["query"].lower()
        frameworks = [f for f in frameworks if query in f.shortname.lower() or query in f.idnumber.lower()]
    frameworks = frameworks[params["skip"]:params["skip"] + params["limit"] if params["limit"] else None]
    return [framework_record(fake, f) for f in frameworks]


def create_competency(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    wanted = params["competency"]
    framework = _framework(fake, wanted["competencyframeworkid"])
    siblings = [c for c in fake.site.competencies.values() if c.competencyframeworkid == framework.id]
    if any(c.idnumber == wanted["idnumber"] for c in siblings):
        raise _invalid_persistent("idnumber: The ID number is already in use")
    parent = _competency(fake, wanted["parentid"]) if wanted["parentid"] else None
    competency = Competency(
        fake.site.new_id("competency"), framework.id, wanted["shortname"], wanted["idnumber"],
        wanted["description"], wanted["descriptionformat"], wanted["parentid"],
        f"{parent.path}{parent.id}/" if parent else "/0/",
        sum(1 for c in siblings if c.parentid == wanted["parentid"]),
        wanted["ruleoutcome"], wanted["ruletype"], wanted["ruleconfig"], wanted["scaleid"],
        wanted["scaleconfiguration"],
    )
    fake.site.competencies[competency.id] = competency
    return competency_record(fake, competency)


def read_competency(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    return competency_record(fake, _competency(fake, params["id"]))


def update_competency(fake: FakeMoodle, params: dict[str, Any]) -> bool:
    wanted = params["competency"]
    competency = _competency(fake, wanted["id"])
    for field in _COMPETENCY_FIELDS:
        if field in wanted and field != "parentid":
            setattr(competency, field, wanted[field])
    competency.timemodified = NOW
    return True


def list_competencies(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    for condition in params["filters"]:  # Moodle reads a filtered framework (MUST_EXIST) for its context
        if condition["column"] == "competencyframeworkid":
            _framework(fake, int(condition["value"]))
    found = sorted(fake.site.competencies.values(), key=lambda c: (c.competencyframeworkid, c.path, c.sortorder))
    for condition in params["filters"]:
        found = [c for c in found if str(getattr(c, condition["column"], None)) == condition["value"]]
    found = found[params["skip"]:params["skip"] + params["limit"] if params["limit"] else None]
    return [competency_record(fake, c) for c in found]


def add_competency_to_course(fake: FakeMoodle, params: dict[str, Any]) -> bool:
    course = get_course(fake, params["courseid"])
    competency = _competency(fake, params["competencyid"])
    links = [link for link in fake.site.course_competencies.values() if link.courseid == course.id]
    if any(link.competencyid == competency.id for link in links):
        return False
    link = CourseCompetency(fake.site.new_id("competency_coursecomp"), course.id, competency.id, len(links))
    fake.site.course_competencies[link.id] = link
    return True


def list_course_competencies(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    course = get_course(fake, params["id"])
    links = sorted((link for link in fake.site.course_competencies.values() if link.courseid == course.id),
                   key=lambda link: link.sortorder)
    return [
        {"competency": competency_record(fake, fake.site.competencies[link.competencyid]),
         "coursecompetency": {"courseid": link.courseid, "competencyid": link.competencyid,
                              "sortorder": link.sortorder, "ruleoutcome": link.ruleoutcome, "id": link.id,
                              "timecreated": link.timecreated, "timemodified": link.timemodified,
                              "usermodified": fake.current_user}}
        for link in links
    ]


HANDLERS = {
    "core_competency_create_competency_framework": create_framework,
    "core_competency_read_competency_framework": read_framework,
    "core_competency_update_competency_framework": update_framework,
    "core_competency_list_competency_frameworks": list_frameworks,
    "core_competency_create_competency": create_competency,
    "core_competency_read_competency": read_competency,
    "core_competency_update_competency": update_competency,
    "core_competency_list_competencies": list_competencies,
    "core_competency_add_competency_to_course": add_competency_to_course,
    "core_competency_list_course_competencies": list_course_competencies,
}
