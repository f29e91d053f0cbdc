"""The benchmark at a tiny size (2 runs, no latency), so `benchmarks/sync_bench.py` cannot rot: the naive client and
lms-sync must leave the same Moodle site and the same records, each with its own call pattern. No timing is asserted."""

from __future__ import annotations

from dataclasses import replace

import pytest

from benchmarks.report import SCALE_RUNS, Measurements, targets, verdict
from benchmarks.scenarios import (
    BenchConfig,
    ScenarioOutcome,
    lms_sync_scenario,
    naive_pull_scenario,
    naive_push_scenario,
    naive_repush_scenario,
)
from benchmarks.startup import Startup
from benchmarks.sync_bench import check_end_states, main

TINY = BenchConfig(runs=2, participants=8, latency=0.0)
PEOPLE = 2 * (8 + 2)
FAST_START = Startup(bare=0.02, help=0.05, version=0.05)
PLACEHOLDER_DAY = 4070908800  # 2099-01-01, before the blueprint's placeholder day
MOVES_AND_POSTS = ("core_calendar_update_event_start_day", "mod_forum_add_discussion")


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScenarioOutcome, list[ScenarioOutcome]]:
    records = tmp_path_factory.mktemp("records")
    return lms_sync_scenario(TINY, records), [naive_push_scenario(TINY), naive_repush_scenario(TINY),
                                               naive_pull_scenario(TINY, records)]


def test_naive_client_and_lms_sync_end_in_the_same_site_and_records(outcomes) -> None:
    lms, (naive_push, naive_repush, naive_pull) = outcomes
    check_end_states(lms, [naive_push, naive_repush, naive_pull])

    courses = {key: value for key, value in lms.pushed_state.items() if key.startswith("lms-sync-")}
    assert sorted(courses) == ["lms-sync-bench-001", "lms-sync-bench-002"]
    course = courses["lms-sync-bench-001"]
    assert len(course["enrolments"]) == 10 and [len(members) for *_, members in course["groups"]] == [4, 4]
    assert len(course["events"]) == 2 + 5 and len(course["posts"]) == 1  # 2 sessions; 5 activity dates, moved
    assert max(timestart for _, _, timestart, _ in course["events"]) < PLACEHOLDER_DAY  # none left in 2099
    assert naive_push.pushed_state == lms.pushed_state == naive_repush.pushed_state
    participation, evaluations = lms.records
    assert len(participation) == PEOPLE
    assert sorted((e.anonymous, len(e.responses)) for e in evaluations) == [(False, 8), (False, 8), (True, 8), (True, 8)]
    assert naive_pull.records == lms.records


def test_each_client_keeps_its_call_pattern(outcomes) -> None:
    lms, (naive_push, naive_repush, naive_pull) = outcomes
    dated_naive = naive_push.phases[1]
    first, dated, repush, unbatched, cold, pull = lms.phases
    assert first.calls["enrol_manual_enrol_users"] == (1, 0)
    assert naive_push.phases[0].calls["enrol_manual_enrol_users"] == (PEOPLE, 0)
    assert naive_push.phases[0].calls["core_group_add_group_members"] == (16, 0)
    # Nobody is welcomed before the dates are the run's: after cron, 5 dates per run moved, then the post.
    assert "mod_forum_add_discussion" not in first.calls and "mod_forum_add_discussion" not in naive_push.phases[0].calls
    assert {name: calls for name, (_, calls) in dated.calls.items() if name in MOVES_AND_POSTS} == {
        "core_calendar_update_event_start_day": 10, "mod_forum_add_discussion": 2}
    assert {name: dated_naive.calls[name] for name in MOVES_AND_POSTS} == {
        "core_calendar_update_event_start_day": (10, 0), "mod_forum_add_discussion": (2, 0)}
    assert repush.write_calls == 0 and unbatched.write_calls == 0 and cold.write_calls == 0
    # The observation cache spares one contents read per course and one discussions read per forum; without it the
    # blueprint's contents and the questionnaires' items are read too (was each import complete?).
    assert cold.calls["core_course_get_contents"] == (3, 0) and "core_course_get_contents" not in unbatched.calls
    assert cold.calls["mod_feedback_get_items"] == (3, 0) and "mod_feedback_get_items" not in unbatched.calls
    assert cold.calls["mod_forum_get_forum_discussions"] == (2, 0)
    # One request per kind of read; the runs are looked up one by one only because 2 are too few to list a category.
    assert {name: requests for name, (requests, _) in unbatched.calls.items()} == {
        "core_webservice_get_site_info": 1, "core_course_get_categories": 1, "core_course_get_courses_by_field": 3,
        "core_enrol_get_enrolled_users_with_capability": 1, "mod_forum_get_forums_by_courses": 1,
        "core_calendar_get_calendar_events": 1, "core_group_get_groups": 1}
    assert "tool_mobile_call_external_functions" not in unbatched.calls
    assert naive_repush.phases[0].write_calls > 0  # it sends every enrolment and membership again
    assert pull.requests < naive_pull.phases[0].requests
    assert all(0 < phase.largest_request_fields <= TINY.max_form_fields for phase in lms.phases)


def test_a_naive_client_that_misses_work_is_caught(outcomes) -> None:
    lms, (naive_push, naive_repush, naive_pull) = outcomes
    incomplete = dict(naive_push.pushed_state)
    incomplete["lms-sync-bench-002"] = dict(incomplete["lms-sync-bench-002"], groups=[])
    with pytest.raises(AssertionError, match="naive push left a different site"):
        check_end_states(lms, [replace(naive_push, pushed_state=incomplete), naive_repush, naive_pull])


def test_a_missed_target_fails_the_benchmark_and_scale_targets_wait_for_the_documented_size(outcomes) -> None:
    lms, (naive_push, naive_repush, naive_pull) = outcomes
    measured = Measurements(*lms.phases, *naive_push.phases, naive_repush.phases[0], naive_pull.phases[0])
    assert verdict(targets(measured, TINY, FAST_START)) == 0
    writing = replace(measured, lms_repush=replace(measured.lms_repush, write_calls=1))
    missed = targets(writing, TINY, FAST_START)
    assert [t.verdict for t in missed].count("FAIL") == 1 and verdict(missed) == 1
    # At the documented size the ratios count: two runs' request numbers would miss them.
    at_scale = targets(measured, replace(TINY, runs=SCALE_RUNS, latency=0.03), FAST_START)
    assert "SKIP" not in [t.verdict for t in at_scale] and verdict(at_scale) == 1


def test_the_script_prints_measurements_and_passes_every_target_it_measures(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--runs", "2", "--participants", "8", "--latency-ms", "0", "--startup-repeats", "1"])
    output = capsys.readouterr().out
    assert "pushed sites identical" in output and "pulled records identical" in output
    assert output.count("PASS") + output.count("SKIP") == 8 and output.count("PASS") >= 3
    assert "FAIL" not in output, output[output.index("targets:"):]
    assert status == 0
