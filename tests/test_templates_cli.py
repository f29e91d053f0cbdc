"""`lms-sync templates list|show|validate` through click's CliRunner: output shape and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lms_sync.cli import main
from tests.templates_helpers import BUNDLED_ROOT, BUNDLED_SLUG, copy_bundled, line_containing, replace_in


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no stray ./lms-sync.toml
    return CliRunner()


def invoke(runner: CliRunner, *args: str):  # noqa: ANN201 - click's Result
    return runner.invoke(main, ["templates", *args], catch_exceptions=False)


def test_list_prints_the_slug_first_on_each_line(runner: CliRunner, tmp_path: Path) -> None:
    copy_bundled(tmp_path / "tpl", "zweites-format")
    copy_bundled(tmp_path / "tpl", "erstes-format")
    result = invoke(runner, "list", "--templates-dir", str(tmp_path / "tpl"))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["erstes-format", "zweites-format"]
    assert all("Kommunalverwaltung und Zivilgesellschaft" in line for line in lines)


def test_list_marks_an_invalid_template_but_still_lists_it(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path / "tpl")
    replace_in(folder / "template.toml", "section = 5\n", "section = 9\n")
    result = invoke(runner, "list", "--templates-dir", str(tmp_path / "tpl"))
    assert result.output.split()[0] == BUNDLED_SLUG
    assert f"lms-sync templates validate {BUNDLED_SLUG}" in result.output


def test_templates_dir_comes_from_the_config(runner: CliRunner, tmp_path: Path) -> None:
    copy_bundled(tmp_path / "formate")
    (tmp_path / "lms-sync.toml").write_text('[catalogue]\ntemplates_dir = "formate"\n', encoding="utf-8")
    result = invoke(runner, "list")
    assert result.output.split()[0] == BUNDLED_SLUG


def test_missing_templates_dir_is_an_input_error(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "list", "--templates-dir", str(tmp_path / "nirgends"))
    assert result.exit_code == 2
    assert "templates directory not found" in result.output and "--templates-dir" in result.output


def test_show_summarises_sections_activities_and_items(runner: CliRunner) -> None:
    result = invoke(runner, "show", BUNDLED_SLUG, "--templates-dir", str(BUNDLED_ROOT))
    assert result.exit_code == 0
    assert "Vertrauen aufbauen und sichern" in result.output
    assert "akteurslandkarte" in result.output and "[learning-by-doing]" in result.output
    assert "inhalt_relevanz" in result.output and "(named," in result.output


def test_show_json_is_the_whole_template(runner: CliRunner) -> None:
    result = invoke(runner, "show", BUNDLED_SLUG, "--json", "--templates-dir", str(BUNDLED_ROOT))
    data = json.loads(result.output)
    assert data["slug"] == BUNDLED_SLUG
    assert len(data["sections"]) == 7
    assert [a["key"] for a in data["activities"]][:2] == ["lernen_durch_handeln", "erwartungen"]
    assert data["questionnaire"]["items"][1]["scale"][4] == "trifft voll zu"


def test_show_names_the_categories_by_the_idnumbers_the_plan_gives_them(runner: CliRunner) -> None:
    catalogue = BUNDLED_ROOT.parent / "examples" / "catalogue"
    planned = json.loads(runner.invoke(main, ["plan", "--offline", "--json", "--catalogue", str(catalogue),
                                              "--templates-dir", str(BUNDLED_ROOT)]).stdout)
    shown = json.loads(invoke(runner, "show", BUNDLED_SLUG, "--json", "--templates-dir", str(BUNDLED_ROOT)).output)
    text = invoke(runner, "show", BUNDLED_SLUG, "--templates-dir", str(BUNDLED_ROOT)).output

    assert shown["category_idnumbers_in_moodle"] == [c["key"] for c in planned["categories"]]
    assert f"idnumbers in Moodle {', '.join(shown['category_idnumbers_in_moodle'])}" in text


def test_show_unknown_slug_names_the_known_ones(runner: CliRunner) -> None:
    result = invoke(runner, "show", "gibtsnicht", "--templates-dir", str(BUNDLED_ROOT))
    assert result.exit_code == 2
    assert "gibtsnicht" in result.output and BUNDLED_SLUG in result.output


def test_validate_passes_on_the_bundled_templates(runner: CliRunner) -> None:
    result = invoke(runner, "validate", "--templates-dir", str(BUNDLED_ROOT))
    assert result.exit_code == 0
    assert "ok: 1 template(s)" in result.output


def test_validate_prints_file_line_message_and_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    copy_bundled(tmp_path / "tpl", "gut")
    broken = copy_bundled(tmp_path / "tpl", "kaputt")
    replace_in(broken / "aktivitaeten" / "fallklinik.j2",
               "Die Fallklinik", "{{ run.title }} Die Fallklinik")
    result = invoke(runner, "validate", "--templates-dir", "tpl")
    assert result.exit_code == 2
    line = line_containing(broken / "aktivitaeten" / "fallklinik.j2", "run.title")
    assert f"tpl/kaputt/aktivitaeten/fallklinik.j2:{line}: unknown variable" in result.output
    assert "1 problem(s) in 2 template(s)" in result.output


def test_validate_only_the_slugs_given(runner: CliRunner, tmp_path: Path) -> None:
    copy_bundled(tmp_path / "tpl", "gut")
    broken = copy_bundled(tmp_path / "tpl", "kaputt")
    (broken / "termin.j2").unlink()
    assert invoke(runner, "validate", "gut", "--templates-dir", "tpl").exit_code == 0
    assert invoke(runner, "validate", "kaputt", "--templates-dir", "tpl").exit_code == 2
    assert invoke(runner, "validate", "fehlt", "--templates-dir", "tpl").exit_code == 2


def test_validate_also_checks_the_competency_links(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    folder = copy_bundled(tmp_path / "tpl", "gut")
    replace_in(folder / "template.toml", '"bip-k-vertrauen"', '"bip-k-gibt-es-nicht"')
    result = invoke(runner, "validate", "--templates-dir", "tpl")
    assert result.exit_code == 2
    assert "bip-k-gibt-es-nicht" in result.output and "tpl/gut/template.toml:" in result.output


def test_an_unknown_attribute_is_named_in_the_templates_terms_also_under_json(runner: CliRunner, tmp_path: Path) -> None:
    broken = copy_bundled(tmp_path / "tpl", "kaputt")
    replace_in(broken / "kurs_zusammenfassung.j2", "</p>", "{{ run.nope }}</p>")
    result = invoke(runner, "validate", "--templates-dir", "tpl", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    (problem,) = error["problems"]
    assert problem["file"].endswith("kaputt/kurs_zusammenfassung.j2") and problem["line"] == line_containing(
        broken / "kurs_zusammenfassung.j2", "run.nope")
    assert problem["message"].startswith("unknown variable: run.nope (run has no 'nope')")
    assert "SampleRun" not in result.stdout and error["code"] == "input"
