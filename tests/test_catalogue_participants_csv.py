"""Participants CSVs as people export them, read through `load_catalogue`: encodings, separators, German headers.

Row problems are asserted with the CSV file and its physical line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lms_sync.catalogue import Catalogue, CatalogueProblem, Participant, Sector, load_catalogue
from tests.test_catalogue_loader import run_table

RUN_TOML = run_table("kvz-1")


def load_with_csv(tmp_path: Path, content: bytes | str) -> tuple[Catalogue, Path]:
    (tmp_path / "runs.toml").write_text(RUN_TOML, encoding="utf-8")
    csv_path = tmp_path / "people.csv"
    csv_path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return load_catalogue(tmp_path / "runs.toml"), csv_path


def participants(tmp_path: Path, content: bytes | str) -> list[Participant]:
    catalogue, _ = load_with_csv(tmp_path, content)
    assert catalogue.problems == [], [str(problem) for problem in catalogue.problems]
    return catalogue.runs[0].participants


def only_problem(catalogue: Catalogue) -> CatalogueProblem:
    assert len(catalogue.problems) == 1, [str(problem) for problem in catalogue.problems]
    return catalogue.problems[0]


def test_german_excel_export_with_bom_semicolons_and_german_headers(tmp_path: Path) -> None:
    text = (
        "Vorname;Nachname;E-Mail;Organisation;Sektor;Kompetenzberatung\r\n"
        "Jürgen;Weiß;J.Weiss@Example.org;Bezirksamt Neukölln, Jugendamt;Verwaltung;ja\r\n"
        "Aylin;Kaya;aylin@example.org;;zivilgesellschaft;\r\n"
    )
    people = participants(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))

    assert people == [
        Participant(
            email="j.weiss@example.org", firstname="Jürgen", lastname="Weiß",
            organisation="Bezirksamt Neukölln, Jugendamt", sector=Sector.ADMINISTRATION, consultation_opt_in=True,
        ),
        Participant(
            email="aylin@example.org", firstname="Aylin", lastname="Kaya",
            organisation=None, sector=Sector.CIVIL_SOCIETY, consultation_opt_in=False,
        ),
    ]


def test_comma_separated_with_english_headers_in_any_case_and_order(tmp_path: Path) -> None:
    text = 'SECTOR,Email,First Name,Last_Name,Institution,Consultation\nPolitik,p@example.org,Petra,Hoffmann,"Rat, Fraktion",x\n'

    (person,) = participants(tmp_path, text)

    assert (person.firstname, person.lastname, person.organisation) == ("Petra", "Hoffmann", "Rat, Fraktion")
    assert (person.sector, person.consultation_opt_in) == (Sector.POLITICS, True)


@pytest.mark.parametrize(
    ("full_name", "first", "last"),
    [
        ("Anna Schmidt", "Anna", "Schmidt"),
        ("Anna Maria Schmidt", "Anna Maria", "Schmidt"),
        ("Greta von Bülow", "Greta", "von Bülow"),
        ("Schubert, Anja", "Anja", "Schubert"),
    ],
)
def test_a_single_name_column_is_split_into_first_and_last_name(
    tmp_path: Path, full_name: str, first: str, last: str
) -> None:
    (person,) = participants(tmp_path, f'Name;Mail;Sektor\n"{full_name}";a@example.org;Sonstige\n')

    assert (person.firstname, person.lastname) == (first, last)


def test_windows_1252_is_read_with_a_warning(tmp_path: Path) -> None:
    text = "Vorname;Nachname;E-Mail;Sektor\nJürgen;Weiß;j@example.org;Verwaltung\n"

    catalogue, csv_path = load_with_csv(tmp_path, text.encode("cp1252"))

    problem = only_problem(catalogue)
    assert (problem.file, problem.severity) == (csv_path, "warning")
    assert "CSV UTF-8" in problem.message
    assert catalogue.runs[0].participants[0].lastname == "Weiß"


def test_row_problems_name_the_physical_line_even_after_multiline_cells_and_blank_rows(tmp_path: Path) -> None:
    text = (
        "email;firstname;lastname;organisation;sector\n"
        'a@example.org;Anna;Alt;"Bezirksamt\nAbteilung 2";Verwaltung\n'
        ";;;;\n"
        "kein-at-zeichen.example.org;Ben;Bauer;Verein;Zivilgesellschaft\n"
    )

    catalogue, csv_path = load_with_csv(tmp_path, text)

    problem = only_problem(catalogue)
    assert (problem.file, problem.line, problem.run_id) == (csv_path, 5, "kvz-1")
    assert "'kein-at-zeichen.example.org' is not a valid e-mail address" in problem.message
    assert catalogue.runs == []


def test_the_same_email_twice_is_an_error_at_the_second_row(tmp_path: Path) -> None:
    text = "email,firstname,lastname,sector\nanna@example.org,Anna,Alt,Verwaltung\nANNA@example.org,Anne,Alt,Verwaltung\n"

    catalogue, csv_path = load_with_csv(tmp_path, text)

    problem = only_problem(catalogue)
    assert (problem.file, problem.line, problem.severity) == (csv_path, 3, "error")
    assert "e-mail anna@example.org is listed twice (also on line 2)" in problem.message


def test_the_same_person_under_two_emails_is_a_warning_and_the_run_loads(tmp_path: Path) -> None:
    text = "email,name,sector\nanna@example.org,Anna Alt,Verwaltung\nanna.alt@example.org,anna alt,Verwaltung\n"

    catalogue, csv_path = load_with_csv(tmp_path, text)

    problem = only_problem(catalogue)
    assert (problem.file, problem.line, problem.severity) == (csv_path, 3, "warning")
    assert "listed twice (line 2 as anna@example.org, here as anna.alt@example.org)" in problem.message
    assert catalogue.runs[0].participant_count == 2


def test_an_unknown_sector_lists_the_known_ones(tmp_path: Path) -> None:
    catalogue, csv_path = load_with_csv(tmp_path, "email,name,sector\na@example.org,Anna Alt,Wirtschaft\n")

    problem = only_problem(catalogue)
    assert (problem.file, problem.line) == (csv_path, 2)
    assert "sector 'Wirtschaft' is unknown; write one of Verwaltung, Zivilgesellschaft, Politik, Sonstige" in problem.message


def test_an_unclear_consultation_answer_is_an_error(tmp_path: Path) -> None:
    catalogue, _ = load_with_csv(tmp_path, "email,name,sector,Beratung\na@example.org,Anna Alt,Politik,vielleicht\n")

    assert "consultation 'vielleicht' is not a yes/no value" in only_problem(catalogue).message


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("Name;Sektor", "email"),
        ("E-Mail;Name", "sector"),
        ("E-Mail;Vorname;Sektor", "firstname+lastname (or name)"),
    ],
)
def test_a_missing_required_column_is_an_error_at_the_header(tmp_path: Path, header: str, missing: str) -> None:
    catalogue, csv_path = load_with_csv(tmp_path, header + "\nx;y;z\n")

    problem = only_problem(catalogue)
    assert (problem.file, problem.line) == (csv_path, 1)
    assert f"missing required column(s) {missing};" in problem.message
    assert "needs E-Mail, Vorname and Nachname (or one Name column) and Sektor" in problem.message
