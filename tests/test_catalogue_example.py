"""The bundled example catalogue is what a new user plans first, so it must load cleanly and look like real runs.

It is checked against the bundled course templates, so a renamed template or changed group size shows up here.
"""

from __future__ import annotations

from pathlib import Path

from lms_sync.catalogue import load_catalogue
from lms_sync.templates import load_templates

REPOSITORY = Path(__file__).resolve().parents[1]
EXAMPLE = REPOSITORY / "examples" / "catalogue"


def test_the_example_catalogue_loads_without_any_problem_even_when_strict() -> None:
    templates = load_templates(REPOSITORY / "course_templates")
    capacity = {slug: (template.capacity.min, template.capacity.max) for slug, template in templates.items()}

    catalogue = load_catalogue(EXAMPLE, template_capacity=capacity, strict=True)

    assert [str(problem) for problem in catalogue.problems] == []
    assert [run.id for run in catalogue.runs] == ["kvz-2027-01", "kvz-2027-02", "kvz-2027-03"]


def test_each_example_run_is_a_realistic_small_mixed_group_with_two_trainers() -> None:
    for run in load_catalogue(EXAMPLE).runs:
        assert 10 <= run.participant_count <= 12, run.id
        assert len(run.trainers) == 2, run.id
        assert len({participant.sector for participant in run.participants}) >= 3, run.id
        assert any(participant.consultation_opt_in for participant in run.participants), run.id
        assert all(person.email.endswith("example.org") for person in [*run.trainers, *run.participants]), run.id


def test_the_example_shows_an_online_session_and_a_german_excel_csv() -> None:
    runs = load_catalogue(EXAMPLE).runs

    assert any(session.online_url for run in runs for session in run.sessions)
    excel_exports = [
        run.participants_csv for run in runs
        if run.participants_csv and run.participants_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    ]
    assert excel_exports and b";" in excel_exports[0].read_bytes().splitlines()[0]
