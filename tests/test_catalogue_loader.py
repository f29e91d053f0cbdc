"""Behaviour of `load_catalogue` on TOML catalogues: times across daylight saving, and every run-level validation rule.

Each problem is asserted with its file and line, and that a bad run is skipped while its neighbours load.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lms_sync.catalogue import Catalogue, CatalogueProblem, Sector, load_catalogue, to_unix

CAPACITY = {"kommune-zivilgesellschaft": (2, 12)}
PEOPLE_CSV = """\
email,firstname,lastname,organisation,sector,consultation
Anna.Alt@Example.org,Anna,Alt,Bezirksamt,Verwaltung,ja
ben@example.org,Ben,Bauer,Verein e. V.,Zivilgesellschaft,nein
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_table(run_id: str, template: str = "kommune-zivilgesellschaft") -> str:
    """A valid [[run]] of 9 lines; the run header is its first line."""
    return f"""\
[[run]]
id = "{run_id}"
template = "{template}"
participants = "people.csv"
[[run.session]]
start = "2027-03-04 09:30"
end = "2027-03-04 16:30"
place = "Rathaus Neukölln, Raum 2.14"
[[run.trainer]]
email = "trainer@example.org"
firstname = "Tina"
lastname = "Trainer"
"""


def load(path: Path, **options: object) -> Catalogue:
    return load_catalogue(path, template_capacity=CAPACITY, **options)  # type: ignore[arg-type]


def only_problem(catalogue: Catalogue) -> CatalogueProblem:
    assert len(catalogue.problems) == 1, [str(problem) for problem in catalogue.problems]
    return catalogue.problems[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, "people.csv", PEOPLE_CSV)
    return tmp_path


def test_a_valid_run_loads_with_aware_times_people_and_its_source(folder: Path) -> None:
    catalogue = load(write(folder, "runs.toml", run_table("kvz-2027-01")))

    assert catalogue.problems == []
    (run,) = catalogue.runs
    assert run.id == "kvz-2027-01"
    assert run.start == datetime(2027, 3, 4, 8, 30, tzinfo=UTC)
    assert run.end == datetime(2027, 3, 4, 15, 30, tzinfo=UTC)
    assert run.participant_count == 2
    assert run.participants[0].email == "anna.alt@example.org"
    assert run.participants[0].consultation_opt_in is True
    assert run.participants[1].sector is Sector.CIVIL_SOCIETY
    assert [trainer.email for trainer in run.trainers] == ["trainer@example.org"]
    assert str(run.source) == f"{folder / 'runs.toml'}:1"
    assert catalogue.run("kvz-2027-01") is run


def test_unknown_template_skips_only_that_run_and_names_the_template_line(folder: Path) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1", template="kommune-zivilgesellschft") + run_table("kvz-2"))

    catalogue = load(path)

    problem = only_problem(catalogue)
    assert (problem.file, problem.line, problem.run_id, problem.severity) == (path, 3, "kvz-1", "error")
    assert "'kommune-zivilgesellschft' is unknown" in problem.message
    assert "kommune-zivilgesellschaft" in problem.message.split("known templates:")[1]
    assert [run.id for run in catalogue.runs] == ["kvz-2"]


def test_session_ending_before_it_starts_is_reported_at_the_end_line(folder: Path) -> None:
    text = run_table("kvz-1").replace('end = "2027-03-04 16:30"', 'end = "2027-03-04 08:00"')
    path = write(folder, "runs.toml", text)

    problem = only_problem(load(path))

    assert (problem.line, problem.severity) == (7, "error")
    assert str(problem).startswith(f"{path}:7: session ends (2027-03-04 08:00) before it starts")


def test_run_level_end_before_start_is_an_error(folder: Path) -> None:
    text = run_table("kvz-1").replace(
        'participants = "people.csv"', 'participants = "people.csv"\nstart = "2027-03-05 09:00"\nend = "2027-03-01 09:00"'
    )
    path = write(folder, "runs.toml", text)

    catalogue = load(path)

    problem = only_problem(catalogue)
    assert problem.line == 6
    assert "run ends (2027-03-01 09:00) before it starts (2027-03-05 09:00)" in problem.message
    assert catalogue.runs == []


def test_run_id_must_be_a_slug(folder: Path) -> None:
    path = write(folder, "runs.toml", run_table("KVZ 2027/01"))

    problem = only_problem(load(path))

    assert problem.line == 2
    assert "must use only a-z, 0-9 and single hyphens" in problem.message


def test_duplicate_run_ids_across_files_skip_every_copy_and_name_both_places(folder: Path) -> None:
    first = write(folder, "a.toml", run_table("kvz-1"))
    second = write(folder, "b.toml", run_table("kvz-2") + run_table("kvz-1"))

    catalogue = load(folder)

    assert [run.id for run in catalogue.runs] == ["kvz-2"]
    assert [(problem.file, problem.line) for problem in catalogue.errors] == [(first, 2), (second, 14)]
    assert f"also at {second}:14" in catalogue.errors[0].message
    assert f"also at {first}:2" in catalogue.errors[1].message


def test_a_folder_is_read_in_name_order_and_ignores_other_files(folder: Path) -> None:
    write(folder, "b.toml", run_table("kvz-b"))
    write(folder, "a.toml", run_table("kvz-a"))
    write(folder, "notes.txt", "not a catalogue")

    assert [run.id for run in load(folder).runs] == ["kvz-a", "kvz-b"]


def test_a_trainer_listed_twice_is_an_error_at_the_second_table(folder: Path) -> None:
    text = run_table("kvz-1") + 'organisation = "Institut"\n[[run.trainer]]\nemail = "TRAINER@example.org"\n'
    text += 'firstname = "Tina"\nlastname = "Trainer"\n'
    path = write(folder, "runs.toml", text)

    problem = only_problem(load(path))

    assert problem.line == 14
    assert "trainer trainer@example.org is listed twice (also on line 9)" in problem.message


def test_an_invalid_trainer_email_names_the_email_line(folder: Path) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1").replace("trainer@example.org", "trainer.example.org"))

    problem = only_problem(load(path))

    assert problem.line == 10
    assert "'trainer.example.org' is not a valid e-mail address" in problem.message


def test_a_trainer_also_listed_as_participant_is_an_error_at_the_csv_row(folder: Path) -> None:
    csv_path = write(folder, "people.csv", PEOPLE_CSV + "trainer@example.org,Tina,Trainer,Institut,Sonstige,\n")
    path = write(folder, "runs.toml", run_table("kvz-1"))

    catalogue = load(path)

    problem = only_problem(catalogue)
    assert (problem.file, problem.line, problem.run_id) == (csv_path, 4, "kvz-1")
    assert f"is a trainer of this run ({path}:9)" in problem.message
    assert catalogue.runs == []


@pytest.mark.parametrize(("capacity", "described"), [((3, 12), "add participants"), ((1, 1), "split the group")])
def test_group_size_outside_the_template_range_is_a_warning_and_the_run_loads(
    folder: Path, capacity: tuple[int, int], described: str
) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1"))

    catalogue = load_catalogue(path, template_capacity={"kommune-zivilgesellschaft": capacity})

    problem = only_problem(catalogue)
    assert (problem.line, problem.severity) == (4, "warning")
    assert "2 participants is outside the template's group size" in problem.message
    assert described in problem.message
    assert [run.id for run in catalogue.runs] == ["kvz-1"]


def test_group_size_outside_the_range_is_an_error_when_strict(folder: Path) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1"))

    catalogue = load_catalogue(path, template_capacity={"kommune-zivilgesellschaft": (8, 12)}, strict=True)

    assert (only_problem(catalogue).line, only_problem(catalogue).severity) == (4, "error")
    assert catalogue.runs == []


def test_without_template_capacity_templates_and_sizes_are_not_checked(folder: Path) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1", template="some-other-template"))

    catalogue = load_catalogue(path)

    assert catalogue.problems == []
    assert catalogue.runs[0].template == "some-other-template"


def test_a_missing_participants_csv_names_the_participants_line(folder: Path) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1").replace("people.csv", "missing/teilnehmende.csv"))

    catalogue = load(path)

    problem = only_problem(catalogue)
    assert (problem.file, problem.line) == (path, 4)
    assert "participants file 'missing/teilnehmende.csv' not found" in problem.message
    assert "relative to this TOML file" in problem.message
    assert catalogue.runs == []


def test_an_unknown_key_suggests_the_close_one(folder: Path) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1").replace("place =", "palce ="))

    problem = only_problem(load(path))

    assert problem.line == 8
    assert "unknown key 'palce' in [[run.session]] (did you mean 'place'?)" in problem.message


def test_a_toml_syntax_error_names_its_line(folder: Path) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1").replace('place = "Rathaus', "place = Rathaus"))

    problem = only_problem(load(path))

    assert (problem.file, problem.line) == (path, 8)
    assert "is not valid TOML" in problem.message


def test_a_run_without_sessions_or_dates_is_an_error_at_its_header(folder: Path) -> None:
    path = write(folder, "runs.toml", 'title = "x"\n[[run]]\nid = "kvz-1"\ntemplate = "kommune-zivilgesellschaft"\n')

    catalogue = load(path)

    assert [(str(problem)) for problem in catalogue.errors] == [
        f"{path}: unknown top-level key 'title'; a catalogue holds only [[run]] tables",
        f"{path}:2: the run has no sessions and no start/end; add [[run.session]] tables with start and end",
    ]


def test_a_missing_catalogue_is_one_problem_not_an_exception(tmp_path: Path) -> None:
    problem = only_problem(load(tmp_path / "nowhere.toml"))

    assert problem.line is None
    assert "catalogue not found" in str(problem)


def test_a_session_on_the_autumn_switch_day_gets_winter_time(folder: Path) -> None:
    text = run_table("kvz-1").replace("2027-03-04 09:30", "2027-10-31 10:00").replace("2027-03-04 16:30", "2027-10-31 12:00")

    (run,) = load(write(folder, "runs.toml", text)).runs

    assert run.sessions[0].start == datetime(2027, 10, 31, 9, 0, tzinfo=UTC)
    assert to_unix(run.sessions[0].start) == 1824973200


def test_a_session_on_the_spring_switch_day_gets_summer_time(folder: Path) -> None:
    text = run_table("kvz-1").replace("2027-03-04 09:30", "2027-03-28 01:30").replace("2027-03-04 16:30", "2027-03-28 03:30")

    (run,) = load(write(folder, "runs.toml", text)).runs

    assert run.sessions[0].start == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert run.sessions[0].end == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_a_time_in_the_spring_gap_is_an_error_naming_its_line(folder: Path) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1").replace("2027-03-04 09:30", "2027-03-28 02:30"))

    catalogue = load(path)

    problem = only_problem(catalogue)
    assert (problem.line, problem.severity) == (6, "error")
    assert "2027-03-28 02:30 does not exist in Europe/Berlin" in problem.message
    assert catalogue.runs == []


def test_a_time_in_the_autumn_overlap_takes_summer_time_and_warns(folder: Path) -> None:
    text = run_table("kvz-1").replace("2027-03-04 09:30", "2027-10-31 02:30").replace("2027-03-04 16:30", "2027-10-31 04:00")
    path = write(folder, "runs.toml", text)

    catalogue = load(path)

    problem = only_problem(catalogue)
    assert (problem.line, problem.severity) == (6, "warning")
    assert "occurs twice" in problem.message
    assert catalogue.runs[0].start == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("year", ["2207", "1927"])
def test_a_date_decades_away_is_an_error_naming_its_line_and_field(folder: Path, year: str) -> None:
    path = write(folder, "runs.toml", run_table("kvz-1") + run_table("kvz-2").replace("2027-03-04 16:30", f"{year}-03-04 16:30"))

    catalogue = load(path)

    problem = only_problem(catalogue)
    end_line = len(run_table("kvz-1").splitlines()) + 7
    assert (problem.file, problem.line, problem.severity, problem.run_id) == (path, end_line, "error", "kvz-2")
    assert problem.message.startswith(f"end: {year}-03-04 is ")
    assert "correct the year" in problem.message
    assert [run.id for run in catalogue.runs] == ["kvz-1"]


def test_a_run_dated_five_years_ago_loads_with_one_warning_naming_the_first_field(folder: Path) -> None:
    year = datetime.now(UTC).year - 5
    path = write(folder, "runs.toml", run_table("kvz-1").replace("2027-", f"{year}-"))

    catalogue = load(path)

    problem = only_problem(catalogue)  # once for the run, not for every start and end
    assert (problem.file, problem.line, problem.severity) == (path, 6, "warning")
    assert problem.message.startswith(f"start: {year}-03-04 is ") and "years ago; check the year" in problem.message
    assert [run.id for run in catalogue.runs] == ["kvz-1"]


def test_toml_datetimes_and_explicit_offsets_are_accepted(folder: Path) -> None:
    text = run_table("kvz-1").replace('"2027-03-04 09:30"', "2027-10-31T02:30:00+01:00")
    text = text.replace('"2027-03-04 16:30"', "2027-11-02T16:30:00")

    (run,) = load(write(folder, "runs.toml", text)).runs

    assert run.start == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert run.end == datetime(2027, 11, 2, 15, 30, tzinfo=UTC)


def test_another_configured_timezone_is_used(folder: Path) -> None:
    (run,) = load(write(folder, "runs.toml", run_table("kvz-1")), timezone="America/New_York").runs

    assert run.start == datetime(2027, 3, 4, 14, 30, tzinfo=UTC)


def test_to_unix_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        to_unix(datetime(2027, 3, 4, 9, 30))
