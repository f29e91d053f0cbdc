"""Course editing: core_courseformat_update_course (state updates as a JSON string), core_course_edit_section,
quick creation (core_courseformat_new_module 5.0 / create_module), and core_update_inplace_editable renames.

Only modules with quick-create support (subsection) can be created; a disabled mod_subsection (fresh 4.5) still
creates the module and its delegated section, but the module stays invisible everywhere.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.fake_moodle import operations
from tests.fake_moodle.errors import missing, moodle_exception, must_exist
from tests.fake_moodle.handlers.common import format_string, get_course
from tests.fake_moodle.handlers.contents import section_title
from tests.fake_moodle.state import NOW, Activity, Course, CourseModule, Section

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle


def _visible_cms(fake: FakeMoodle, section: Section) -> list[CourseModule]:
    return [cm for cm in fake.site.section_cms(section.id) if cm.modname not in fake.site.disabled_modules]


def _section_state(fake: FakeMoodle, section: Section) -> dict[str, Any]:
    title = section_title(section)
    fields: dict[str, Any] = {
        "id": str(section.id), "section": section.section, "number": section.section, "title": format_string(title),
        "hassummary": bool(section.summary), "rawtitle": None if section.section == 0 and section.name is None
        else title, "cmlist": [str(cm.id) for cm in _visible_cms(fake, section)], "visible": bool(section.visible),
        "current": False, "indexcollapsed": False, "contentcollapsed": False, "hasrestrictions": False,
        "bulkeditable": section.section > 0, "component": section.component, "itemid": section.itemid,
        "sectionurl": f"{fake.url}/course/section.php?id={section.id}",
    }
    if fake.version == "5.0":
        parent = next((fake.site.sections[cm.section] for cm in fake.site.cms.values()
                       if section.component == "mod_subsection" and cm.modname == "subsection"
                       and cm.instance == section.itemid), None)
        fields["parentsectionid"] = str(parent.id) if parent else None
    return {"name": "section", "action": "put", "fields": fields}


def _cm_state(fake: FakeMoodle, cm: CourseModule) -> dict[str, Any]:
    section = fake.site.sections[cm.section]
    name = fake.site.instance(cm).name
    fields: dict[str, Any] = {
        "id": str(cm.id), "anchor": f"module-{cm.id}", "name": format_string(name), "visible": bool(cm.visible),
        "stealth": False, "sectionid": str(section.id), "sectionnumber": section.section, "uservisible": True,
        "hascmrestrictions": False, "modname": cm.modname.capitalize(), "indent": 0, "groupmode": cm.groupmode,
        "module": cm.modname, "plugin": f"mod_{cm.modname}", "hasdelegatedsection": cm.modname == "subsection",
        "accessvisible": bool(cm.visible), "istrackeduser": False, "allowstealth": False,
    }
    if cm.modname == "subsection":
        delegated = next(s for s in fake.site.sections.values()
                         if s.component == "mod_subsection" and s.itemid == cm.instance)
        fields["delegatesectionid"] = str(delegated.id)
    else:
        fields["url"] = f"{fake.url}/mod/{cm.modname}/view.php?id={cm.id}"
    return {"name": "cm", "action": "put", "fields": fields}


def _course_updates(fake: FakeMoodle, course: Course, created: CourseModule | None = None) -> str:
    """The whole course state, as Moodle sends it after adding a section or a module."""
    sections = fake.site.course_sections(course.id)
    cms = [cm for section in sections for cm in _visible_cms(fake, section)]
    updates: list[dict[str, Any]] = [{"name": "course", "action": "put", "fields": {
        "id": str(course.id), "numsections": len(sections) - 1, "sectionlist": [str(s.id) for s in sections],
        "editmode": False, "highlighted": "Highlighted", "maxsections": "52",
        "baseurl": f"{fake.url}/course/view.php?id={course.id}", "statekey": f"{NOW}_{course.cacherev}",
        "maxbytes": -1, "maxbytestext": "Unlimited",
    }}]
    updates += [_section_state(fake, s) for s in sections]
    if created is not None and created.modname not in fake.site.disabled_modules:
        updates.append(_cm_state(fake, created))
    updates += [_cm_state(fake, cm) for cm in cms]
    return json.dumps(updates, ensure_ascii=False, separators=(",", ":"))


def _section(fake: FakeMoodle, sectionid: int) -> Section:
    return must_exist(fake.site.sections, "course_sections", sectionid, Section)


_GROUP_MODES = {"cm_nogroups": 0, "cm_separategroups": 1, "cm_visiblegroups": 2}


def update_course(fake: FakeMoodle, params: dict[str, Any]) -> str:
    course = get_course(fake, params["courseid"])
    action = params["action"]
    if action == "section_add":
        operations.add_section(fake.site, course.id, len(fake.site.course_sections(course.id)))
        return _course_updates(fake, course)
    if action in ("section_hide", "section_show"):
        sections = [_section(fake, sectionid) for sectionid in params["ids"]]
        for section in sections:
            section.visible = int(action == "section_show")
        operations.bump_cacherev(fake.site, course.id)
        return json.dumps([_section_state(fake, s) for s in sections], ensure_ascii=False, separators=(",", ":"))
    if action in _GROUP_MODES:
        cms = [fake.site.cms[cmid] for cmid in params["ids"]]
        for cm in cms:
            cm.groupmode = _GROUP_MODES[action]
        operations.bump_cacherev(fake.site, course.id)
        return json.dumps([_cm_state(fake, cm) for cm in cms], ensure_ascii=False, separators=(",", ":"))
    if action in ("cm_hide", "cm_show"):
        cms = [fake.site.cms[cmid] for cmid in params["ids"]]
        for cm in cms:
            cm.visible = int(action == "cm_show")
        operations.bump_cacherev(fake.site, course.id)
        return json.dumps([_cm_state(fake, cm) for cm in cms], ensure_ascii=False, separators=(",", ":"))
    raise moodle_exception("unknowncourseaction", f"Unknown course action: {action}")


def edit_section(fake: FakeMoodle, params: dict[str, Any]) -> str:
    section = _section(fake, params["id"])
    if params["action"] not in ("hide", "show"):
        raise moodle_exception("sectionactionnotsupported", f"Section action not supported: {params['action']}")
    section.visible = int(params["action"] == "show")
    operations.bump_cacherev(fake.site, section.course)
    hidden = "" if section.visible else " hiddenactivity"
    modules = [
        f'<li class="activity {cm.modname} modtype_{cm.modname}" id="module-{cm.id}" data-for="cmitem" '
        f'data-id="{cm.id}"><div class="activity-item focus-control{hidden}" data-activityname='
        f'"{format_string(fake.site.instance(cm).name)}"></div></li>'
        for cm in _visible_cms(fake, section)
    ]
    return json.dumps({"modules": modules, "section_availability": '<div class="section_availability">\n</div>'},
                      ensure_ascii=False)


def _quick_create(fake: FakeMoodle, course: Course, modname: str, section: Section) -> str:
    if modname != "subsection":
        message = f"Module {modname} does not support quick creation"
        raise moodle_exception(message, f"error/{message}")
    instance_id = fake.site.new_id("subsection")
    fake.site.instances["subsection"][instance_id] = Activity(instance_id, course.id, "New subsection")
    number = len(fake.site.course_sections(course.id))
    operations.add_section(fake.site, course.id, number, name="New subsection", visible=section.visible,
                           component="mod_subsection", itemid=instance_id)
    cm = CourseModule(fake.site.new_id("course_modules"), course.id, "subsection", instance_id, section.id,
                      visible=section.visible, contextid=fake.site.new_context())
    fake.site.cms[cm.id] = cm
    operations.bump_cacherev(fake.site, course.id)
    return _course_updates(fake, course, created=cm)


def new_module(fake: FakeMoodle, params: dict[str, Any]) -> str:
    course = get_course(fake, params["courseid"])
    return _quick_create(fake, course, params["modname"], _section(fake, params["targetsectionid"]))


def create_module(fake: FakeMoodle, params: dict[str, Any]) -> str:
    course = get_course(fake, params["courseid"])
    section = next((s for s in fake.site.course_sections(course.id) if s.section == params["targetsectionnum"]), None)
    if section is None:
        raise missing("course_sections", "SELECT * FROM {course_sections} WHERE course = ? AND section = ?",
                      course.id, params["targetsectionnum"])
    return _quick_create(fake, course, params["modname"], section)


def _inplace(component: str, itemtype: str, itemid: int, value: str, display: str, hint: str,
             label: str) -> dict[str, Any]:
    return {"displayvalue": display, "component": component, "itemtype": itemtype, "value": value,
            "itemid": str(itemid), "edithint": hint, "editlabel": label,
            "editicon": {"key": "t/editstring", "component": "moodle", "title": hint}, "type": "text",
            "options": "", "linkeverything": 0}


def update_inplace_editable(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    component, itemtype, itemid, value = params["component"], params["itemtype"], params["itemid"], params["value"]
    if itemtype == "sectionname" and component.startswith("format_"):
        course_format = component.removeprefix("format_")
        section = fake.site.sections.get(int(itemid)) if str(itemid).isdigit() else None
        if section is None or fake.site.courses[section.course].format != course_format:
            raise missing(None, "SELECT s.* FROM {course_sections} s JOIN {course} c ON s.course = c.id "
                                "WHERE s.id = ? AND c.format = ?", str(itemid), course_format)
        section.name = value or None
        operations.bump_cacherev(fake.site, section.course)
        title = format_string(section_title(section))
        return _inplace(component, itemtype, section.id, value,
                        f'<a href="{fake.url}/course/section.php?id={section.id}">{title}</a>', "Edit section name",
                        f"New name for section {title}")
    if itemtype == "activityname" and component == "core_course":
        cm = fake.site.cms.get(int(itemid)) if str(itemid).isdigit() else None
        if cm is None:
            raise missing("course_modules", "SELECT * FROM {course_modules} WHERE id = ?", str(itemid))
        fake.site.instance(cm).name = value
        operations.bump_cacherev(fake.site, cm.course)
        name = format_string(value)
        return _inplace(component, itemtype, cm.id, value,
                        f'<a href="{fake.url}/mod/{cm.modname}/view.php?id={cm.id}" class=" aalink stretched-link" '
                        f'onclick="">        <span class="instancename">{name}</span>    </a>', "Edit title",
                        f"New name for activity {name}")
    raise moodle_exception("inplaceeditableerror", f"Unknown inplace editable {component}/{itemtype}")


HANDLERS = {
    "core_courseformat_update_course": update_course,
    "core_course_edit_section": edit_section,
    "core_courseformat_new_module": new_module,
    "core_courseformat_create_module": create_module,
    "core_update_inplace_editable": update_inplace_editable,
}
