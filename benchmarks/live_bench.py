"""`python benchmarks/live_bench.py`: lms-sync against a real Moodle — first push (and the same push one request at a
time on other runs), after cron the push that moves dates and posts, no-op re-push, pull; prints numbers and targets.

The site is the one `../shared/moodle/up.sh` starts (its LMS_SYNC_LIVE_MOODLE_* variables) or `--url`/`--token-file`
with `--moodle-dir` (setup and answers go through Moodle's PHP CLI, so it must run on the Moodle server). Every run
makes its own uniquely named runs, people and records, so it can run again on the same site. Exits 1 if a target fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a script from the repository root: import lms_sync, tests, benchmarks

from pydantic import SecretStr  # noqa: E402

from benchmarks.live_setup import ensure_blueprint, ensure_german, ensure_scale, seed_answers  # noqa: E402
from benchmarks.measure import peak_rss_mb, reset_peak_rss  # noqa: E402
from benchmarks.scenarios import progress  # noqa: E402
from benchmarks.startup import STARTUP_RATIO, measure_startup  # noqa: E402
from benchmarks.synthetic_catalogue import bundled_template, synthetic_runs  # noqa: E402
from lms_sync.competencies.framework import load_frameworks  # noqa: E402
from lms_sync.config import PushSettings  # noqa: E402
from lms_sync.moodle.client import MoodleClient  # noqa: E402
from lms_sync.pull import catalogue_people, pull_courses, run_targets  # noqa: E402
from lms_sync.push.apply import push  # noqa: E402
from lms_sync.push.desired import DesiredCourse, desired_course, desired_framework  # noqa: E402
from lms_sync.records.store import RecordsStore  # noqa: E402
from tests.live.site import LiveMoodle  # noqa: E402

IMPORT = "core_course_import_course"
PUSH_WALL_RATIO = 0.6
PULL_SPEEDUP = 3.0
NOOP_REQUESTS = 10
RESPONDENTS = 10


@dataclass
class Phase:
    name: str
    requests: int
    writes: int
    seconds: float
    import_seconds: float
    peak_rss_mb: float
    rss_scope: str


@dataclass
class LiveResult:
    tag: str
    runs: int
    phases: dict[str, Phase] = field(default_factory=dict)
    course_ids: dict[str, list[int]] = field(default_factory=dict)
    """"concurrent" / "sequential": the Moodle ids of each set's run courses"""
    targets: list[tuple[bool, str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.targets)


@dataclass(frozen=True)
class LiveConfig:
    runs: int = 50
    participants: int = 12
    url: str = ""
    token_file: Path = Path()
    moodle_dir: Path = Path()
    concurrency: int = 6
    import_concurrency: int = PushSettings().import_concurrency
    startup_repeats: int = 5


def _client(config: LiveConfig, *, sequential: bool) -> MoodleClient:
    token = SecretStr(config.token_file.read_text(encoding="utf-8").strip())
    return MoodleClient(config.url, token, read_timeout=600, concurrency=1 if sequential else config.concurrency,
                        batch_reads=not sequential)


def _measured(name: str, client: MoodleClient, work: Callable[[], Any]) -> Phase:
    progress(f"{name} …")
    before = client.ledger.snapshot()
    writes_before = client.ledger.write_calls()
    reset = reset_peak_rss()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    peak, scope = peak_rss_mb(reset)
    after = client.ledger.snapshot()
    requests = sum(e.requests for e in after.values()) - sum(e.requests for e in before.values())
    imports = after[IMPORT].seconds - (before[IMPORT].seconds if IMPORT in before else 0.0) if IMPORT in after else 0.0
    phase = Phase(name, requests, client.ledger.write_calls() - writes_before, seconds, imports, peak, scope)
    progress(f"{name}: {seconds:.1f} s, {requests} requests, {phase.writes} writes")
    return phase


class _LiveWorld:
    def __init__(self, config: LiveConfig, tag: str) -> None:
        self.config, self.tag = config, tag
        self.site = LiveMoodle(config.url, config.token_file, config.token_file, config.moodle_dir, pid=0)
        self.template = bundled_template()
        self.frameworks = load_frameworks(REPO / "course_templates" / "competencies")
        links = self.template.competencies
        assert links is not None, "the bundled template links competencies"
        framework = self.frameworks[str(links.framework)]
        progress("setup: German language pack, competency scale, blueprint course …")
        ensure_german(self.site)
        self.settings = PushSettings(create_missing_users=True,
                                     competency_scale_id=ensure_scale(self.site, framework.scale.levels),
                                     import_concurrency=config.import_concurrency)
        ensure_blueprint(self.site, self.template)

    def courses(self, label: str, runs: int) -> list[DesiredCourse]:
        frameworks = {idnumber: desired_framework(f, self.settings) for idnumber, f in self.frameworks.items()}
        return [desired_course(self.template, run, self.settings, frameworks=frameworks)
                for run in synthetic_runs(self.template, runs, self.config.participants, f"-{self.tag}{label}")]

    def push(self, client: MoodleClient, courses: list[DesiredCourse], *, sequential: bool = False) -> None:
        settings = self.settings.model_copy(update={"import_concurrency": 0}) if sequential else self.settings
        report = push(client, courses, settings)
        if report.failures:
            raise RuntimeError(f"push failed: {report.failures}")

    def cron(self) -> None:
        """Moodle's adhoc tasks, as its cron runs them: the imports' refresh_mod_calendar_events_task."""
        tasks = self.site.admin_cli("adhoc_task.php", "--execute")
        if tasks.returncode != 0:
            raise RuntimeError(f"adhoc_task.php failed: {tasks.stdout[-500:]} {tasks.stderr[-500:]}")

    def pull(self, client: MoodleClient, courses: list[DesiredCourse], records: Path) -> None:
        with RecordsStore.open(f"sqlite:///{records}") as store:
            report = pull_courses(client, store, run_targets(courses), catalogue_courses=courses,
                                  people=catalogue_people(courses))
        if report.aborted is not None or report.failed:
            raise RuntimeError(f"pull failed: {report.aborted or report.failed}")

    def course_ids(self, courses: list[DesiredCourse]) -> list[int]:
        rows = self.site.records("SELECT id, idnumber FROM {course} WHERE idnumber LIKE :prefix",
                                 {"prefix": f"{self.settings.idnumber_prefix}bench-{self.tag}%"})
        wanted = {course.idnumber for course in courses}
        return sorted(int(row["id"]) for row in rows if row["idnumber"] in wanted)


def run_benchmark(config: LiveConfig) -> LiveResult:
    """Setup (not measured) and one warm-up run (categories, framework), then the seven measured phases."""
    tag = uuid.uuid4().hex[:6]
    world = _LiveWorld(config, tag)
    result = LiveResult(tag, config.runs)
    concurrent, sequential = world.courses("c", config.runs), world.courses("s", config.runs)
    progress("setup: a warm-up push of one run (categories, competency framework, scale check) …")
    world.push(_client(config, sequential=False), world.courses("w", 1))
    one_at_a_time = _client(config, sequential=True)
    result.phases["sequential push"] = _measured(
        "first push, one request at a time", one_at_a_time,
        lambda: world.push(one_at_a_time, sequential, sequential=True))
    client = _client(config, sequential=False)
    result.phases["first push"] = _measured("first push", client, lambda: world.push(client, concurrent))
    progress("setup: Moodle's cron makes the imported activities' calendar events …")
    world.cron()
    result.phases["sequential push after cron"] = _measured(
        "after cron, one request at a time", one_at_a_time,
        lambda: world.push(one_at_a_time, sequential, sequential=True))
    result.phases["push after cron"] = _measured("after cron (dates, welcome posts)", client,
                                                 lambda: world.push(client, concurrent))
    result.phases["no-op re-push"] = _measured("no-op re-push", client, lambda: world.push(client, concurrent))
    result.course_ids = {"concurrent": world.course_ids(concurrent), "sequential": world.course_ids(sequential)}
    progress("setup: participants answer the evaluation (Moodle's feedback API) …")
    seed_answers(world.site, result.course_ids["concurrent"], RESPONDENTS)
    with tempfile.TemporaryDirectory(prefix="lms-sync-live-bench-") as folder:
        result.phases["pull"] = _measured("pull", client, lambda: world.pull(client, concurrent, Path(folder) / "a.db"))
        result.phases["sequential pull"] = _measured(
            "pull, one request at a time", one_at_a_time,
            lambda: world.pull(one_at_a_time, concurrent, Path(folder) / "b.db"))
    progress("start-up of lms-sync --help / --version …")
    result.targets = _targets(result, measure_startup(config.startup_repeats).ratio)
    return result


def _targets(result: LiveResult, startup_ratio: float) -> list[tuple[bool, str]]:
    p = result.phases
    first, sequential, noop = p["first push"], p["sequential push"], p["no-op re-push"]
    pull, slow_pull = p["pull"], p["sequential pull"]
    request_limit = 2 * result.runs + 20
    speedup = slow_pull.seconds / pull.seconds if pull.seconds else float("inf")
    return [
        (first.seconds <= PUSH_WALL_RATIO * sequential.seconds,
         f"first push wall ≤ {PUSH_WALL_RATIO:g} × one request at a time: {first.seconds:.1f} s vs "
         f"{sequential.seconds:.1f} s ({first.seconds / sequential.seconds:.2f}×)"),
        (first.requests <= request_limit,
         f"first push requests ≤ 2 × {result.runs} runs + 20 = {request_limit}: {first.requests}"),
        (noop.writes == 0 and noop.requests <= NOOP_REQUESTS,
         f"no-op re-push: 0 writes and ≤ {NOOP_REQUESTS} requests: {noop.writes} writes, {noop.requests} requests"),
        (speedup >= PULL_SPEEDUP,
         f"pull ≥ {PULL_SPEEDUP:g}× faster than one request at a time: {pull.seconds:.1f} s vs "
         f"{slow_pull.seconds:.1f} s ({speedup:.1f}×)"),
        (startup_ratio <= STARTUP_RATIO, f"`lms-sync --help` ≤ {STARTUP_RATIO:g}× `python -c pass`: {startup_ratio:.1f}×"),
    ]


def report(result: LiveResult, config: LiveConfig) -> list[str]:
    lines = [f"lms-sync live benchmark: {result.runs} runs × {config.participants} participants + 2 trainers on "
             f"{config.url} (runs tagged {result.tag}); concurrency {config.concurrency}, import_concurrency "
             f"{config.import_concurrency}; one request at a time: concurrency 1, no batches, import_concurrency 0",
             "",
             f"  {'phase':<34} {'requests':>8} {'writes':>7} {'wall time':>10} {'in imports':>11} {'peak RSS':>9}"]
    for phase in result.phases.values():
        rss = f"{phase.peak_rss_mb:6.1f} MB" + ("" if phase.rss_scope == "phase" else " (process)")
        lines.append(f"  {phase.name:<34} {phase.requests:>8} {phase.writes:>7} {phase.seconds:>8.1f} s "
                     f"{phase.import_seconds:>9.1f} s {rss}")
    lines += ["", "targets:"] + [f"  {'PASS' if ok else 'FAIL'} {line}" for ok, line in result.targets]
    return lines


def parse_config(argv: list[str] | None = None) -> LiveConfig:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="workshop runs per measured push (default 50)")
    parser.add_argument("--participants", type=int, default=12, help="participants per run, plus 2 trainers (12)")
    parser.add_argument("--url", default=env("LMS_SYNC_LIVE_MOODLE_URL"), help="the site (LMS_SYNC_LIVE_MOODLE_URL)")
    parser.add_argument("--token-file", type=Path, default=env("LMS_SYNC_LIVE_MOODLE_TOKEN_FILE"),
                        help="a site administrator's token (LMS_SYNC_LIVE_MOODLE_TOKEN_FILE)")
    parser.add_argument("--moodle-dir", type=Path, default=env("LMS_SYNC_LIVE_MOODLE_DIR"),
                        help="Moodle's code on this machine, for its PHP CLI (LMS_SYNC_LIVE_MOODLE_DIR)")
    parser.add_argument("--import-concurrency", type=int, default=PushSettings().import_concurrency,
                        help="push.import_concurrency of the measured first push")
    parser.add_argument("--startup-repeats", type=int, default=5, help="fresh processes per start-up measurement")
    args = parser.parse_args(argv)
    missing = [name for name in ("url", "token_file", "moodle_dir") if not getattr(args, name)]
    if missing:
        parser.error(f"no live Moodle: give {', '.join('--' + m.replace('_', '-') for m in missing)} "
                     '(or eval "$(bash ../shared/moodle/up.sh)")')
    if args.runs < 1 or args.participants < 1 or args.import_concurrency < 0 or args.startup_repeats < 1:
        parser.error("--runs, --participants and --startup-repeats must be at least 1, --import-concurrency at least 0")
    return LiveConfig(runs=args.runs, participants=args.participants, url=args.url.rstrip("/"),
                      token_file=args.token_file, moodle_dir=args.moodle_dir,
                      import_concurrency=args.import_concurrency, startup_repeats=args.startup_repeats)


def main(argv: list[str] | None = None) -> int:
    config = parse_config(argv)
    started = time.perf_counter()
    result = run_benchmark(config)
    print("\n".join(report(result, config)))
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
