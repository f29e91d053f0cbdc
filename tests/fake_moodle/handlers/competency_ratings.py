"""Competency ratings as Moodle serves them: scale values, a user's rating with evidence in a course (tool_lp), and
learning plans with their competencies. Shapes transcribed from Moodle's exporters (subset of the keys lms-sync reads).

Plans and scales are not tables of `Site` yet: they live in `site.__dict__` under the names below, so snapshots and
rollbacks of the site carry them along.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import moodle_exception
from tests.fake_moodle.extra_signatures import _list, _obj, _v
from tests.fake_moodle.handlers.common import get_course, get_user
from tests.fake_moodle.state import NOW, CompetencyRating, Site

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

PLAN_ACTIVE, PLAN_COMPLETE = 1, 2
ACTION_OVERRIDE = 2  # evidence::ACTION_OVERRIDE: a teacher set the rating
# A fresh Moodle site's scales: 1 "Separate and Connected ways of knowing", 2 the default competence scale.
_DEFAULT_SCALES = {
    1: ["Mostly separate knowing", "Separate and connected", "Mostly connected knowing"],
    2: ["Not yet competent", "Competent"],
}


@dataclass
class PlanCompetency:
    grade: int | None = None
    proficiency: bool | None = None
    timemodified: int = NOW


@dataclass
class LearningPlan:
    id: int
    userid: int
    name: str
    status: int = PLAN_ACTIVE
    competencies: dict[int, PlanCompetency] = field(default_factory=dict)
    timemodified: int = NOW


def scales(site: Site) -> dict[int, list[str]]:
    return site.__dict__.setdefault("scales", {k: list(v) for k, v in _DEFAULT_SCALES.items()})


def plans(site: Site) -> dict[int, LearningPlan]:
    return site.__dict__.setdefault("learning_plans", {})


# -- builders for tests ---------------------------------------------------------------------------------------------

def add_scale(fake: FakeMoodle, items: list[str]) -> int:
    scale_id = max(scales(fake.site)) + 1
    scales(fake.site)[scale_id] = list(items)
    return scale_id


def add_plan(fake: FakeMoodle, userid: int, name: str, ratings: dict[int, tuple[int | None, bool | None]], *,
             status: int = PLAN_ACTIVE) -> LearningPlan:
    plan = LearningPlan(fake.site.new_id("competency_plan"), userid, name, status,
                        {cid: PlanCompetency(grade, proficient) for cid, (grade, proficient) in ratings.items()})
    plans(fake.site)[plan.id] = plan
    return plan


# -- handlers -------------------------------------------------------------------------------------------------------

def get_scale_values(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    items = scales(fake.site).get(params["scaleid"])
    if items is None:
        raise moodle_exception("invalidrecord", "Can't find data record in database table scale.")
    return [{"id": index, "name": name} for index, name in enumerate(items, start=1)]


def _scale_items(fake: FakeMoodle, competency_id: int) -> list[str]:
    competency = fake.site.competencies[competency_id]
    framework = fake.site.frameworks[competency.competencyframeworkid]
    return scales(fake.site).get(framework.scaleid, [])


def _grade_name(items: list[str], grade: int | None) -> str:
    return items[grade - 1] if grade and 0 < grade <= len(items) else "-"


def _proficiency_name(proficiency: bool | None) -> str:
    return "" if proficiency is None else ("Yes" if proficiency else "No")


def summary_in_course(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    userid, competencyid, courseid = params["userid"], params["competencyid"], params["courseid"]
    course, user = get_course(fake, courseid), get_user(fake, userid)
    if not any(link.courseid == courseid and link.competencyid == competencyid
               for link in fake.site.course_competencies.values()):
        raise moodle_exception("coding_exception", "Coding error detected, it must be fixed by a programmer: "
                                                   "The competency does not belong to this course")
    if not fake.site.is_enrolled(courseid, userid):
        raise moodle_exception("usernotincourse", "User is not enrolled in this course")
    # As Moodle's api::get_user_competency_in_course: the first read creates an empty rating row.
    rating = fake.site.competency_ratings.setdefault(
        (userid, courseid, competencyid), CompetencyRating(userid, courseid, competencyid, None, None))
    items = _scale_items(fake, competencyid)
    competency = fake.site.competencies[competencyid]
    framework = fake.site.frameworks[competency.competencyframeworkid]
    evidence = [] if rating.grade is None else [{
        "id": competencyid * 1000 + userid, "usercompetencyid": competencyid * 1000 + userid, "contextid": course.contextid,
        "action": ACTION_OVERRIDE, "actionuserid": fake.current_user, "descidentifier": "evidence_manualoverrideincourse",
        "desccomponent": "core_competency", "desca": course.shortname, "url": "", "grade": rating.grade,
        "note": rating.note, "timecreated": rating.timemodified, "timemodified": rating.timemodified,
        "usermodified": fake.current_user,
        "description": f"The rating was set manually in the course '{course.shortname}'.",
        "gradename": _grade_name(items, rating.grade), "userdate": "", "candelete": False,
    }]
    return {
        "usercompetencysummary": {
            "showrelatedcompetencies": True, "cangrade": True,
            "competency": {
                "competency": {"id": competency.id, "shortname": competency.shortname, "idnumber": competency.idnumber,
                               "competencyframeworkid": competency.competencyframeworkid},
                "framework": {"id": framework.id, "shortname": framework.shortname, "idnumber": framework.idnumber},
            },
            "user": {"id": user.id, "fullname": user.fullname},
            "usercompetencycourse": {
                "userid": userid, "courseid": courseid, "competencyid": competencyid, "proficiency": rating.proficiency,
                "grade": rating.grade, "id": competencyid * 1000 + userid, "timecreated": rating.timemodified,
                "timemodified": rating.timemodified, "usermodified": fake.current_user,
                "gradename": _grade_name(items, rating.grade), "proficiencyname": _proficiency_name(rating.proficiency),
            },
            "evidence": evidence,
        },
        "course": {"id": course.id, "fullname": course.fullname, "shortname": course.shortname},
        "coursemodules": [],
    }


def _plan_record(plan: LearningPlan) -> dict[str, Any]:
    return {
        "name": plan.name, "description": "", "descriptionformat": 1, "userid": plan.userid, "templateid": None,
        "origtemplateid": None, "status": plan.status, "duedate": 0, "reviewerid": None, "id": plan.id,
        "timecreated": plan.timemodified, "timemodified": plan.timemodified, "usermodified": plan.userid,
        "statusname": "Complete" if plan.status == PLAN_COMPLETE else "Active",
        "iscompleted": plan.status == PLAN_COMPLETE, "isactive": plan.status == PLAN_ACTIVE,
    }


def list_user_plans(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    get_user(fake, params["userid"])
    return [_plan_record(plan) for plan in sorted(plans(fake.site).values(), key=lambda p: p.id)
            if plan.userid == params["userid"]]


def list_plan_competencies(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    plan = plans(fake.site).get(params["id"])
    if plan is None:
        raise moodle_exception("invalidrecord", "Can't find data record in database table competency_plan.")
    entries = []
    for competencyid, rated in sorted(plan.competencies.items()):
        competency = fake.site.competencies[competencyid]
        items = _scale_items(fake, competencyid)
        rating = {
            "userid": plan.userid, "competencyid": competencyid, "proficiency": rated.proficiency, "grade": rated.grade,
            "id": plan.id * 1000 + competencyid, "timecreated": rated.timemodified, "timemodified": rated.timemodified,
            "usermodified": fake.current_user, "gradename": _grade_name(items, rated.grade),
            "proficiencyname": _proficiency_name(rated.proficiency),
        }
        # A completed plan shows its frozen rating; an active one the user's live competency.
        key = "usercompetencyplan" if plan.status == PLAN_COMPLETE else "usercompetency"
        entries.append({"competency": {"id": competency.id, "shortname": competency.shortname,
                                       "idnumber": competency.idnumber, "description": competency.description,
                                       "descriptionformat": 1, "sortorder": competency.sortorder,
                                       "parentid": competency.parentid, "path": competency.path,
                                       "ruleoutcome": competency.ruleoutcome, "ruletype": competency.ruletype,
                                       "ruleconfig": competency.ruleconfig, "scaleid": competency.scaleid,
                                       "scaleconfiguration": competency.scaleconfiguration,
                                       "competencyframeworkid": competency.competencyframeworkid,
                                       "timecreated": competency.timecreated, "timemodified": competency.timemodified,
                                       "usermodified": fake.current_user},
                        key: {**rating, **({"planid": plan.id, "sortorder": 0} if key == "usercompetencyplan" else
                                           {"status": 0, "reviewerid": None})}})
    return entries


HANDLERS = {
    "core_competency_get_scale_values": get_scale_values,
    "tool_lp_data_for_user_competency_summary_in_course": summary_in_course,
    "core_competency_list_user_plans": list_user_plans,
    "core_competency_list_plan_competencies": list_plan_competencies,
}


# -- descriptions (Moodle's exporters, the keys above) ---------------------------------------------------------------

def _user_competency(**extra: dict[str, Any]) -> dict[str, Any]:
    return _obj(
        2, userid=_v("int"), competencyid=_v("int"), proficiency=_v("bool"), grade=_v("int"), id=_v("int"),
        timecreated=_v("int"), timemodified=_v("int"), usermodified=_v("int"), gradename=_v("text"),
        proficiencyname=_v("text"), **extra,
    )


def signatures(recorded: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The descriptions of the functions above; `recorded` supplies the competency structure Moodle shares."""
    competency = recorded["core_competency_create_competency"]["returns"]
    evidence = _obj(
        usercompetencyid=_v("int"), contextid=_v("int"), action=_v("int"), actionuserid=_v("int"),
        descidentifier=_v("text"), desccomponent=_v("text"), desca=_v("raw"), url=_v("url"), grade=_v("int"),
        note=_v("raw"), id=_v("int"), timecreated=_v("int"), timemodified=_v("int"), usermodified=_v("int"),
        description=_v("text"), gradename=_v("text"), userdate=_v("text"), candelete=_v("bool"),
    )
    summary = _obj(
        usercompetencysummary=_obj(
            showrelatedcompetencies=_v("bool"), cangrade=_v("bool"),
            competency=_obj(
                competency=_obj(id=_v("int"), shortname=_v("text"), idnumber=_v("text"), competencyframeworkid=_v("int")),
                framework=_obj(id=_v("int"), shortname=_v("text"), idnumber=_v("text")),
            ),
            user=_obj(id=_v("int"), fullname=_v("text")),
            usercompetencycourse=_user_competency(courseid=_v("int")),
            evidence=_list(evidence),
        ),
        course=_obj(id=_v("int"), fullname=_v("text"), shortname=_v("text")),
        coursemodules=_list(_obj(id=_v("int"), name=_v("text"))),
    )
    plan = _obj(
        name=_v("text"), description=_v("raw"), descriptionformat=_v("int"), userid=_v("int"), templateid=_v("int"),
        origtemplateid=_v("int"), status=_v("int"), duedate=_v("int"), reviewerid=_v("int"), id=_v("int"),
        timecreated=_v("int"), timemodified=_v("int"), usermodified=_v("int"), statusname=_v("text"),
        iscompleted=_v("bool"), isactive=_v("bool"),
    )
    return {
        "core_competency_get_scale_values": {
            "type": "read", "parameters": _obj(scaleid=_v("int")),
            "returns": _list(_obj(id=_v("int"), name=_v("raw"))),
        },
        "tool_lp_data_for_user_competency_summary_in_course": {
            "type": "read", "parameters": _obj(userid=_v("int"), competencyid=_v("int"), courseid=_v("int")),
            "returns": summary,
        },
        "core_competency_list_user_plans": {
            "type": "read", "parameters": _obj(userid=_v("int")), "returns": _list(plan),
        },
        "core_competency_list_plan_competencies": {
            "type": "read", "parameters": _obj(id=_v("int")),
            "returns": _list(_obj(
                competency=competency,
                usercompetency=_user_competency(status=_v("int"), reviewerid=_v("int")),
                usercompetencyplan=_user_competency(planid=_v("int"), sortorder=_v("int")),
            )),
        },
    }
