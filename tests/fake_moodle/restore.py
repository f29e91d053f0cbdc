"""What Moodle's admin/cli/restore_backup.php leaves after restoring an lms-sync blueprint .mbz into a new course.

Reads the backup's own XML; like the real restore of a backup made on another site it empties the course idnumber.
"""

from __future__ import annotations

import io
import tarfile
import xml.etree.ElementTree as ET

from tests.fake_moodle.operations import section_by_number
from tests.fake_moodle.server import FakeMoodle
from tests.fake_moodle.state import Assign, Course, CourseModule

NULL = "$@NULL@$"


def restore_backup(fake: FakeMoodle, archive: bytes, *, category: int = 1) -> Course:
    """A new course from `archive`: sections, activities with their completion tracking and dates, feedback items; no
    news forum, no idnumber.

    Moodle keeps a backup's idnumber only when the backup was made on the same site (restore_stepslib.php,
    is_samesite()); every blueprint is built outside Moodle, so the real site restores it with an empty idnumber.
    A taken shortname gets Moodle's `_1`, `_2`, … suffix (restore_dbops::calculate_course_names).
    """
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        xml = {m.name: ET.fromstring(tar.extractfile(m).read())  # type: ignore[union-attr]
               for m in tar.getmembers() if m.name.endswith(".xml")}
    course_xml = xml["course/course.xml"]
    taken = {c.shortname for c in fake.site.courses.values()}
    shortname, counter = course_xml.findtext("shortname"), 0
    while shortname in taken:
        counter += 1
        shortname = f"{course_xml.findtext('shortname')}_{counter}"
    course = fake.add_course(course_xml.findtext("fullname") or "", shortname or "", category=category,
                             news_forum=False)
    contents = xml["moodle_backup.xml"].find("information/contents")
    assert contents is not None
    for entry in contents.iterfind("sections/*"):
        section_xml = xml[f"{entry.findtext('directory')}/section.xml"]
        section = section_by_number(fake.site, course.id, int(section_xml.findtext("number") or 0))
        name = section_xml.findtext("name")
        section.name, section.summary = (None if name == NULL else name), section_xml.findtext("summary") or ""
    for entry in contents.iterfind("activities/*"):
        directory, modname = entry.findtext("directory"), entry.findtext("modulename") or ""
        module_xml = xml[f"{directory}/module.xml"]
        number = int(module_xml.findtext("sectionnumber") or 0)
        instance = xml[f"{directory}/{modname}.xml"].find(modname)
        assert instance is not None
        name = instance.findtext("name") or ""
        if modname == "feedback":
            items = [{"name": i.findtext("name"), "label": i.findtext("label"), "typ": i.findtext("typ"),
                      "presentation": i.findtext("presentation"), "required": i.findtext("required") == "1",
                      "options": i.findtext("options")} for i in instance.iter("item")]
            fake.add_feedback(course.id, name, instance.findtext("anonymous") == "1", items, section=number,
                              timeopen=_time(instance, "timeopen"), timeclose=_time(instance, "timeclose"))
        elif modname == "forum":
            fake.add_forum(course.id, name, section=number, type=instance.findtext("type") or "general")
        elif modname == "assign":
            fake.add_module(course.id, modname, name, section=number, kind=Assign, duedate=_time(instance, "duedate"))
        else:
            fake.add_module(course.id, modname, name, section=number)
        restored = max(fake.site.course_cms(course.id), key=lambda cm: cm.id)
        _track_completion(restored, module_xml, instance)
        restored.groupmode = int(module_xml.findtext("groupmode") or 0)  # as Moodle's restore keeps it
    return course


def _time(instance: ET.Element, field: str) -> int:
    """A date the backup holds for the activity (the blueprint's placeholder day); the restore keeps it."""
    return int(instance.findtext(field) or 0)


def _track_completion(cm: CourseModule, module_xml: ET.Element, instance: ET.Element) -> None:
    """The activity's completion tracking as the backup has it (module.xml `completion`, the rule it names)."""
    cm.completion = int(module_xml.findtext("completion") or 0)
    if module_xml.findtext("completionview") == "1":
        cm.completion_rule = "completionview"
    elif instance.findtext("completionsubmit") == "1":
        cm.completion_rule = "completionsubmit"
