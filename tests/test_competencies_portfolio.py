"""`lms-sync report portfolio EMAIL`: the HTML chart points and the CSV rows are exactly the stored ratings (a
learning plan's rating once, marked as the plan's), offers are suggested only for competencies not yet reached, German
labels; unknown people are a clear input error.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from lms_sync.cli import main
from lms_sync.records.people import Participant
from lms_sync.records.snapshot import Competency, CompetencyRating, CourseSnapshot, EnrolledUser
from lms_sync.records.store import RecordsStore

REPO = Path(__file__).resolve().parents[1]
ANNA = "anna.schmidt@example.org"
SITE = "https://moodle.example.org"
FRAMEWORK = {"framework_id": 1, "framework_idnumber": "bip-kompetenzen-beteiligung",
             "framework_shortname": "BIP Kompetenzen Beteiligung"}
COMPETENCIES = (
    Competency(competency_id=11, idnumber="bip-k-akteure", shortname="Akteure, Motivationen und Rollen erkennen",
               **FRAMEWORK),
    Competency(competency_id=12, idnumber="bip-k-vertrauen", shortname="Vertrauen aufbauen und sichern", **FRAMEWORK),
    Competency(competency_id=13, idnumber="bip-k-konflikte", shortname="Konflikte bearbeiten", **FRAMEWORK),
)
# (course id, run, rated at, {competency id: (level, proficient, note)})
WORKSHOPS = [
    (31, "kvz-2026-01", datetime(2026, 3, 20, 15, 0, tzinfo=UTC),
     {11: (2, False, "Erste Akteurslandkarte"), 12: (3, True, "")}),
    (32, "kvz-2026-09", datetime(2026, 9, 18, 15, 0, tzinfo=UTC),
     {11: (3, True, "Landkarte mit Rollen & Motiven"), 12: (3, True, ""), 13: (1, False, "")}),
]
# Anna's learning plan rates Akteure after both workshops; both courses link it, so both pulls store the plan rating.
PLAN_ID, PLAN_NAME, PLAN_RATED_AT = 77, "Beratung 2026", datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
PLAN_RATING = CompetencyRating(user_id=5, competency_id=11, plan_id=PLAN_ID, plan_name=PLAN_NAME, rating=4,
                               proficient=True, rated_at=PLAN_RATED_AT)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.section: str | None = None
        self.ratings: dict[str, list[int]] = {}
        self.offers: dict[str, list[str]] = {}
        self.plan_rows: list[str] = []
        self._in_plan_row = False
        self._cell = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section" and "competency" in (attributes.get("class") or ""):
            self.section = attributes["id"]
        if tag == "circle" and self.section:
            self.ratings.setdefault(self.section, []).append(int(attributes["data-rating"] or 0))
        if tag == "li" and attributes.get("data-offer") and self.section:
            self.offers.setdefault(self.section, []).append(attributes["data-offer"] or "")
        if tag == "tr":
            self._in_plan_row, self._cell = attributes.get("class") == "plan-rating", 0
        if tag == "td":
            self._cell += 1

    def handle_data(self, data: str) -> None:
        if self._in_plan_row and self._cell == 2 and data.strip():  # the "Quelle" column
            self.plan_rows.append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._in_plan_row = False


@pytest.fixture
def config(tmp_path: Path, records_url: str) -> Path:
    return anna_rated_twice(tmp_path, records_url)


def anna_rated_twice(tmp_path: Path, records_url: str) -> Path:
    """Records holding Anna's ratings of two workshops and her plan; a config for them (no Moodle)."""
    with RecordsStore.open(records_url) as store:
        store.upsert_people([Participant(email=ANNA, firstname="Anna", lastname="Schmidt", consultation_opt_in=True)])
        for course_id, run, rated_at, ratings in WORKSHOPS:
            store.replace_course_snapshot(CourseSnapshot(
                site_url=SITE, course_id=course_id, idnumber=f"bip-{run}", shortname=run.upper(), fullname=run,
                run_id=run, users=(EnrolledUser(user_id=5, email=ANNA, roles=("student",), role_ids=(5,)),),
                competencies=COMPETENCIES,
                competency_ratings=(*(
                    CompetencyRating(user_id=5, competency_id=cid, rating=level, proficient=proficient,
                                     evidence_note=note, rated_at=rated_at)
                    for cid, (level, proficient, note) in ratings.items()), PLAN_RATING),
            ))
    path = tmp_path / "lms-sync.toml"
    path.write_text(f'[records]\nurl = "{records_url}"\n\n[catalogue]\ntemplates_dir = "{REPO / "course_templates"}"\n',
                    encoding="utf-8")
    return path


def test_portfolio_files_hold_exactly_the_stored_ratings(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--config", str(config), "report", "portfolio", ANNA.upper(), "-o", str(out)])
    assert result.exit_code == 0, result.output

    with (out / f"portfolio-{ANNA}.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = sorted([*((idnumber, rated_at.date().isoformat(), level, "ja" if proficient else "nein", note, "")
                         for _, _, rated_at, ratings in WORKSHOPS
                         for cid, (level, proficient, note) in ratings.items()
                         for idnumber in [next(c.idnumber for c in COMPETENCIES if c.competency_id == cid)]),
                       ("bip-k-akteure", PLAN_RATED_AT.date().isoformat(), 4, "ja", "", PLAN_NAME)])
    assert sorted((r["Kompetenz-ID"], r["Datum"], int(r["Stufe"]), r["Erreicht"], r["Notiz"], r["Lernplan"])
                  for r in rows) == expected
    assert {r["Stufe (Bezeichnung)"] for r in rows if r["Stufe"] == "3"} == {"weitgehend"}
    assert {r["Quelle"] for r in rows} == {"Workshop kvz-2026-01", "Workshop kvz-2026-09", f"Lernplan: {PLAN_NAME}"}
    assert list(rows[0])[-1] == "Lernplan"

    page = (out / f"portfolio-{ANNA}.html").read_text(encoding="utf-8")
    collector = _Collector()
    collector.feed(page)
    assert collector.ratings == {"bip-k-akteure": [2, 3, 4], "bip-k-vertrauen": [3, 3], "bip-k-konflikte": [1]}
    assert collector.plan_rows == [f"Lernplan: {PLAN_NAME}"]
    # Only the competency not yet reached gets suggestions, the institute's own offer first.
    assert list(collector.offers) == ["bip-k-konflikte"]
    assert collector.offers["bip-k-konflikte"][0] == "bip-vertiefung-konflikte"
    assert "Landkarte mit Rollen &amp; Motiven" in page and "Kompetenzportfolio Anna Schmidt" in page
    assert "Vorschläge zur Weiterbildung" in page


def test_unknown_person_is_an_input_error_with_a_hint(config: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(config), "report", "portfolio", "niemand@example.org",
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "opted in" in result.output and "Traceback" not in result.output
