"""`lms-sync report certificates` through CliRunner: real records (SQLite), the example catalogue, real PDFs.

WeasyPrint takes about half a second per page, so the module renders three times and the tests share the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from lms_sync.certificates.content import NOT_COMPLETED, SUSPENDED
from lms_sync.cli import main
from lms_sync.records.store import RecordsStore
from tests import certificates_samples as sample

REPO = Path(__file__).resolve().parents[1]
WHERE = ["--catalogue", str(REPO / "examples" / "catalogue"), "--templates-dir", str(REPO / "course_templates")]
ISSUED, LATER = "2027-05-21", "2027-06-30"


@dataclass
class World:
    root: Path
    runner: CliRunner

    def certificates(self, *args: str) -> Result:
        return self.runner.invoke(main, ["report", "certificates", *args, *WHERE], catch_exceptions=False)


def pdf_text(path: Path) -> str:
    """The PDF's text with whitespace collapsed, so wrapped lines read as one."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("certificates")
    url = f"sqlite:///{root / 'records.db'}"
    with RecordsStore.open(url) as store:
        sample.fill(store)
    world = World(root, CliRunner(env={"LMS_SYNC_RECORDS_URL": url}))
    forgotten = world.runner.invoke(main, ["records", "forget", sample.ERASED, "--yes"], catch_exceptions=False)
    assert forgotten.exit_code == 0, forgotten.output
    return world


@pytest.fixture(scope="module")
def first(world: World) -> dict[str, object]:
    """The run's certificates as the JSON of `report certificates RUN --issued … --json`."""
    result = world.certificates(sample.RUN, "-o", str(world.root / "a"), "--issued", ISSUED, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def with_incomplete(world: World) -> Result:
    result = world.certificates(sample.RUN, "-o", str(world.root / "b"), "--issued", ISSUED, "--include-incomplete")
    assert result.exit_code == 0, result.output
    return result


def test_only_who_completed_gets_one_and_the_others_are_listed(first: dict) -> None:
    [written] = first["written"]
    assert (written["email"], written["name"], written["completed"]) == (sample.COMPLETED, "Christina Albrecht", True)
    assert Path(written["path"]).name.startswith(f"teilnahmebescheinigung-{sample.RUN}-albrecht-christina-")
    assert first["skipped"] == [
        {"email": sample.INCOMPLETE, "name": "Marco Lindner", "reason": NOT_COMPLETED},
        {"email": sample.SUSPENDED, "name": "Greta von Bülow", "reason": SUSPENDED},
    ]
    assert sample.ERASED not in json.dumps(first)
    assert len(PdfReader(first["combined"]).pages) == 1


def test_the_certificate_says_everything(first: dict) -> None:
    [written] = first["written"]
    text = pdf_text(Path(written["path"]))
    expected = [
        "Teilnahmebescheinigung", "Christina Albrecht",
        "„Kommunalverwaltung und Zivilgesellschaft – gemeinsam handeln“",  # the template's title, not the run's
        "vom 19. Mai 2027 bis zum 20. Mai 2027",
        "Mittwoch, 19. Mai 2027, 09:30–16:30 Uhr, Stadthaus Potsdam, Friedrich-Ebert-Straße 79/81, Raum 3.025",
        "Donnerstag, 20. Mai 2027, 09:00–15:30 Uhr, Stadthaus Potsdam",
        "13,5 Zeitstunden an 2 Terminen",
        # the sections' topics, without Moodle's general section "Willkommen"
        "Ankommen & Erwartungen", "Akteure, Motivationen und Rollen", "Vertrauen aufbauen und sichern",
        "Konflikte bearbeiten", "Repräsentative Demokratie & Transfer in den Verwaltungsalltag",
        "Evaluation & Kompetenzberatung",
        # the competencies the template links, by their framework names
        "Unangemessene Erwartungen erkennen und vermeiden", "Beteiligungsformate gestalten",
        "Grundsätze der repräsentativen Demokratie wahren",
        "Sabine Brandt (Berlin Institut für Partizipation)",
        "Tomasz Kowalski (Büro für Beteiligung Kowalski (externer Referent))",
        "Berlin, den 21. Mai 2027", "Dr. Katrin Albers", "Leitung des Instituts",
        f"Bescheinigungs-Nr. {written['number']}",
    ]
    assert [phrase for phrase in expected if phrase not in text] == []
    assert "Willkommen" not in text and "meet.example.org" not in text
    assert written["number"].startswith("BIP-TB-KVZ-2027-02-")


def test_pdf_dates_are_the_issue_date_only(first: dict) -> None:
    metadata = PdfReader(first["written"][0]["path"]).metadata
    assert metadata is not None and metadata.title == "Teilnahmebescheinigung Christina Albrecht"
    assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20270521"


def test_a_rerun_writes_the_same_bytes(first: dict, with_incomplete: Result, world: World) -> None:
    again = world.root / "b" / Path(first["written"][0]["path"]).name
    assert again.read_bytes() == Path(first["written"][0]["path"]).read_bytes()


def test_include_incomplete_issues_to_the_incomplete_but_never_to_the_suspended(with_incomplete: Result,
                                                                                world: World) -> None:
    names = sorted(path.name for path in (world.root / "b").iterdir())
    assert [name.rsplit("-", 1)[0] for name in names] == [
        f"teilnahmebescheinigung-{sample.RUN}-albrecht-christina",
        f"teilnahmebescheinigung-{sample.RUN}-lindner-marco",
        "teilnahmebescheinigungen-kvz-2027",
    ]
    assert "(not completed: issued with --include-incomplete)" in with_incomplete.output
    assert f"skipped Greta von Bülow <{sample.SUSPENDED}>: {SUSPENDED}" in with_incomplete.output
    assert len(PdfReader(world.root / "b" / f"teilnahmebescheinigungen-{sample.RUN}.pdf").pages) == 2


def test_only_one_person_with_another_issue_date_keeps_the_number(first: dict, world: World) -> None:
    result = world.certificates(sample.RUN, "-o", str(world.root / "c"), "--only", sample.COMPLETED.upper(),
                                "--issued", LATER)
    assert result.exit_code == 0, result.output
    [path] = (world.root / "c").iterdir()  # --only writes no combined PDF
    assert path.name == Path(first["written"][0]["path"]).name
    before = pdf_text(Path(first["written"][0]["path"]))
    assert pdf_text(path) == before.replace("21. Mai 2027", "30. Juni 2027")


def test_nobody_eligible_writes_nothing_and_says_why(world: World) -> None:
    result = world.certificates(sample.RUN, "-o", str(world.root / "d"), "--only", sample.INCOMPLETE)
    assert result.exit_code == 0, result.output
    assert f"skipped Marco Lindner <{sample.INCOMPLETE}>: {NOT_COMPLETED}" in result.output
    assert f"no certificate written for run {sample.RUN}" in result.output
    assert not (world.root / "d").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["kvz-2027-01"], "run kvz-2027-01: no participants in the records; pull the run first (`lms-sync pull kvz-2027-01`)"),
    (["kvz-1999-01"], "unknown run(s) kvz-1999-01 in the catalogue"),
    ([sample.RUN, "--only", sample.ERASED], "not a participant of run kvz-2027-02 in the records"),
    ([sample.RUN, "--issued", "21.05.2027"], "--issued '21.05.2027' is not a date: write it as YYYY-MM-DD"),
], ids=["not-pulled", "not-in-catalogue", "erased-person", "bad-date"])
def test_what_cannot_be_issued_is_one_clear_line(world: World, args: list[str], message: str) -> None:
    result = world.certificates(*args, "-o", str(world.root / "never"))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not (world.root / "never").exists()
