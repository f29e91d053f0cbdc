"""A NUL byte in a name or a zero-width space inside an e-mail address (pasted from a web page) is refused with the
file and line, instead of going into the plan and into Moodle."""

from __future__ import annotations

import pytest

from tests.test_catalogue_participants_csv import load_with_csv, only_problem


@pytest.mark.parametrize(("row", "code"), [
    ("anna\u200b@example.org;Anna;Alt", "U+200B ZERO WIDTH SPACE"),
    ("anna@example.org;An\x00na;Alt", "U+0000"),
    ("anna@example.org;Anna;\ufeffAlt", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
])
def test_an_invisible_character_is_refused_with_file_and_line(tmp_path, row, code):
    text = f"email;firstname;lastname;sector\nb@example.org;Ben;Bauer;Verwaltung\n{row};Verwaltung\n"
    catalogue, csv_path = load_with_csv(tmp_path, text)
    problem = only_problem(catalogue)
    assert (problem.file, problem.line) == (csv_path, 3)
    assert code in problem.message and "retype the value" in problem.message
