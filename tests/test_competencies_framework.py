"""The competency framework and offers files: the bundled ones are valid and consistent with the bundled template;
broken copies are reported at the right file and line with a hint.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lms_sync.competencies.framework import (
    OFFERS_FILE,
    check_framework,
    check_frameworks,
    load_framework,
    load_frameworks,
    template_link_problems,
)
from lms_sync.competencies.offers import check_offers, load_offers
from lms_sync.templates import load_template

REPO = Path(__file__).resolve().parents[1]
COMPETENCIES = REPO / "course_templates" / "competencies"
BUNDLED = COMPETENCIES / "bip-kompetenzen-beteiligung.toml"
TEMPLATE = REPO / "course_templates" / "kommune-zivilgesellschaft"


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text, f"the bundled framework no longer contains {old!r}"
    target = tmp_path / BUNDLED.name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _line_of(file: Path, needle: str) -> int:
    """The line of the LAST occurrence of `needle` (a twin is reported where it repeats)."""
    return max(number for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_bundled_framework_is_a_tree_whose_parents_come_first() -> None:
    framework = load_framework(BUNDLED)
    order = [node.idnumber for node in framework.parents_first()]
    for node in framework.competencies:
        if node.parent:
            assert order.index(node.parent) < order.index(node.idnumber)
    assert framework.scale.levels[0] == "noch nicht" and framework.scale.levels[-1] == "sicher"


def test_bundled_template_links_only_competencies_of_the_bundled_framework() -> None:
    frameworks = load_frameworks(COMPETENCIES)
    template = load_template(TEMPLATE)
    assert template_link_problems(template, frameworks) == []
    linked = set(template.competencies.course)
    assert linked <= set(frameworks["bip-kompetenzen-beteiligung"].by_idnumber())


def test_scale_configuration_marks_levels_from_the_threshold_as_proficient() -> None:
    scale = load_framework(BUNDLED).scale
    configuration = json.loads(scale.moodle_configuration())
    assert configuration[0] == {"scaleid": str(scale.moodle_scale_id)}
    assert [item["proficient"] for item in configuration[1:]] == [0, 0, 1, 1]
    assert [item["scaledefault"] for item in configuration[1:]] == [1, 0, 0, 0]


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ('idnumber = "bip-k-vertrauen"', 'idnumber = "bip-k-akteure"', 'idnumber = "bip-k-akteure"',
         "appears twice"),
        ('parent = "bip-kb-beteiligung"', 'parent = "bip-kb-unbekannt"', 'parent = "bip-kb-unbekannt"',
         "is not a competency of this framework"),
        ('idnumber = "bip-kb-beziehungen"\n', 'idnumber = "bip-kb-beziehungen"\nparent = "bip-k-akteure"\n',
         'parent = "bip-k-akteure"', "cycle"),
        ("proficient_from = 3", "proficient_from = 7", "[scale]", "only 4 levels"),
        ('shortname = "Konflikte bearbeiten"', 'shortname = "Konflikte bearbeiten"\ncolour = "rot"', 'colour = "rot"',
         "unknown key 'competencies[3].colour'"),
    ],
)
def test_broken_framework_is_reported_at_its_line(tmp_path: Path, old: str, new: str, needle: str, message: str) -> None:
    broken = _broken_copy(tmp_path, old, new)
    framework, problems = check_framework(broken)
    assert framework is None
    assert any(message in problem.message and problem.line == _line_of(broken, needle) and problem.file == broken
               for problem in problems), problems
    assert all(f"{broken.name}:" in str(problem) for problem in problems)


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    broken = _broken_copy(tmp_path, 'default = 1', 'default = = 1')
    _, problems = check_framework(broken)
    assert [problem.line for problem in problems] == [_line_of(broken, "default = = 1")]
    assert "TOML syntax error" in problems[0].message


def test_template_linking_an_unknown_competency_is_reported_at_the_template_line(tmp_path: Path) -> None:
    template_copy = tmp_path / "kommune-zivilgesellschaft"
    shutil.copytree(TEMPLATE, template_copy)
    manifest = template_copy / "template.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'fallklinik = ["bip-k-konflikte"]', 'fallklinik = ["bip-k-konflikt"]'), encoding="utf-8")
    problems = template_link_problems(load_template(template_copy), load_frameworks(COMPETENCIES))
    assert [(p.line, p.message) for p in problems] == [
        (_line_of(manifest, "fallklinik = "), "competency 'bip-k-konflikt' is not in framework 'bip-kompetenzen-beteiligung'")
    ]


def test_template_naming_an_unknown_framework_is_a_problem() -> None:
    problems = template_link_problems(load_template(TEMPLATE), {})
    assert len(problems) == 1 and "framework 'bip-kompetenzen-beteiligung' not found" in problems[0].message


def test_bundled_offers_address_known_competencies_and_suggest_own_offers_first() -> None:
    offers = load_offers(COMPETENCIES / OFFERS_FILE, load_frameworks(COMPETENCIES))
    suggested = offers.for_competency("bip-k-vertrauen")
    assert suggested and suggested[0].provider_kind == "eigenes"
    assert all("bip-k-vertrauen" in offer.competencies for offer in suggested)


def test_offer_with_unknown_competency_is_reported_at_its_line(tmp_path: Path) -> None:
    offers_file = tmp_path / OFFERS_FILE
    text = (COMPETENCIES / OFFERS_FILE).read_text(encoding="utf-8")
    offers_file.write_text(text.replace('competencies = ["bip-k-akteure"]', 'competencies = ["bip-k-akteur"]'),
                           encoding="utf-8")
    catalogue, problems = check_offers(offers_file, load_frameworks(COMPETENCIES))
    assert catalogue is None
    assert [(p.line, p.message) for p in problems] == [
        (_line_of(offers_file, 'competencies = ["bip-k-akteur"]'),
         "offer 'bip-akteursanalyse' names unknown competency 'bip-k-akteur'")
    ]


def test_two_frameworks_with_one_idnumber_are_a_problem(tmp_path: Path) -> None:
    shutil.copy(BUNDLED, tmp_path / "a.toml")
    shutil.copy(BUNDLED, tmp_path / "b.toml")
    frameworks, problems = check_frameworks(tmp_path)
    assert list(frameworks) == ["bip-kompetenzen-beteiligung"]
    assert len(problems) == 1 and problems[0].file == tmp_path / "b.toml"
