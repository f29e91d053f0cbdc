"""The fake Moodle agrees with the real one: one scenario (push, cron, push, re-push, pull) against both, compared by what
lms-sync sees — push's reports, what it observes afterwards, a re-push, pull's report — with ids, times and costs left out."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr
from pytest_httpx import HTTPXMock

from lms_sync.cli import main
from lms_sync.config import load_settings
from lms_sync.moodle.api import competencies, people
from lms_sync.moodle.api.calls import Call
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleError
from lms_sync.push.observe import observe
from lms_sync.push.observed import ObservedSite
from lms_sync.workspace import load_workspace
from tests.fake_moodle import FakeMoodle
from tests.fake_moodle.restore import restore_backup
from tests.live.site import LiveMoodle
from tests.live.world import Templates, write_catalogue, write_config

FAKE_URL = "https://moodle.test"
pytestmark = pytest.mark.httpx_mock(should_mock=lambda request: request.url.host == "moodle.test")


def run_cli(config: Path, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def observation(config: Path) -> dict[str, Any]:
    """What push observes of the catalogue's courses, ids replaced by the names they stand for."""
    settings = load_settings(config)
    courses = load_workspace(settings).courses
    with MoodleClient.from_settings(settings) as client:
        site = observe(client, courses, all_groups=True)
    return {course.idnumber: _course_seen(site, course.idnumber) for course in courses}


def _course_seen(site: ObservedSite, idnumber: str) -> dict[str, Any] | None:
    course = site.courses.get(idnumber)
    if course is None:
        return None
    email = {user.id: address for address, users in site.users_by_email.items() for user in users}
    category = {c.id: c.name for c in site.categories}
    return {
        "course": (course.course.shortname, course.course.fullname, course.course.summary, course.course.startdate,
                   course.course.enddate, category.get(course.course.categoryid)),
        "sections": sorted((s.number, s.name) for s in course.sections),
        "modules": sorted((m.modname, m.name, m.section) for m in course.content_modules()),
        "roles": sorted((email.get(user, str(user)), sorted(roles)) for user, roles in course.active_roles.items()),
        "groups": sorted((g.name, g.idnumber, sorted(email.get(m, str(m)) for m in course.group_members.get(g.id, ())))
                         for g in course.groups.values()),
        "events": sorted((e.name, e.timestart, e.timeduration, e.userid == site.ws_userid) for e in course.events),
        "announcements": (course.news_forum_id is not None, len(course.news_forum_cmids), course.news_forum_discussions,
                          sorted(course.post_subjects)),
    }


def _is_id_or_time(column: str) -> bool:
    return column == "id" or column.endswith(("_id", "_at", "id")) or "time" in column


def scenario(config: Path, cron: Callable[[], None]) -> dict[str, Any]:
    first = run_cli(config, "push", "--json")
    cron()  # the imported activities' calendar events: the next push moves their dates, then posts the welcome post
    dated = run_cli(config, "push", "--json")
    seen = observation(config)
    again = run_cli(config, "push", "--json")
    pulled = run_cli(config, "pull", "--all", "--json")
    return {"push": (first["applied"], first["failures"]), "after cron": (dated["applied"], dated["failures"]),
            "observed": seen, "re-push": (again["applied"], again["failures"]), "pull": _without_ids_and_cost(pulled)}


def live_cron(live: LiveMoodle) -> None:
    tasks = live.admin_cli("adhoc_task.php", "--execute")
    assert tasks.returncode == 0, tasks.stdout + tasks.stderr


def _without_ids_and_cost(value: Any) -> Any:
    """A report without Moodle's ids and what the reading cost (requests, seconds), which are the site's own."""
    if isinstance(value, dict):
        return {k: _without_ids_and_cost(v) for k, v in value.items()
                if k not in ("seconds", "requests", "retries") and not _is_id_or_time(k)}
    if isinstance(value, list):
        return [_without_ids_and_cost(v) for v in value]
    return value


def mirror_categories(live: LiveMoodle, fake: FakeMoodle, top: str) -> None:
    """Give the fake the categories under `top` that other tests of this session already made on the live site."""
    fake_id: dict[int, int] = {0: 0}
    for row in live.records("SELECT c.id, c.name, c.idnumber, c.parent FROM {course_categories} c "
                            "JOIN {course_categories} t ON c.path LIKE CONCAT(t.path, '%') WHERE t.name = :top "
                            "ORDER BY c.depth", {"top": top}):
        fake_id[int(row["id"])] = fake.add_category(row["name"], row["idnumber"], fake_id[int(row["parent"])]).id


def test_one_scenario_looks_the_same_on_the_fake_and_on_the_real_moodle(
        live_moodle: LiveMoodle, live_templates: Templates, unique: str, tmp_path: Path, httpx_mock: HTTPXMock) -> None:
    fake = FakeMoodle("5.0", url=FAKE_URL)
    httpx_mock.add_callback(fake, is_reusable=True, is_optional=True)
    mirror_categories(live_moodle, fake, f"Live {live_templates.tag}")
    blueprint = restore_backup(fake, (live_templates.dir.parent / "blueprint.mbz").read_bytes())
    blueprint.idnumber = live_templates.blueprint_idnumber  # as the live fixture adopts its restored blueprint
    (token_file := tmp_path / "fake-token").write_text(fake.token, encoding="utf-8")
    catalogue = write_catalogue(tmp_path, f"diff-{unique}")
    on_fake = write_config(tmp_path / "fake", FAKE_URL, token_file, catalogue, live_templates)
    on_live = write_config(tmp_path / "live", live_moodle.url, live_moodle.token_file, catalogue, live_templates)

    expected, actual = scenario(on_fake, fake.run_cron), scenario(on_live, lambda: live_cron(live_moodle))
    assert actual["push"] == expected["push"]
    assert actual["after cron"] == expected["after cron"]
    assert expected["after cron"][0]["mod_forum_add_discussion"] == 1
    assert actual["observed"] == expected["observed"]
    assert actual["re-push"] == expected["re-push"] == ({}, {})
    assert actual["pull"] == expected["pull"]


@pytest.mark.parametrize("call", [
    pytest.param(lambda tag, me: people.users_matching_email(f"nobody-{tag}@example.org"), id="core_user_get_users"),
    pytest.param(lambda tag, me: competencies.frameworks_matching(f"none-{tag}"),
                 id="core_competency_list_competency_frameworks"),
    pytest.param(lambda tag, me: competencies.competencies_of(987_654), id="core_competency_list_competencies"),
    pytest.param(lambda tag, me: competencies.user_plans(me), id="core_competency_list_user_plans"),
])
def test_reads_the_scenario_does_not_make_answer_alike(live_moodle: LiveMoodle, unique: str,
                                                       call: Callable[[str, int], Call]) -> None:
    """Reads lms-sync makes only on other paths, called live with harmless arguments: the same answer (or errorcode)
    as the fake's."""
    fake = FakeMoodle("5.0", url=FAKE_URL)
    answers = []
    for client in (MoodleClient(FAKE_URL, SecretStr(fake.token), transport=httpx.MockTransport(fake)),
                   MoodleClient(live_moodle.url, SecretStr(live_moodle.token))):
        with client:
            wsfunction, params = call(unique, int(client.site_info()["userid"]))
            try:
                answers.append(client.call(wsfunction, **params))
            except MoodleError as error:
                answers.append(error.errorcode)
    assert answers[1] == answers[0]
