"""Turns the measured scenarios into the benchmark's printout: a table per phase, naive / lms-sync ratios, the
end-state and records checks, and one PASS/FAIL line per target of issues 7 and 17 (start-up).

Pure formatting and arithmetic; the measuring happens in `scenarios`, the running in `sync_bench`.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.measure import PhaseResult
from benchmarks.scenarios import BenchConfig
from benchmarks.startup import STARTUP_RATIO, Startup

FIRST_PUSH_RATIO = 10.0
PULL_SPEEDUP = 4.0
PULL_RSS_LIMIT_MB = 200.0
TIMED_REPEATS = 3  # a start-up time from fewer runs is noise on a busy machine: printed, not judged
SCALE_RUNS = 50  # the ratios and request limits are targets for the documented size, not for a tiny smoke run
LEDGER_ROWS = 6


@dataclass(frozen=True)
class Measurements:
    """Everything one benchmark run measured, by client."""

    lms_first_push: PhaseResult
    lms_push_after_cron: PhaseResult
    """the push after Moodle's cron made the imported activities' events: it moves their dates and posts"""
    lms_repush: PhaseResult
    lms_repush_unbatched: PhaseResult
    lms_repush_unbatched_cold: PhaseResult
    """the same re-push with an empty observation cache (informational: no target)"""
    lms_pull: PhaseResult
    naive_first_push: PhaseResult
    naive_push_after_cron: PhaseResult
    naive_repush: PhaseResult
    naive_pull: PhaseResult

    def all(self) -> list[PhaseResult]:
        return [self.lms_first_push, self.lms_push_after_cron, self.lms_repush, self.lms_repush_unbatched,
                self.lms_repush_unbatched_cold, self.lms_pull,
                self.naive_first_push, self.naive_push_after_cron, self.naive_repush, self.naive_pull]


@dataclass(frozen=True)
class Target:
    passed: bool
    line: str
    measured: bool = True
    """False when the run is too small (or has no latency) for the target to mean anything: printed as SKIP"""

    @property
    def verdict(self) -> str:
        return "SKIP" if not self.measured else "PASS" if self.passed else "FAIL"


def verdict(results: list[Target]) -> int:
    """The benchmark's exit status: 1 when any measured target failed."""
    return 1 if any(t.measured and not t.passed for t in results) else 0


def _ratio(naive: float, lms: float) -> float:
    return naive / lms if lms else float("inf")


def _row(client: str, phase: PhaseResult) -> str:
    rss = f"{phase.peak_rss_mb:7.1f} MB" + ("" if phase.rss_scope == "phase" else " (process)")
    return (f"  {phase.name:<34} {client:<9} {phase.requests:>8} {phase.write_calls:>11} {phase.seconds:>9.2f} s"
            f" {rss}")


def table(m: Measurements) -> list[str]:
    lines = [f"  {'phase':<34} {'client':<9} {'requests':>8} {'write calls':>11} {'wall time':>11} {'peak RSS':>10}"]
    pairs = [(m.lms_first_push, m.naive_first_push), (m.lms_push_after_cron, m.naive_push_after_cron),
             (m.lms_repush, m.naive_repush), (m.lms_repush_unbatched, None), (m.lms_repush_unbatched_cold, None),
             (m.lms_pull, m.naive_pull)]
    for lms, naive in pairs:
        lines.append(_row("lms-sync", lms))
        if naive is not None:
            lines.append(_row("naive", naive))
    return lines


def ratios(m: Measurements) -> list[str]:
    lines = [f"  {'naive / lms-sync':<34} {'requests':>9} {'wall time':>10} {'peak RSS':>9}"]
    for lms, naive in ((m.lms_first_push, m.naive_first_push), (m.lms_push_after_cron, m.naive_push_after_cron),
                       (m.lms_repush, m.naive_repush), (m.lms_pull, m.naive_pull)):
        lines.append(f"  {lms.name:<34} {_ratio(naive.requests, lms.requests):>8.1f}× "
                     f"{_ratio(naive.seconds, lms.seconds):>9.1f}× {_ratio(naive.peak_rss_mb, lms.peak_rss_mb):>8.2f}×")
    return lines


def ledger(phase: PhaseResult, rows: int = LEDGER_ROWS) -> list[str]:
    """The functions that made most of a phase's HTTP requests (inner calls of batched reads in brackets)."""
    ranked = sorted(phase.calls.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    lines = [f"    {name:<52} {requests:>5}" + (f"  (+{inner} calls inside batches)" if inner else "")
             for name, (requests, inner) in ranked[:rows]]
    rest = sum(requests for _, (requests, _) in ranked[rows:])
    if rest:
        lines.append(f"    {'(other functions)':<52} {rest:>5}")
    return lines


def targets(m: Measurements, config: BenchConfig, startup: Startup) -> list[Target]:
    push_ratio = _ratio(m.naive_first_push.requests, m.lms_first_push.requests)
    batched_limit = 2 + config.runs // 10
    unbatched_limit = 2 + config.runs
    speedup = _ratio(m.naive_pull.seconds, m.lms_pull.seconds)
    largest = max(m.all(), key=lambda phase: phase.largest_request_fields)
    at_scale = config.runs >= SCALE_RUNS
    return [
        Target(push_ratio >= FIRST_PUSH_RATIO,
               f"first push needs ≥ {FIRST_PUSH_RATIO:g}× fewer requests than naive: {m.lms_first_push.requests} vs "
               f"{m.naive_first_push.requests} ({push_ratio:.1f}×)", at_scale),
        Target(m.lms_repush.write_calls == 0 and m.lms_repush_unbatched.write_calls == 0,
               f"no-op re-push makes 0 write calls: {m.lms_repush.write_calls} (batched reads), "
               f"{m.lms_repush_unbatched.write_calls} (batch_reads=False)"),
        Target(m.lms_repush.requests <= batched_limit,
               f"no-op re-push with tool_mobile_call_external_functions: {m.lms_repush.requests} requests "
               f"(limit 2 + {config.runs} ÷ 10 = {batched_limit})", at_scale),
        Target(m.lms_repush_unbatched.requests <= unbatched_limit,
               f"no-op re-push without it (batch_reads=False): {m.lms_repush_unbatched.requests} requests "
               f"(limit 2 + {config.runs} = {unbatched_limit})", at_scale),
        Target(speedup >= PULL_SPEEDUP,
               f"pull ≥ {PULL_SPEEDUP:g}× faster than the sequential naive pull at {config.latency * 1000:g} ms, "
               f"concurrency {config.concurrency}: {m.lms_pull.seconds:.2f} s vs {m.naive_pull.seconds:.2f} s "
               f"({speedup:.1f}×)", at_scale and config.latency > 0),
        Target(m.lms_pull.peak_rss_mb < PULL_RSS_LIMIT_MB,
               f"peak RSS of the {config.runs}-run pull < {PULL_RSS_LIMIT_MB:g} MB: {m.lms_pull.peak_rss_mb:.1f} MB"),
        Target(largest.largest_request_fields <= config.max_form_fields,
               f"every request ≤ max_form_fields = {config.max_form_fields} form fields: largest "
               f"{largest.largest_request_fields} ({largest.largest_request_function}, {largest.name})"),
        Target(startup.ratio <= STARTUP_RATIO, startup.line(), config.startup_repeats >= TIMED_REPEATS),
    ]

