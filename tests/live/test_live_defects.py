"""What the real Moodle broke that the fake did not: each test failed on the real site before its fix (issue 12).

One push of one run (module-scoped) into a site that already has the top category, asserted in Moodle's tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from lms_sync.config import load_settings
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleInputError
from tests.live.site import LiveMoodle
from tests.live.workspace import (
    Workspace,
    install_language,
    make_scale,
    make_top_category,
    make_workspace,
    restore_blueprint,
)

RUN = 2


@dataclass
class Pushed:
    ws: Workspace
    top_category: int
    scale: int
    push: Result


@pytest.fixture(scope="module")
def pushed(live_moodle: LiveMoodle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pushed]:
    """Run 2 pushed after restore + adopt, with push.competency_scale_id set and a German pack installed."""
    tag = uuid.uuid4().hex[:8]
    ws = make_workspace(tmp_path_factory.mktemp("defects"), tag, live_moodle, runs=(RUN,))
    install_language(live_moodle, "de", "Deutsch")
    top = make_top_category(live_moodle, ws.top_category)
    scale = make_scale(live_moodle, tag)
    ws.set_config(f"competency_scale_id = {scale}\n")
    restore_blueprint(ws, live_moodle)
    adopted = ws.cli("blueprint", "adopt", str(ws.template_dir))
    assert adopted.exit_code == 0, adopted.output
    yield Pushed(ws, top, scale, ws.cli("push"))


def test_an_existing_category_of_the_same_name_is_used_by_push(pushed: Pushed, live_moodle: LiveMoodle) -> None:
    assert pushed.push.exit_code == 0, pushed.push.output
    [course] = live_moodle.records("SELECT c.id, cc.parent, cc.idnumber FROM {course} c JOIN {course_categories} cc "
                                   "ON cc.id = c.category WHERE c.idnumber = :idnumber",
                                   {"idnumber": pushed.ws.course_idnumber(RUN)})
    assert int(course["parent"]) == pushed.top_category
    assert live_moodle.count("course_categories", "name = :name", {"name": pushed.ws.top_category}) == 1
    assert live_moodle.count("course_categories", "parent = :top", {"top": pushed.top_category}) == 1


def test_the_competency_scale_override_is_the_scale_moodle_keeps(pushed: Pushed, live_moodle: LiveMoodle) -> None:
    assert pushed.push.exit_code == 0, pushed.push.output
    [framework] = live_moodle.records("SELECT id, scaleid, scaleconfiguration FROM {competency_framework} "
                                      "WHERE idnumber = :idnumber", {"idnumber": pushed.ws.framework_idnumber})
    assert int(framework["scaleid"]) == pushed.scale
    assert f'"scaleid":"{pushed.scale}"' in framework["scaleconfiguration"].replace(" ", "")


def test_the_summary_counts_the_competency_writes(pushed: Pushed, live_moodle: LiveMoodle) -> None:
    [framework] = live_moodle.records("SELECT id FROM {competency_framework} WHERE idnumber = :idnumber",
                                      {"idnumber": pushed.ws.framework_idnumber})
    competencies = live_moodle.count("competency", "competencyframeworkid = :f", {"f": framework["id"]})
    links = live_moodle.count("competency_coursecomp", "courseid = (SELECT id FROM {course} WHERE idnumber = :i)",
                              {"i": pushed.ws.course_idnumber(RUN)})
    assert "nothing (Moodle already matches)" not in pushed.push.output
    assert "core_competency_create_competency_framework ×1" in pushed.push.output
    assert f"core_competency_create_competency ×{competencies}" in pushed.push.output
    assert f"core_competency_add_competency_to_course ×{links}" in pushed.push.output


def test_reports_of_a_course_pulled_by_idnumber_are_found_by_idnumber_and_shortname(
        pushed: Pushed, live_moodle: LiveMoodle, tmp_path: Path) -> None:
    ws = pushed.ws
    config = tmp_path / "backfill.toml"
    config.write_text(ws.config.read_text(encoding="utf-8").replace(str(ws.root / "records.db"),
                                                                    str(tmp_path / "backfill.db")), encoding="utf-8")
    backfill = Workspace(ws.root, ws.tag, config)
    idnumber = ws.course_idnumber(RUN)
    [course] = live_moodle.records("SELECT id, shortname FROM {course} WHERE idnumber = :i", {"i": idnumber})
    pulled = backfill.cli("pull", "--course", idnumber)
    assert pulled.exit_code == 0, pulled.output
    for name in (idnumber, course["shortname"]):
        report = backfill.cli("report", "evaluation", name, "-o", str(tmp_path / name))
        assert report.exit_code == 0, report.output
        assert list((tmp_path / name).glob("evaluation-*.html")), report.output
    participation = backfill.cli("report", "participation", idnumber, "-o", str(tmp_path / "p"))
    assert participation.exit_code == 0, participation.output


def test_a_language_without_a_pack_is_named_by_plan_before_any_write(
        live_moodle: LiveMoodle, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, uuid.uuid4().hex[:8], live_moodle, runs=(RUN,))
    ws.set_template('language = "de"', 'language = "fr"')
    make_top_category(live_moodle, ws.top_category)
    restore_blueprint(ws, live_moodle)
    assert ws.cli("blueprint", "adopt", str(ws.template_dir)).exit_code == 0
    plan = ws.cli("plan")
    assert plan.exit_code == 1, plan.output
    assert "language = 'fr', but this Moodle has no 'fr' language pack" in plan.output
    push = ws.cli("push")
    assert push.exit_code == 1
    assert live_moodle.count("course", "idnumber = :i", {"i": ws.course_idnumber(RUN)}) == 0


def test_moodles_refusal_of_a_language_says_what_it_means(live_moodle: LiveMoodle, live_config: Path) -> None:
    client = MoodleClient.from_settings(load_settings(live_config))
    with pytest.raises(MoodleInputError) as refused:
        client.call("core_course_create_courses", courses=[{"fullname": "x", "shortname": "x-lang-probe",
                                                            "categoryid": 1, "lang": "fr"}])
    assert "no language pack" in str(refused.value) and "errorinvalidparam" in str(refused.value)
