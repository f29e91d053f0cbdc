"""Pushing the competency framework against the fake Moodle: created parents first, courses linked, a second push
makes zero write calls, drift is repaired with the minimal writes, ratings stay untouched, a wrong scale is refused.
"""

from __future__ import annotations

import pytest

from lms_sync.competencies.framework import CompetencyFramework
from lms_sync.config import ConfigError
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.functions import FUNCTIONS_BY_COMMAND
from lms_sync.push.competencies import push_competencies
from tests.competency_helpers import bundled_framework, calls_made, site_with_framework_scale, with_rating_handlers
from tests.fake_moodle import MOODLE_VERSIONS, FakeMoodle

COURSE_LINKS = ["bip-k-erwartungen", "bip-k-akteure", "bip-k-vertrauen", "bip-k-beteiligungsformate",
                "bip-k-konflikte", "bip-k-demokratie"]


@pytest.fixture
def framework() -> CompetencyFramework:
    return bundled_framework()


@pytest.fixture
def fake(fake_moodle: FakeMoodle) -> FakeMoodle:
    return with_rating_handlers(fake_moodle)


def _first_push(fake: FakeMoodle, client: MoodleClient, framework: CompetencyFramework) -> tuple[int, int, int]:
    scale_id = site_with_framework_scale(fake, framework)
    first = fake.add_course("Workshop Kommune 1", "KVZ-1", idnumber="bip-kvz-1").id
    second = fake.add_course("Workshop Kommune 2", "KVZ-2", idnumber="bip-kvz-2").id
    push_competencies(client, framework, {first: COURSE_LINKS, second: COURSE_LINKS[:2]}, scale_id=scale_id)
    return scale_id, first, second


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_first_push_creates_the_tree_parents_first_and_links_the_courses(
        fake: FakeMoodle, moodle_client: MoodleClient, framework: CompetencyFramework) -> None:
    scale_id = site_with_framework_scale(fake, framework)
    course = fake.add_course("Workshop Kommune", "KVZ-1", idnumber="bip-kvz-1").id
    counts = push_competencies(moodle_client, framework, {course: COURSE_LINKS}, scale_id=scale_id)

    assert (counts.framework_created, counts.competencies_created, counts.links_added) == (1, 8, 6)
    [moodle_framework] = fake.site.frameworks.values()
    assert (moodle_framework.idnumber, moodle_framework.scaleid) == (framework.idnumber, scale_id)
    by_idnumber = {c.idnumber: c for c in fake.site.competencies.values()}
    for node in framework.competencies:
        parent_id = by_idnumber[node.parent].id if node.parent else 0
        assert by_idnumber[node.idnumber].parentid == parent_id
        assert by_idnumber[node.idnumber].shortname == node.shortname
    linked = {fake.site.competencies[link.competencyid].idnumber
              for link in fake.site.course_competencies.values() if link.courseid == course}
    assert linked == set(COURSE_LINKS)
    used = {name for name, _ in calls_made(fake)} - {"tool_mobile_call_external_functions"}
    assert used <= set(FUNCTIONS_BY_COMMAND["push"]), used - set(FUNCTIONS_BY_COMMAND["push"])


@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)
def test_second_push_of_an_unchanged_framework_makes_zero_write_calls(
        fake: FakeMoodle, moodle_client: MoodleClient, framework: CompetencyFramework) -> None:
    scale_id, first, second = _first_push(fake, moodle_client, framework)
    fake.reset_counters()
    counts = push_competencies(moodle_client, framework, {first: COURSE_LINKS, second: COURSE_LINKS[:2]},
                               scale_id=scale_id)
    assert fake.write_calls() == 0, dict(fake.calls)
    assert (counts.competencies_unchanged, counts.links_present, counts.links_added) == (8, 8, 0)


def test_changed_description_and_new_link_make_exactly_the_needed_writes(
        fake: FakeMoodle, moodle_client: MoodleClient, framework: CompetencyFramework) -> None:
    scale_id, first, second = _first_push(fake, moodle_client, framework)
    edited = [node.model_copy(update={"description": "Neu formuliert."}) if node.idnumber == "bip-k-konflikte" else node
              for node in framework.competencies]
    changed = framework.model_copy(update={"competencies": edited})
    fake.reset_counters()
    counts = push_competencies(moodle_client, changed, {first: COURSE_LINKS, second: COURSE_LINKS[:3]},
                               scale_id=scale_id)
    writes = {name: count for name, count in fake.calls.items() if fake.is_write(name)}
    assert writes == {"core_competency_update_competency": 1, "core_competency_add_competency_to_course": 1}
    assert (counts.competencies_updated, counts.links_added) == (1, 1)
    konflikte = next(c for c in fake.site.competencies.values() if c.idnumber == "bip-k-konflikte")
    assert konflikte.description == "<p>Neu formuliert.</p>"


def test_push_leaves_existing_ratings_untouched(
        fake: FakeMoodle, moodle_client: MoodleClient, framework: CompetencyFramework) -> None:
    scale_id, first, second = _first_push(fake, moodle_client, framework)
    student = fake.add_user("anna", "Anna", "Schmidt", "anna@example.org")
    fake.enrol(student.id, first)
    competency = next(c for c in fake.site.competencies.values() if c.idnumber == "bip-k-akteure")
    fake.rate_competency(student.id, first, competency.id, 3, True, note="Akteurslandkarte sehr gründlich")
    before = dict(fake.site.competency_ratings)
    push_competencies(moodle_client, framework, {first: COURSE_LINKS}, scale_id=scale_id)
    assert fake.site.competency_ratings == before


def test_a_scale_that_does_not_match_the_levels_is_refused_before_any_write(
        fake: FakeMoodle, moodle_client: MoodleClient, framework: CompetencyFramework) -> None:
    course = fake.add_course("Workshop Kommune", "KVZ-1").id
    with pytest.raises(ConfigError, match=r"scale 2 has the items \['Not yet competent', 'Competent'\]"):
        push_competencies(moodle_client, framework, {course: COURSE_LINKS}, scale_id=2)
    assert fake.write_calls() == 0 and not fake.site.frameworks


def test_a_link_to_an_unknown_competency_is_refused_before_any_write(
        fake: FakeMoodle, moodle_client: MoodleClient, framework: CompetencyFramework) -> None:
    scale_id = site_with_framework_scale(fake, framework)
    course = fake.add_course("Workshop Kommune", "KVZ-1").id
    with pytest.raises(ConfigError, match="bip-k-unbekannt.*templates validate"):
        push_competencies(moodle_client, framework, {course: ["bip-k-unbekannt"]}, scale_id=scale_id)
    assert fake.write_calls() == 0 and not fake.site.frameworks
