"""Loading and validating course templates: the bundled one is valid, broken ones name file, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms_sync.templates import (
    DEFAULT_LIKERT_SCALE,
    TemplateError,
    TemplateProblem,
    check_template,
    load_template,
    load_templates,
    validate_templates,
)
from tests.templates_helpers import BUNDLED_ROOT, BUNDLED_SLUG, copy_bundled, line_containing, replace_in


def only_problem(folder: Path) -> TemplateProblem:
    template, problems = check_template(folder)
    assert len(problems) == 1, problems
    return problems[0]


def test_bundled_template_is_valid_and_complete() -> None:
    template = load_template(BUNDLED_ROOT / BUNDLED_SLUG)
    assert template.slug == BUNDLED_SLUG
    assert template.language == "de"
    assert (template.capacity.min, template.capacity.max) == (8, 12)
    assert [s.name for s in template.sections][1] == "Ankommen & Erwartungen"
    assert {"assign", "forum", "page"} <= {a.type for a in template.activities}
    assert "learning-by-doing" in {a.purpose for a in template.activities}
    assert template.questionnaire is not None and not template.questionnaire.anonymous
    answerable = [item for item in template.questionnaire.items if item.kind not in ("label", "pagebreak")]
    assert {item.category for item in answerable} >= {"content", "methods", "trainers", "group", "transfer", "open"}
    assert all(item.scale == DEFAULT_LIKERT_SCALE for item in answerable if item.kind == "likert")
    assert template.category_idnumbers == ["workshops", "workshops/kommune-zivilgesellschaft"]
    assert validate_templates(BUNDLED_ROOT) == []


def test_load_templates_returns_every_template_by_slug(tmp_path: Path) -> None:
    copy_bundled(tmp_path, "a")
    copy_bundled(tmp_path, "b")
    assert sorted(load_templates(tmp_path)) == ["a", "b"]


def test_unknown_variable_names_the_jinja_file_and_line(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    replace_in(folder / "willkommen.j2", "<p>Liebe Teilnehmende,</p>", "<p>Liebe Teilnehmende,</p>\n<p>{{ run.room }}</p>")
    problem = only_problem(folder)
    assert problem.file == folder / "willkommen.j2"
    assert problem.line == line_containing(folder / "willkommen.j2", "run.room")
    assert "room" in problem.message
    assert str(problem).startswith(f"{folder / 'willkommen.j2'}:{problem.line}: unknown variable")


def test_run_in_a_blueprint_text_is_refused_with_the_reason(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    summary = folder / "abschnitte" / "04_konflikte.j2"
    replace_in(summary, "Teil jedes", "Teil von {{ run.title }} und jedes")
    problem = only_problem(folder)
    assert (problem.file, problem.line) == (summary, line_containing(summary, "run.title"))
    assert "blueprint" in problem.hint


def test_jinja_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    replace_in(folder / "termin.j2", "{% else %}", "{% else if %}")
    problem = only_problem(folder)
    assert (problem.file, problem.line) == (folder / "termin.j2", line_containing(folder / "termin.j2", "else if"))
    assert "syntax" in problem.message


def test_unknown_variable_in_a_pattern_names_the_toml_line(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    manifest = folder / "template.toml"
    replace_in(manifest, 'shortname_pattern = "KVZ-{{ run.id }}"', 'shortname_pattern = "KVZ-{{ run.nummer }}"')
    problem = only_problem(folder)
    assert (problem.file, problem.line) == (manifest, line_containing(manifest, "shortname_pattern"))


def test_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    manifest = folder / "template.toml"
    replace_in(manifest, 'name = "Erwartungen teilen"', 'name = "Erwartungen teilen')
    problem = only_problem(folder)
    assert (problem.file, problem.line) == (manifest, line_containing(manifest, 'name = "Erwartungen teilen'))
    assert problem.message.startswith("TOML syntax error")


def test_unknown_key_is_located_and_the_allowed_keys_are_listed(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    manifest = folder / "template.toml"
    replace_in(manifest, "section = 2\n", "sectoin = 2\n")
    problems = check_template(folder)[1]
    unknown = [p for p in problems if "unknown key" in p.message]
    assert len(unknown) == 1
    assert unknown[0].line == line_containing(manifest, "sectoin")
    assert "activities[2].sectoin" in unknown[0].message
    assert "section" in unknown[0].hint and "intro_file" in unknown[0].hint
    missing = [p for p in problems if "missing key" in p.message]
    assert [p.line for p in missing] == [line_containing(manifest, "[[activities]]", occurrence=3)]


def test_section_index_outside_the_sections_is_reported_at_its_line(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    manifest = folder / "template.toml"
    replace_in(manifest, "section = 5\n", "section = 9\n")
    problem = only_problem(folder)
    assert (problem.file, problem.line) == (manifest, line_containing(manifest, "section = 9"))
    assert "lerntagebuch" in problem.message and "section 9" in problem.message


def test_duplicate_item_label_is_reported_at_the_second_one(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    manifest = folder / "template.toml"
    replace_in(manifest, 'label = "inhalt_erwartungen"', 'label = "inhalt_relevanz"')
    problem = only_problem(folder)
    assert problem.line == line_containing(manifest, 'label = "inhalt_relevanz"', occurrence=2)
    assert "duplicate" in problem.message


def test_duplicate_activity_key_is_reported(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    manifest = folder / "template.toml"
    replace_in(manifest, 'key = "rollenspiel"', 'key = "fallklinik"')
    replace_in(manifest, "rollenspiel = [", "fallklinik_alt = [")
    problems = check_template(folder)[1]
    assert any("duplicate activity key 'fallklinik'" in p.message
               and p.line == line_containing(manifest, 'key = "fallklinik"', occurrence=2) for p in problems)
    assert any("fallklinik_alt" in p.message and p.line == line_containing(manifest, "fallklinik_alt") for p in problems)


def test_missing_text_file_is_reported_at_the_key_naming_it(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    (folder / "aktivitaeten" / "fallklinik.j2").unlink()
    problem = only_problem(folder)
    assert problem.line == line_containing(folder / "template.toml", "aktivitaeten/fallklinik.j2")
    assert "not found" in problem.message


def table_header_above(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    line = line_containing(path, needle)
    return max(number for number in range(1, line + 1) if lines[number - 1].startswith("["))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('label = "gruppe_groesse"', 'label = "gruppe_groesse"\nscale = ["nein", "eher nein", "ja", "sehr"]',
         "exactly 5"),
        ('kind = "textarea"\nlabel = "offen_gelungen"', 'kind = "multichoice"\nlabel = "offen_gelungen"',
         "needs options"),
        ("min = 8\nmax = 12", "min = 14\nmax = 12", "larger than max"),
    ],
)
def test_item_and_capacity_rules_are_reported_at_their_table(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = copy_bundled(tmp_path)
    manifest = folder / "template.toml"
    replace_in(manifest, old, new)
    problem = only_problem(folder)
    assert expected in problem.message
    assert problem.line == table_header_above(manifest, new.splitlines()[-1])


def test_items_given_as_an_inline_array_are_located_too(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    manifest = folder / "template.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[: text.index("[[questionnaire.items]]")] + "items = [\n"
                        '    { kind = "likert", label = "a_b", question = "Gut?", category = "content" },\n'
                        '    { kind = "multichoice", label = "c_d", question = "Welche?", category = "content" },\n'
                        "]\n" + text[text.index("[small_groups]"):], encoding="utf-8")
    problem = only_problem(folder)
    assert problem.line == line_containing(manifest, "c_d")


def test_load_template_raises_with_every_problem(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    replace_in(folder / "template.toml", "section = 5\n", "section = 9\n")
    (folder / "termin.j2").unlink()
    with pytest.raises(TemplateError) as raised:
        load_template(folder)
    assert len(raised.value.problems) == 2
    assert "section 9" in str(raised.value) and "termin.j2" in str(raised.value)


def test_missing_manifest_and_unknown_slug_are_problems(tmp_path: Path) -> None:
    (tmp_path / "leer").mkdir()
    assert "no template.toml" in check_template(tmp_path / "leer")[1][0].message
    copy_bundled(tmp_path)
    problems = validate_templates(tmp_path, ["gibtsnicht"])
    assert [p.message for p in problems] == ["no template 'gibtsnicht'"]
    assert BUNDLED_SLUG in problems[0].hint
