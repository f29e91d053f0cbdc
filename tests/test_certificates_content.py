"""Who gets a certificate and what it says, decided without rendering: numbers, hours, topics, refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lms_sync.catalogue import WorkshopRun, load_catalogue
from lms_sync.certificates.content import CertificateBatch, CertificateError, plan_certificates
from lms_sync.certificates.model import certificate_number
from lms_sync.competencies.framework import load_frameworks
from lms_sync.records.queries import CourseRef, ParticipationRow
from lms_sync.templates import CourseTemplate, check_template, load_template
from tests.templates_helpers import BUNDLED_ROOT, BUNDLED_SLUG, copy_bundled, line_containing, replace_in

BERLIN = ZoneInfo("Europe/Berlin")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "catalogue"


def example_run(run_id: str) -> WorkshopRun:
    run = load_catalogue(EXAMPLES, timezone="Europe/Berlin").run(run_id)
    assert run is not None
    return run


def row(email: str, *, completed: bool = True, participant: bool = True) -> ParticipationRow:
    course = CourseRef("https://moodle.example.org", 9, None, "KVZ", "KVZ", "kvz-2027-01", BUNDLED_SLUG, None, None)
    return ParticipationRow(course, email, "Anna", "Schmidt", "", "", participant, (), True, completed, None, 0, 0)


def plan(rows: list[ParticipationRow], template: CourseTemplate | None = None, **options: object) -> CertificateBatch:
    return plan_certificates(rows, example_run("kvz-2027-01"), template or load_template(BUNDLED_ROOT / BUNDLED_SLUG),
                             load_frameworks(BUNDLED_ROOT / "competencies"), issued_on=date(2027, 4, 9),
                             timezone=BERLIN, **options)  # type: ignore[arg-type]


def test_number_is_stable_per_person_and_run_and_differs_otherwise() -> None:
    number = certificate_number("BIP-TB", "kvz-2027-01", "anna@example.org")
    assert number == certificate_number("BIP-TB", "kvz-2027-01", " Anna@Example.org ")
    assert number.startswith("BIP-TB-KVZ-2027-01-") and len(number.rsplit("-", 1)[1]) == 8
    assert number != certificate_number("BIP-TB", "kvz-2027-03", "anna@example.org")
    assert number != certificate_number("BIP-TB", "kvz-2027-01", "anne@example.org")


def test_hours_are_the_sum_of_the_sessions_and_online_sessions_have_no_place() -> None:
    [certificate] = plan([row("anna@example.org")]).certificates
    assert certificate.hours == 7 + 6.5 + 2  # 09:30–16:30, 09:00–15:30, online 14:00–16:00
    assert [s.place for s in certificate.sessions][2] is None
    assert certificate.topics[0] == "Ankommen & Erwartungen" and "Willkommen" not in certificate.topics
    assert len(certificate.competencies) == 6 and certificate.trainers[1].name == "Mehmet Özdemir"


def test_trainers_enrolled_as_teachers_get_no_certificate() -> None:
    batch = plan([row("anna@example.org"), row("trainer@example.org", participant=False)])
    assert [c.email for c in batch.certificates] == ["anna@example.org"] and batch.skipped == ()


def test_a_template_without_certificate_settings_is_refused_with_the_fix() -> None:
    template = load_template(BUNDLED_ROOT / BUNDLED_SLUG).model_copy(update={"certificate": None})
    with pytest.raises(CertificateError, match=r"has no \[certificate\] table in its template.toml: add one"):
        plan([row("anna@example.org")], template)


def test_validate_renders_the_certificate_html_and_names_file_and_line(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path)
    html = folder / "bescheinigung" / "teilnahmebescheinigung.html.j2"
    replace_in(html, "{{ certificate.name }}</p>", "{{ certificate.nickname }}</p>")
    replace_in(folder / "template.toml", 'logo_file = "bescheinigung/logo.svg"', 'logo_file = "bescheinigung/logo.png"')
    _, problems = check_template(folder)
    assert [(p.file.name, p.line) for p in problems] == [
        (html.name, line_containing(html, "certificate.nickname")),
        ("template.toml", line_containing(folder / "template.toml", "logo_file")),
    ]
    assert "nickname" in problems[0].message and "certificate (name, number" in problems[0].hint
    assert "'bescheinigung/logo.png' not found" in problems[1].message
