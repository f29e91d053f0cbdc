"""`python benchmarks/sync_bench.py`: lms-sync's batched, concurrent push and pull against a naive per-entity client,
on fake Moodle sites that wait a fixed latency per request; prints requests, wall time, peak RSS, ratios and targets.

Every scenario runs in its own forked process (so each has its own peak RSS and fake site): lms-sync's first, alone;
then the three naive ones side by side, as they spend nearly all their time waiting. Progress goes to stderr, phase by
phase. Also measures the command line's start-up (`lms-sync --help`). Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a script from the repository root: import lms_sync, tests, benchmarks

from benchmarks.bench_site import state_summary  # noqa: E402
from benchmarks.report import Measurements, Target, ledger, ratios, table, targets, verdict  # noqa: E402
from benchmarks.scenarios import (  # noqa: E402
    BenchConfig,
    ScenarioOutcome,
    lms_sync_scenario,
    naive_pull_scenario,
    naive_push_scenario,
    naive_repush_scenario,
    progress,
)
from benchmarks.startup import REPEATS, measure_startup  # noqa: E402
from lms_sync.config import MoodleSettings  # noqa: E402


def parse_config(argv: list[str] | None = None) -> BenchConfig:
    defaults = MoodleSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="workshop runs in the synthetic catalogue (default 50)")
    parser.add_argument("--participants", type=int, default=12, help="participants per run, plus 2 trainers (12)")
    parser.add_argument("--latency-ms", type=float, default=30.0, help="fake Moodle's wait per request (30)")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency,
                        help=f"lms-sync's concurrent requests (default from the settings: {defaults.concurrency})")
    parser.add_argument("--max-form-fields", type=int, default=defaults.max_form_fields,
                        help=f"form-field limit per request, as max_input_vars (default {defaults.max_form_fields})")
    parser.add_argument("--startup-repeats", type=int, default=REPEATS,
                        help=f"fresh processes per start-up measurement, the fastest counts (default {REPEATS})")
    args = parser.parse_args(argv)
    too_small = [f"--{name.replace('_', '-')} must be at least {low}" for name, low in
                 (("runs", 1), ("participants", 1), ("latency_ms", 0), ("concurrency", 1), ("max_form_fields", 50),
                  ("startup_repeats", 1))
                 if getattr(args, name) < low]
    if too_small:
        parser.error("; ".join(too_small))
    return BenchConfig(runs=args.runs, participants=args.participants, latency=args.latency_ms / 1000,
                       concurrency=args.concurrency, max_form_fields=args.max_form_fields,
                       startup_repeats=args.startup_repeats)


def run_scenarios(config: BenchConfig, records_dir: Path) -> tuple[ScenarioOutcome, list[ScenarioOutcome]]:
    """lms-sync's scenario alone, then the naive push, re-push and pull in parallel; one fresh process each."""
    with multiprocessing.get_context("fork").Pool(processes=3, maxtasksperchild=1) as pool:
        lms = pool.apply_async(lms_sync_scenario, (config, records_dir)).get()
        naive = [pool.apply_async(naive_push_scenario, (config,)),
                 pool.apply_async(naive_repush_scenario, (config,)),
                 pool.apply_async(naive_pull_scenario, (config, records_dir))]
        return lms, [result.get() for result in naive]


def check_end_states(lms: ScenarioOutcome, naive: list[ScenarioOutcome]) -> list[str]:
    """The naive client must have done the same work: same pushed site, same records. Raises if not."""
    naive_push, naive_repush, naive_pull = naive
    if naive_push.pushed_state != lms.pushed_state:
        raise AssertionError("the naive push left a different site than lms-sync's push")
    if naive_repush.pushed_state != lms.pushed_state:
        raise AssertionError("the naive re-push changed the site")
    if naive_pull.records != lms.records:
        raise AssertionError("the naive pull stored different records than lms-sync's pull")
    participation, evaluations = lms.records or ([], [])
    responses = sum(len(evaluation.responses) for evaluation in evaluations)
    return [f"  pushed sites identical (lms-sync, naive, naive after its re-push): {state_summary(lms.pushed_state)}",
            f"  pulled records identical: {len(participation)} participation rows, {len(evaluations)} feedback "
            f"instruments with {responses} responses"]


def main(argv: list[str] | None = None) -> int:
    config = parse_config(argv)
    started = time.perf_counter()
    progress("start-up of lms-sync --help / --version …")
    startup = measure_startup(config.startup_repeats)
    with tempfile.TemporaryDirectory(prefix="lms-sync-bench-") as records_dir:
        lms, naive = run_scenarios(config, Path(records_dir))
    first_push, after_cron, repush, unbatched, cold, pull = lms.phases
    naive_first_push, naive_after_cron = naive[0].phases
    m = Measurements(first_push, after_cron, repush, unbatched, cold, pull, naive_first_push, naive_after_cron,
                     naive[1].phases[0], naive[2].phases[0])
    print(f"lms-sync benchmark: {config.runs} runs × {config.participants} participants + 2 trainers; fake Moodle 5.0 "
          f"answering after {config.latency * 1000:g} ms per request; concurrency {config.concurrency}; "
          f"max_form_fields {config.max_form_fields}; {config.respondents} named + {config.respondents} anonymous "
          "responses per course")
    print("\nmeasured (peak RSS: whole process during the phase — interpreter, fake Moodle site and client):")
    print("\n".join(table(m)))
    print("\nratios:")
    print("\n".join(ratios(m)))
    print("\nsame end state:")
    print("\n".join(check_end_states(lms, naive)))
    for phase in lms.phases:
        print(f"\nlms-sync {phase.name}: HTTP requests by function")
        print("\n".join(ledger(phase)))
    results: list[Target] = targets(m, config, startup)
    print("\ntargets:")
    print("\n".join(f"  {t.verdict} {t.line}" for t in results))
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s")
    return verdict(results)


if __name__ == "__main__":
    sys.exit(main())
