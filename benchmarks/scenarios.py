"""The benchmark's scenarios, each on its own fake Moodle: lms-sync's first push, push after cron, no-op re-pushes and
pull, and the naive client's pushes, re-push and pull. Each returns its measured phases and the end state it left.

Preparation (seeding, Moodle's cron, and the pushes a re-push or pull starts from) runs without latency and is not
measured.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from benchmarks.bench_site import new_site, pushed_state, seed_responses
from benchmarks.measure import FormFieldGuard, PhaseResult, client_for, guarded_transport, measure
from benchmarks.naive_client import NaiveClient
from benchmarks.synthetic_catalogue import bundled_template, synthetic_courses
from lms_sync.config import PushSettings
from lms_sync.moodle.client import MoodleClient
from lms_sync.pull import DEFAULT_PAGE_SIZE, catalogue_people, pull_courses, run_targets
from lms_sync.push.apply import push
from lms_sync.push.desired import DesiredCourse
from lms_sync.records.observation_cache import ObservationCache
from lms_sync.records.queries import CourseEvaluation, CourseRoles
from lms_sync.records.store import RecordsStore
from tests.fake_moodle import FakeMoodle


@dataclass(frozen=True)
class BenchConfig:
    runs: int = 50
    participants: int = 12
    latency: float = 0.030
    """seconds the fake Moodle waits before answering each HTTP request"""
    concurrency: int = 6
    max_form_fields: int = 4000
    respondents: int = 10
    """named and anonymous answers per run course"""
    page_size: int = DEFAULT_PAGE_SIZE
    startup_repeats: int = 5
    """fresh processes per start-up measurement (`lms-sync --help`), the fastest counts"""


def progress(message: str) -> None:
    """One line on stderr, so a long benchmark says which phase it is in (the results go to stdout at the end)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class ScenarioOutcome:
    phases: list[PhaseResult]
    pushed_state: dict[str, Any] = field(default_factory=dict)
    records: tuple[list[Any], list[Any]] | None = None
    """(participation rows, evaluation data) as the records store reports them after the pull"""


class _World:
    """One fake Moodle with the synthetic catalogue, and clients for it that all pass the form-field guard."""

    def __init__(self, config: BenchConfig, who: str) -> None:
        self.config, self.who = config, who
        self.settings = PushSettings()
        self.courses: list[DesiredCourse] = synthetic_courses(config.runs, config.participants, self.settings)
        self.fake: FakeMoodle = new_site(bundled_template(), self.courses)
        self.guard: FormFieldGuard = guarded_transport(self.fake)

    def client(self, **overrides: Any) -> MoodleClient:
        options: dict[str, Any] = {"concurrency": self.config.concurrency,
                                   "max_form_fields": self.config.max_form_fields} | overrides
        return client_for(self.fake, self.guard, **options)

    def naive(self) -> NaiveClient:
        return NaiveClient(self.client(), self.settings, page_size=self.config.page_size)

    def measured(self, name: str, client: MoodleClient, work: Callable[[], Any]) -> tuple[PhaseResult, Any]:
        self.fake.latency = self.config.latency
        progress(f"{self.who}: {name} …")
        try:
            result = measure(name, self.fake, client, self.guard, work)
        finally:
            self.fake.latency = 0.0
        progress(f"{self.who}: {name} done in {result[0].seconds:.1f} s, {result[0].requests} requests")
        return result

    def lms_push(self, client: MoodleClient, cache: ObservationCache | None = None) -> None:
        report = push(client, self.courses, self.settings, cache=cache)
        if report.failures:
            raise RuntimeError(f"lms-sync push failed: {report.failures}")

    def lms_pull(self, client: MoodleClient, store: RecordsStore) -> None:
        report = pull_courses(client, store, run_targets(self.courses), catalogue_courses=self.courses,
                              people=catalogue_people(self.courses), page_size=self.config.page_size)
        if report.aborted is not None or report.failed:
            raise RuntimeError(f"lms-sync pull failed: {report.aborted or report.failed}")

    def cron(self) -> None:
        """Moodle's cron after the imports: the activities' calendar events, which the next push moves (not timed)."""
        progress(f"{self.who}: Moodle's cron makes the imported activities' calendar events …")
        self.fake.run_cron()

    def prepare_pull(self) -> None:
        """The state both pulls start from: lms-sync's pushes before and after cron (same ids on both fakes), then
        answers and completion."""
        progress(f"{self.who}: preparing the pull (lms-sync's pushes and the answers, no latency) …")
        self.lms_push(self.client())
        self.cron()
        self.lms_push(self.client())
        seed_responses(self.fake, self.courses, self.config.respondents)

    def state(self) -> dict[str, Any]:
        return pushed_state(self.fake, self.settings.idnumber_prefix)


def _records(store: RecordsStore) -> tuple[list[Any], list[Any]]:
    push = PushSettings()  # the role ids both pushes enrol with
    roles = CourseRoles.enrolled_by(push.student_role_id, push.teacher_role_id)
    return store.participation(roles), [_by_position(evaluation) for evaluation in store.evaluation_data(roles)]


def _by_position(evaluation: CourseEvaluation) -> CourseEvaluation:
    """The evaluation with its items known by position: Moodle numbers the items of concurrent imports in whichever
    order the imports finish, so their ids differ between two equal pushes."""
    position = {item.moodle_item_id: item.position for item in evaluation.items}
    return replace(evaluation, items=tuple(replace(item, moodle_item_id=0) for item in evaluation.items),
                   responses=tuple(replace(response, answers={position[item_id]: answer
                                                              for item_id, answer in response.answers.items()})
                                   for response in evaluation.responses))


def lms_sync_scenario(config: BenchConfig, records_dir: Path) -> ScenarioOutcome:
    """First push, Moodle's cron, the push that moves the dates and posts, no-op re-push (batched reads, then without
    the batch function, then that again with an empty observation cache, as on a new machine), pull — one fake and one
    records database throughout."""
    world = _World(config, "lms-sync")
    with RecordsStore.open(f"sqlite:///{records_dir / 'lms-sync.db'}") as store:
        cache = ObservationCache(store.engine, world.fake.url)
        first, _ = world.measured("first push", client := world.client(), lambda: world.lms_push(client, cache))
        world.cron()
        dated, _ = world.measured("push after cron", client := world.client(), lambda: world.lms_push(client, cache))
        state = world.state()
        again, _ = world.measured("no-op re-push", client := world.client(), lambda: world.lms_push(client, cache))
        unbatched, _ = world.measured("no-op re-push, batch_reads=False", client := world.client(batch_reads=False),
                                      lambda: world.lms_push(client, cache))
        with RecordsStore.open(f"sqlite:///{records_dir / 'new-machine.db'}") as empty:
            cold, _ = world.measured("no-op re-push, unbatched, no cache", client := world.client(batch_reads=False),
                                     lambda: world.lms_push(client, ObservationCache(empty.engine, world.fake.url)))
        progress("lms-sync: seeding the answers …")
        seed_responses(world.fake, world.courses, config.respondents)
        pulled, _ = world.measured("pull", client := world.client(), lambda: world.lms_pull(client, store))
        records = _records(store)
    return ScenarioOutcome([first, dated, again, unbatched, cold, pulled], state, records)


def naive_push_scenario(config: BenchConfig) -> ScenarioOutcome:
    """The naive client's first push, Moodle's cron, and its push that moves the dates and posts."""
    world = _World(config, "naive")
    result, _ = world.measured("first push", (naive := world.naive()).client, lambda: naive.push(world.courses))
    world.cron()
    dated, _ = world.measured("push after cron", (naive := world.naive()).client, lambda: naive.push(world.courses))
    return ScenarioOutcome([result, dated], world.state())


def naive_repush_scenario(config: BenchConfig) -> ScenarioOutcome:
    """The naive client's re-push of an unchanged catalogue, over the state its own pushes before and after cron left."""
    world = _World(config, "naive")
    progress("naive: preparing its re-push (its own pushes before and after cron, no latency) …")
    world.naive().push(world.courses)
    world.cron()
    world.naive().push(world.courses)
    result, _ = world.measured("no-op re-push", (naive := world.naive()).client, lambda: naive.push(world.courses))
    return ScenarioOutcome([result], world.state())


def naive_pull_scenario(config: BenchConfig, records_dir: Path) -> ScenarioOutcome:
    world = _World(config, "naive")
    world.prepare_pull()
    with RecordsStore.open(f"sqlite:///{records_dir / 'naive.db'}") as store:
        naive = world.naive()
        people = catalogue_people(world.courses)
        result, _ = world.measured("pull", naive.client, lambda: naive.pull(store, world.courses, people))
        records = _records(store)
    return ScenarioOutcome([result], records=records)
