"""The built .mbz against real Moodle 4.5 and 5.0 backups: same files, a superset of their XML structure, reproducible.

Structure is compared with an XML parser (element paths and attributes), never as strings.
"""

from __future__ import annotations

import io
import re
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lms_sync.blueprint import build_blueprint
from tests.blueprint_sample_template import write_sample_template
from tests.contract import CONTRACT_ROOT, needs_shared

pytestmark = needs_shared
REFERENCES = [CONTRACT_ROOT / f"moodle-{version}/backups/master-course-page-forum-assign-feedback.mbz"
              for version in ("4.5", "5.0")]
TIMESTAMP = 1767225600



def _members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() if m.isfile() else b"" for m in tar.getmembers()}  # type: ignore[union-attr]


def _kind(path: str) -> str:
    """activities/assign_4/assign.xml -> activities/assign_*/assign.xml, so files compare by role, not by id."""
    return re.sub(r"^(activities/[a-z]+|sections/section)_\d+", r"\1_*", path)


def _paths(element: ET.Element, prefix: str = "") -> set[str]:
    here = f"{prefix}/{element.tag}"
    found = {here} | {f"{here}@{name}" for name in element.attrib}
    for child in element:
        found |= _paths(child, here)
    return found


def _structure(files: dict[str, bytes]) -> dict[str, set[str]]:
    structure: dict[str, set[str]] = {}
    for path, data in files.items():
        if path.endswith(".xml"):
            structure.setdefault(_kind(path), set()).update(_paths(ET.fromstring(data)))
    return structure


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    template = write_sample_template(tmp_path_factory.mktemp("templates") / "sample")
    return build_blueprint(template, TIMESTAMP).data


@pytest.mark.parametrize("reference", REFERENCES, ids=["moodle-4.5", "moodle-5.0"])
def test_archive_has_every_file_kind_of_a_real_backup(built: bytes, reference: Path) -> None:
    ours = {_kind(path) for path in _members(built)}
    theirs = {_kind(path) for path in _members(reference.read_bytes())}
    assert theirs - ours == set()


@pytest.mark.parametrize("reference", REFERENCES, ids=["moodle-4.5", "moodle-5.0"])
def test_every_xml_file_has_the_elements_of_a_real_backup(built: bytes, reference: Path) -> None:
    ours = _structure(_members(built))
    theirs = _structure(_members(reference.read_bytes()))
    missing = {kind: sorted(paths - ours.get(kind, set()))
               for kind, paths in theirs.items()}
    assert {kind: paths for kind, paths in missing.items() if paths} == {}


def test_label_module_has_the_fields_moodle_backs_up(built: bytes) -> None:
    # No reference backup holds a label; the fields are those of mod/label/backup/moodle2/backup_label_stepslib.php.
    files = _members(built)
    label = ET.fromstring(next(data for path, data in files.items() if path.endswith("/label.xml")))
    assert [child.tag for child in label.find("label")] == ["name", "intro", "introformat", "timemodified"]


def test_backup_index_lists_every_section_and_activity_with_existing_directories(built: bytes) -> None:
    files = _members(built)
    info = ET.fromstring(files["moodle_backup.xml"]).find("information")
    directories = [node.text for node in info.iter("directory")]
    assert directories and all(directory in files for directory in directories)
    settings = {s.findtext("name"): s.findtext("value") for s in info.iter("setting")}
    for activity in info.find("contents/activities"):
        tag = activity.findtext("directory").split("/")[1]
        assert settings[f"{tag}_included"] == "1"
        module = ET.fromstring(files[f"{activity.findtext('directory')}/module.xml"])
        assert module.get("id") == activity.findtext("moduleid")
        section = ET.fromstring(files[f"sections/section_{module.findtext('sectionid')}/section.xml"])
        assert activity.findtext("moduleid") in section.findtext("sequence").split(",")
    assert settings["users"] == "0"


def test_blueprint_course_carries_idnumber_and_shortname_and_no_news_forum(built: bytes) -> None:
    files = _members(built)
    course = ET.fromstring(files["course/course.xml"])
    assert (course.findtext("idnumber"), course.findtext("shortname")) == ("blueprint-sample-v1", "BP-SAMPLE-v1")
    assert course.findtext("newsitems") == "0"
    forums = [ET.fromstring(data) for path, data in files.items() if path.endswith("/forum.xml")]
    assert [forum.findtext("forum/type") for forum in forums] == ["general"]


def test_sections_and_activities_follow_the_template(built: bytes) -> None:
    files = _members(built)
    info = ET.fromstring(files["moodle_backup.xml"]).find("information/contents")
    assert [s.findtext("title") for s in info.find("sections")] == [
        "Willkommen", "Kommune und Zivilgesellschaft", "Evaluation"]
    assert [(a.findtext("modulename"), a.findtext("title")) for a in info.find("activities")] == [
        ("page", "So arbeiten wir"), ("label", "Hinweis"), ("forum", "Kommune und Zivilgesellschaft"),
        ("assign", "Akteurslandkarte"), ("feedback", "Evaluation")]


def test_assignment_enables_the_template_submission_types(built: bytes) -> None:
    files = _members(built)
    assign = ET.fromstring(next(data for path, data in files.items() if path.endswith("/assign.xml")))
    enabled = {c.findtext("plugin"): c.findtext("value") for c in assign.iter("plugin_config")
               if c.findtext("subtype") == "assignsubmission" and c.findtext("name") == "enabled"}
    assert enabled == {"onlinetext": "1", "file": "1", "comments": "0"}


def test_same_template_and_timestamp_give_identical_bytes(tmp_path: Path) -> None:
    first = build_blueprint(write_sample_template(tmp_path / "a" / "sample"), TIMESTAMP).data
    second = build_blueprint(write_sample_template(tmp_path / "b" / "sample"), TIMESTAMP).data
    later = build_blueprint(write_sample_template(tmp_path / "c" / "sample"), TIMESTAMP + 60).data
    assert first == second
    assert later != first


def test_archive_is_written_like_moodles_own_packer(built: bytes) -> None:
    assert built[4:8] == b"\x00\x00\x00\x00"  # gzip header mtime 0: no build time leaks into the bytes
    with tarfile.open(fileobj=io.BytesIO(built), mode="r:gz") as tar:
        members = tar.getmembers()
        index = tar.extractfile(members[0]).read().decode("ascii")  # type: ignore[union-attr]
    assert members[0].name == ".ARCHIVE_INDEX"
    assert all((m.uid, m.gid, m.uname, m.gname) == (0, 0, "", "") for m in members)
    assert all(m.mtime == TIMESTAMP for m in members if m.isfile() and m.name != ".ARCHIVE_INDEX")
    lines = index.splitlines()
    assert lines[0] == f"Moodle archive file index. Count: {len(members) - 1}"
    sizes = {line.split("\t")[0]: int(line.split("\t")[2]) for line in lines[1:]}
    assert sizes == {m.name + ("/" if m.isdir() else ""): m.size for m in members[1:]}
