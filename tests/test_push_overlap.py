"""Push overlaps independent work: blueprint imports run `push.import_concurrency` at a time beside enrolments, groups
and competency links; links and welcome posts go into batches. Neither costs idempotence or crash safety."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from lms_sync.moodle.functions import BATCH_FUNCTION
from tests.fake_moodle import FakeMoodle
from tests.test_push_e2e import run_cli, state, world  # noqa: F401  (world is a fixture)

IMPORT = "core_course_import_course"
ACTIVITIES = {"assign": 1, "forum": 2, "feedback": 1}  # the blueprint's three, plus the announcements forum


class InFlight:
    """Counts the requests the fake is answering at once, per function, and what ran while an import did."""

    def __init__(self, import_seconds: float = 0.0) -> None:
        self.import_seconds = import_seconds
        """an import takes this long on top of the fake's latency (seconds on a real Moodle)"""
        self.now: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.beside_imports: set[str] = set()
        self._lock = threading.Lock()

    def track(self, monkeypatch: pytest.MonkeyPatch) -> None:
        answer = FakeMoodle.__call__

        def tracked(fake: FakeMoodle, request: httpx.Request) -> httpx.Response:
            name = parse_qs(request.content.decode("utf-8"))["wsfunction"][0]
            with self._lock:
                self.now[name] += 1
                self.peak[name] = max(self.peak[name], self.now[name])
                if self.now[IMPORT] and name != IMPORT:
                    self.beside_imports.add(name)
            try:
                if name == IMPORT:
                    time.sleep(self.import_seconds)
                return answer(fake, request)
            finally:
                with self._lock:
                    self.now[name] -= 1

        monkeypatch.setattr(FakeMoodle, "__call__", tracked)


def _with_push_setting(config: Path, line: str) -> None:
    config.write_text(config.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")  # [push] is the last table


def _each_course_has_the_blueprint_once(fake: FakeMoodle) -> None:
    courses = {key: value for key, value in state(fake).items() if key.startswith("lms-sync-")}
    assert len(courses) == 3
    assert all(dict(course["modules"]) == ACTIVITIES for course in courses.values()), courses  # type: ignore[index]


def test_imports_run_two_at_a_time_beside_the_other_writes(world, monkeypatch) -> None:  # noqa: F811
    fake, config = world
    _with_push_setting(config, "import_concurrency = 2")
    fake.latency = 0.02  # waits overlap, answers do not: the fake answers one request at a time
    flight = InFlight(import_seconds=0.4)
    flight.track(monkeypatch)
    assert run_cli(config, "push").exit_code == 0
    assert flight.peak[IMPORT] == 2 and fake.calls[IMPORT] == 3
    assert {"enrol_manual_enrol_users", "core_group_create_groups"} <= flight.beside_imports
    _each_course_has_the_blueprint_once(fake)
    fake.reset_counters()
    assert run_cli(config, "push").exit_code == 0 and fake.write_calls() == 0


def test_import_concurrency_0_sends_one_request_at_a_time(world, monkeypatch) -> None:  # noqa: F811
    fake, config = world
    _with_push_setting(config, "import_concurrency = 0")
    fake.latency = 0.02
    flight = InFlight()
    flight.track(monkeypatch)
    assert run_cli(config, "push").exit_code == 0
    assert flight.peak[IMPORT] == 1 and not flight.beside_imports
    _each_course_has_the_blueprint_once(fake)


def test_an_import_whose_answer_is_lost_stops_the_push_and_the_rerun_imports_nothing_twice(world) -> None:  # noqa: F811
    fake, config = world
    fake.inject("timeout", wsfunction=IMPORT)  # imported, but the answer is lost
    failed = run_cli(config, "push")
    assert failed.exit_code != 0 and "Traceback" not in failed.output
    assert run_cli(config, "push").exit_code == 0
    assert fake.calls[IMPORT] == 3  # the lost one is never sent again: the re-run sees its activities
    _each_course_has_the_blueprint_once(fake)


def _batched(fake: FakeMoodle) -> list[list[str]]:
    return [[r["function"] for r in params["requests"]] for name, params in fake.requests if name == BATCH_FUNCTION]


def _pushed_after_cron(fake: FakeMoodle, config: Path) -> None:
    """The push after Moodle's cron made the activities' events: it moves their dates and posts the welcome posts."""
    fake.run_cron()
    assert run_cli(config, "push").exit_code == 0


def test_competency_links_and_welcome_posts_go_into_batches(world) -> None:  # noqa: F811
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    assert ["core_competency_add_competency_to_course"] * 18 in _batched(fake)
    _pushed_after_cron(fake, config)
    assert ["mod_forum_add_discussion"] * 3 in _batched(fake)
    assert not {"core_competency_add_competency_to_course", "mod_forum_add_discussion"} & {
        name for name, _ in fake.requests}


def test_without_the_batch_function_links_and_posts_are_single_calls(world) -> None:  # noqa: F811
    fake, config = world
    fake.allowed_functions -= {BATCH_FUNCTION}
    assert run_cli(config, "push").exit_code == 0
    _pushed_after_cron(fake, config)
    singles = Counter(name for name, _ in fake.requests)
    assert (singles["core_competency_add_competency_to_course"], singles["mod_forum_add_discussion"]) == (18, 3)
    _each_course_has_the_blueprint_once(fake)


def test_a_batch_of_welcome_posts_whose_answer_is_lost_is_not_sent_again(world) -> None:  # noqa: F811
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    fake.run_cron()
    fake.inject("timeout", wsfunction="mod_forum_add_discussion")  # the batch was applied, its answer lost
    assert run_cli(config, "push").exit_code != 0
    assert run_cli(config, "push").exit_code == 0
    posts = [course["posts"] for key, course in state(fake).items() if key.startswith("lms-sync-")]
    assert posts and all(len(p) == 1 for p in posts), posts  # type: ignore[arg-type]
