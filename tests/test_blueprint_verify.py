"""`lms-sync blueprint verify` against the fake Moodle, after "restoring" the built archive into it.

The fake's restore reads our own backup XML (course, sections, modules, feedback items) and applies Moodle's rules
(foreign backup: empty idnumber; taken shortname: suffix), so a match proves the archive carries what verify expects.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lms_sync.blueprint import build_blueprint
from lms_sync.cli import main
from lms_sync.templates import load_template
from tests.blueprint_sample_template import TRICKY, write_sample_template
from tests.fake_moodle import MOODLE_VERSIONS, FakeMoodle
from tests.fake_moodle.restore import restore_backup
from tests.fake_moodle.state import Course
from tests.test_push_e2e import REPO


def restore(fake: FakeMoodle, archive: bytes) -> Course:
    """Moodle's restore of the archive, then the admin gives the course the blueprint's idnumber (the adopt step)."""
    course = restore_backup(fake, archive)
    course.idnumber = "blueprint-sample-v1"
    return course


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    write_sample_template(tmp_path / "templates" / "sample", text=TRICKY)
    return tmp_path / "templates" / "sample"


def _archive(template_dir: Path) -> bytes:
    return build_blueprint(write_sample_template(template_dir, text=TRICKY), 0).data


def _verify(lms_config: Path, template_dir: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(lms_config), "blueprint", "verify", str(template_dir), *extra])
    return result.exit_code, result.output


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_restored_blueprint_matches_its_template(fake_moodle: FakeMoodle, lms_config: Path,
                                                 template_dir: Path) -> None:
    course = restore(fake_moodle, _archive(template_dir))
    code, output = _verify(lms_config, template_dir)
    assert (code, output.splitlines()[-1]) == (0, "No drift: the blueprint course holds exactly the template's "
                                                  "sections, activities and questionnaire items.")
    assert f"course {course.id} (BP-SAMPLE-v1), found by idnumber" in output
    assert fake_moodle.write_calls() == 0


def test_edits_in_moodle_show_as_drift(fake_moodle: FakeMoodle, lms_config: Path, template_dir: Path) -> None:
    course = restore(fake_moodle, _archive(template_dir))
    cms = {cm.modname: cm for cm in fake_moodle.site.course_cms(course.id)}
    fake_moodle.site.instance(cms["page"]).name = "Umbenannt"
    feedback = fake_moodle.site.instance(cms["feedback"])
    item = next(i for i in fake_moodle.feedback_items(feedback.id) if i.label == "open_remarks")
    del fake_moodle.site.feedback_items[item.id]
    fake_moodle.add_forum(course.id, "Ankündigungen", type="news")
    code, output = _verify(lms_config, template_dir, "--json")
    assert code == 1
    drift = [(d["subject"], d["change"], d["detail"]) for d in json.loads(output)["drift"]]
    assert drift == [
        ("activity", "changed", "name is 'Umbenannt'"),
        ("item", "missing", "textarea: Was möchten Sie uns noch mitteilen?"),
        ("activity", "extra", "forum 'Ankündigungen'"),
    ]


def test_missing_blueprint_says_to_restore_it(fake_moodle: FakeMoodle, lms_config: Path, template_dir: Path) -> None:
    code, output = _verify(lms_config, template_dir)
    assert code == 1
    assert "no such course in Moodle" in output and "restore the .mbz once, then `lms-sync blueprint adopt" in output


def test_restore_over_a_taken_idnumber_is_found_by_its_suffixed_shortname(
        fake_moodle: FakeMoodle, lms_config: Path, template_dir: Path) -> None:
    old = fake_moodle.add_course("Alter Blueprint", "BP-SAMPLE-v1", idnumber="blueprint-sample-v1")
    restored = restore_backup(fake_moodle, _archive(template_dir))
    del fake_moodle.site.courses[old.id]  # the admin removes the old course; the new one has no idnumber
    code, output = _verify(lms_config, template_dir, "--json")
    report = json.loads(output)
    assert code == 1
    assert report["course"] == {"id": restored.id, "shortname": "BP-SAMPLE-v1_1", "idnumber": "",
                                "found_by": "suffixed shortname"}
    assert [(d["subject"], d["detail"]) for d in report["drift"]] == [
        ("course", f"found as 'BP-SAMPLE-v1_1' (course id {restored.id}) but its idnumber is ''")]


def test_a_restored_blueprint_keeps_its_activities_group_modes_as_moodle_does(fake_moodle: FakeMoodle) -> None:
    # Real Moodle keeps module.xml's groupmode on restore (tests/live/test_run_course_live.py); the fake must too, or
    # push "corrects" a group mode on the fake that the real site never needs (tests/live/test_fake_agrees.py).
    template = load_template(REPO / "course_templates" / "kommune-zivilgesellschaft")
    course = restore_backup(fake_moodle, build_blueprint(template, 0).data)
    modes = {fake_moodle.site.instance(cm).name: cm.groupmode for cm in fake_moodle.site.course_cms(course.id)}
    assert modes["Fallklinik: Konflikte aus der Praxis"] == 1  # separate groups
    assert set(modes.values()) == {0, 1}
