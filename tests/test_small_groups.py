"""Kleingruppen of the example runs mix sectors and organisations as the course text promises.

Checked through `load_workspace` (group counts as push plans them) and `allocate`, the allocation push uses.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from lms_sync.catalogue import Participant
from lms_sync.config import Settings
from lms_sync.small_groups import allocate, organisation_key
from lms_sync.workspace import load_workspace

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def courses():
    settings = Settings()
    settings.catalogue.templates_dir = REPO / "course_templates"
    return load_workspace(settings, catalogue=REPO / "examples" / "catalogue").courses


def _members(groups: dict[str, int], people: list[Participant]) -> dict[int, list[Participant]]:
    by_email = {p.email: p for p in people}
    result: dict[int, list[Participant]] = {}
    for email, number in sorted(groups.items()):
        result.setdefault(number, []).append(by_email[email])
    return result


def test_every_example_group_has_each_sector_that_can_reach_it_and_no_organisation_majority(courses):
    for course in courses:
        people = list(course.participants)
        count = len(course.group_names)
        assert count >= 2, course.run_id
        members = _members(allocate(people, count, {}), people)
        sectors = Counter(p.sector for p in people)
        low, high = course.group_size
        for number, group in members.items():
            assert low <= len(group) <= high, (course.run_id, number)
            present = {p.sector for p in group}
            assert {s for s, n in sectors.items() if n >= count} <= present, (course.run_id, number)
            biggest = max(Counter(organisation_key(p) for p in group).values())
            assert biggest * 2 <= len(group), (course.run_id, number, [p.organisation for p in group])


def test_the_one_politician_of_a_run_lands_in_one_group_and_sizes_differ_by_at_most_one(courses):
    course = next(c for c in courses if c.run_id == "kvz-2027-01")
    people = list(course.participants)
    groups = allocate(people, len(course.group_names), {})
    sizes = sorted(Counter(groups.values()).values())
    assert sizes[-1] - sizes[0] <= 1
    politicians = {groups[p.email] for p in people if p.sector == "Politik"}
    assert len(politicians) == sum(p.sector == "Politik" for p in people)


def _person(email: str, sector: str, organisation: str | None = None) -> Participant:
    return Participant(email=email, firstname="A", lastname=email, sector=sector, organisation=organisation)


def test_one_office_with_several_departments_is_spread_over_the_groups():
    office = [_person(f"ba{i}@x.org", "Verwaltung", f"Bezirksamt Mitte, Amt {i}") for i in range(4)]
    others = [_person(f"z{i}@x.org", "Zivilgesellschaft", f"Verein {i}") for i in range(4)]
    groups = allocate([*office, *others], 2, {})
    assert Counter(groups[p.email] for p in office) == {1: 2, 2: 2}


def test_placed_people_stay_and_a_newcomer_fills_the_group_missing_their_sector():
    people = [_person(f"v{i}@x.org", "Verwaltung", f"Amt {i}") for i in range(4)]
    people += [_person(f"z{i}@x.org", "Zivilgesellschaft", f"Verein {i}") for i in range(3)]
    first = allocate(people, 2, {})
    late = _person("z9@x.org", "Zivilgesellschaft", "Verein 9")
    again = allocate([*people, late], 2, first)
    assert {e: n for e, n in again.items() if e != late.email} == first
    civil = Counter(n for e, n in again.items() if e.startswith("z"))
    assert civil == {1: 2, 2: 2}
