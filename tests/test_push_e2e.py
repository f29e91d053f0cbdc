"""`lms-sync push` end to end through the CLI against the fake Moodle: first push, idempotent re-push, drift,
crash-and-resume at every call index, bad input, a missing blueprint and a refused course."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from lms_sync.catalogue import load_catalogue
from lms_sync.cli import main
from lms_sync.competencies.framework import load_framework
from lms_sync.moodle.encoding import count_fields
from lms_sync.push import apply as push_module
from lms_sync.records.store import RecordsStore
from tests.competency_helpers import site_with_framework_scale
from tests.crash_replay import SHARDS, CrashReplay
from tests.fake_moodle import FakeMoodle
from tests.fake_moodle.state import Forum

REPO = Path(__file__).resolve().parents[1]
BLUEPRINT_IDNUMBER = "blueprint-kommune-zivilgesellschaft-v1"
SECTIONS = ["Willkommen", "Ankommen & Erwartungen", "Akteure, Motivationen und Rollen", "Vertrauen aufbauen und sichern",
            "Konflikte bearbeiten", "Repräsentative Demokratie & Transfer in den Verwaltungsalltag",
            "Evaluation & Kompetenzberatung"]
_BERLIN = ZoneInfo("Europe/Berlin")
PLACEHOLDER_DUE = int(datetime(2099, 1, 4, 23, 59, tzinfo=_BERLIN).timestamp())
PLACEHOLDER_OPEN = int(datetime(2099, 1, 4, 18, 0, tzinfo=_BERLIN).timestamp())
PLACEHOLDER_CLOSE = int(datetime(2099, 1, 18, 23, 59, tzinfo=_BERLIN).timestamp())


def seed_blueprint(fake: FakeMoodle) -> int:
    category = fake.add_category("Blueprints", idnumber="blueprints")
    course = fake.add_course("Blueprint: Kommunalverwaltung und Zivilgesellschaft (v1)", "BP-KVZ-v1",
                             category=category.id, idnumber=BLUEPRINT_IDNUMBER, news_forum=False,
                             section_names=SECTIONS[1:])
    # The blueprint's dates lie on its placeholder day, 4 January 2099, at the template's times of day (Berlin).
    fake.add_assign(course.id, "Akteurslandkarte meiner Kommune", section=2, duedate=PLACEHOLDER_DUE)
    fake.add_module(course.id, "forum", "Fallklinik: Konflikte aus der Praxis", section=4, kind=Forum, groupmode=1)
    fake.add_feedback(course.id, "Evaluation des Workshops", anonymous=False, section=6,
                      items=[{"typ": "textarea", "name": "Was nehmen Sie mit?", "label": "mitnehmen",
                              "presentation": "60|5"}], timeopen=PLACEHOLDER_OPEN, timeclose=PLACEHOLDER_CLOSE)
    return course.id


def seed_competency_scale(fake: FakeMoodle) -> int:
    """The framework's 4-level scale, which an admin creates once before the first push (see README)."""
    framework = load_framework(REPO / "course_templates" / "competencies" / "bip-kompetenzen-beteiligung.toml")
    return site_with_framework_scale(fake, framework)


def write_config(fake: FakeMoodle, tmp_path: Path, catalogue: Path, scale_id: int, extra: str = "") -> Path:
    token_file = tmp_path / "token"
    token_file.write_text(fake.token, encoding="utf-8")
    token_file.chmod(0o600)
    config = tmp_path / "lms-sync.toml"
    config.write_text(
        f'[moodle]\nurl = "{fake.url}"\ntoken_file = "{token_file}"\nretries = 0\n{extra}\n'
        f'[catalogue]\npath = "{catalogue}"\ntemplates_dir = "{REPO / "course_templates"}"\n\n'
        f'[records]\nurl = "sqlite:///{tmp_path / "records.db"}"\n\n'
        f'[push]\ncompetency_scale_id = {scale_id}\n',
        encoding="utf-8")
    return config


def seed_accounts(fake: FakeMoodle, catalogue: Path) -> None:
    seen = set()
    for run in load_catalogue(catalogue).runs:
        for person in (*run.trainers, *run.participants):
            if person.email not in seen:
                seen.add(person.email)
                fake.add_user(person.email.split("@")[0].replace(".", "-"), person.firstname, person.lastname,
                              person.email)


@pytest.fixture
def world(fake_moodle: FakeMoodle, catalogue: Path, tmp_path: Path) -> tuple[FakeMoodle, Path]:
    """The fake with the restored blueprint and every catalogue person's account; a config pointing at both."""
    seed_blueprint(fake_moodle)
    seed_accounts(fake_moodle, catalogue)
    return fake_moodle, write_config(fake_moodle, tmp_path, catalogue, seed_competency_scale(fake_moodle))


def run_cli(config: Path, *args: str):
    return CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)


def state(fake: FakeMoodle) -> dict[str, object]:
    """What a person would check in Moodle after a push, by stable names (not by ids that differ between runs)."""
    site = fake.site
    result: dict[str, object] = {}
    users = {u.id: u.email for u in site.users.values()}
    for course in site.courses.values():
        if not course.idnumber.startswith("lms-sync-"):
            continue
        instances = {(cm.modname, site.instances[cm.modname][cm.instance].name)
                     for cm in site.cms.values() if cm.course == course.id}
        modules = Counter(cm.modname for cm in site.cms.values() if cm.course == course.id)
        sections = sorted((s.section, s.name) for s in site.sections.values() if s.course == course.id)
        enrolled = sorted((users[u], r) for c, u, r in site.role_assignments if c == course.id)
        suspended = sorted(users[ue.userid] for ue in site.user_enrolments.values()
                           if site.enrol_instances[ue.enrolid].courseid == course.id and ue.status == 1)
        groups = sorted((g.idnumber, g.name, tuple(sorted(users[m] for m in g.members)))
                        for g in site.groups.values() if g.courseid == course.id)
        events = sorted((e.name, e.timestart, e.timeduration) for e in site.events.values() if e.courseid == course.id)
        forums = {f.id for f in site.instances["forum"].values() if f.course == course.id}
        posts = sorted(d.name for d in site.discussions.values() if d.forum in forums)
        result[course.idnumber] = {
            "names": (course.fullname, course.shortname, course.startdate, course.enddate),
            "modules": sorted(modules.items()), "instances": sorted(instances), "sections": sections,
            "enrolled": enrolled, "suspended": suspended, "groups": groups, "events": events, "posts": posts,
        }
    result["categories"] = sorted((c.name, c.idnumber) for c in site.categories.values())
    result["users"] = len(site.users)
    return result


@pytest.mark.parametrize("moodle_version", ["4.5", "5.0"])
def test_first_push_builds_every_run_and_a_second_push_writes_nothing(world):
    fake, config = world
    first = run_cli(config, "push")
    assert first.exit_code == 0, first.output
    after = state(fake)
    course = after["lms-sync-kvz-2027-01"]
    assert course["names"][1] == "KVZ-kvz-2027-01"
    assert dict(course["modules"]) == {"assign": 1, "forum": 2, "feedback": 1}  # one announcements forum only
    assert [name for _, name in course["sections"]] == SECTIONS
    assert ("j.hartmann@partizipation.example.org", 3) in course["enrolled"]
    assert len([1 for _, role in course["enrolled"] if role == 5]) == 11
    assert [len(members) for *_, members in course["groups"]] == [6, 5]
    assert len(course["events"]) == 3 and course["posts"] == []  # not welcomed into placeholder dates
    assert "the welcome post waits for the activity dates" in first.output
    assert fake.calls["core_course_import_course"] == 3
    assert fake.calls["core_course_create_courses"] == 1  # one array call for all three runs
    assert fake.calls["enrol_manual_enrol_users"] == 1
    linked = Counter(link.courseid for link in fake.site.course_competencies.values())
    assert sorted(linked.values()) == [6, 6, 6]  # the template's six course competencies, in each run course

    fake.run_cron()
    fake.reset_counters()
    dated = run_cli(config, "push")
    assert dated.exit_code == 0, dated.output
    assert fake.calls["core_calendar_update_event_start_day"] == 9 and fake.calls["mod_forum_add_discussion"] == 3
    after = state(fake)
    assert len(after["lms-sync-kvz-2027-01"]["posts"]) == 1

    fake.reset_counters()
    second = run_cli(config, "push")
    assert second.exit_code == 0, second.output
    assert fake.write_calls() == 0, fake.calls
    assert "nothing (Moodle already matches)" in second.output
    assert state(fake) == after
    plan = run_cli(config, "plan", "--json")
    summary = json.loads(plan.output)["summary"]
    assert summary.pop("unchanged") > 0 and set(summary.values()) == {0}  # every counter, as in the text
    assert {"create", "update", "suspend", "post"} <= set(summary)


def test_a_changed_catalogue_yields_only_the_minimal_changes(world, catalogue):
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    toml = catalogue / "2027-fruehjahr.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('start = "2027-03-05 09:00"', 'start = "2027-03-05 10:00"'),
                    encoding="utf-8")
    csv = catalogue / "participants" / "kvz-2027-02.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = lines.pop(1).split(",")
    csv.write_text("".join(lines), encoding="utf-8")
    plan = run_cli(config, "plan", "kvz-2027-01")
    assert "-  <li>Freitag, 5. März 2027, 09:00–15:30 Uhr," in plan.output  # long texts: only the changed lines
    assert "+  <li>Freitag, 5. März 2027, 10:00–15:30 Uhr," in plan.output
    assert "± move event" in plan.output and "2 to change" in plan.output
    fake.reset_counters()
    result = run_cli(config, "push", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["applied"] == {"core_course_update_courses": 1, "core_calendar_delete_calendar_events": 1,
                                 "core_calendar_create_calendar_events": 1, "enrol_manual_enrol_users": 1}
    update = next(c for run in report["plan"]["runs"] for c in run["changes"] if c["action"] == "update")
    assert list(update["fields"]) == ["summary"]  # the summary lists the session times
    course = state(fake)["lms-sync-kvz-2027-02"]
    assert len(course["suspended"]) == 1 and course["suspended"][0] in ",".join(removed).lower()


def _replayed_site(httpx_mock, catalogue: Path) -> tuple[FakeMoodle, CrashReplay]:
    """The fake with the blueprint and every catalogue account, behind a crash replay."""
    fake = FakeMoodle("5.0")
    replay = CrashReplay(fake)
    httpx_mock.add_callback(replay, is_reusable=True, is_optional=True)
    seed_blueprint(fake)
    seed_accounts(fake, catalogue)
    return fake, replay


def _crash_then_rerun(replay: CrashReplay, config: Path, index: int, expected: dict[str, object]) -> None:
    """A push that crashes before request `index` (exit 3), then one run again: it ends as the uninterrupted push did."""
    replay.crash_at(index)  # requests before `index` answered as in the uninterrupted push
    crashed = run_cli(config, "push")
    assert crashed.exit_code == 3, (index, crashed.output)
    replay.recover()
    resumed = run_cli(config, "push")
    assert resumed.exit_code == 0, (index, resumed.output)
    assert state(replay.fake) == expected, f"crash before request {index} left a different end state"


@pytest.mark.parametrize("shard", range(SHARDS))
def test_a_crash_after_any_call_then_a_rerun_ends_exactly_like_an_uninterrupted_push(httpx_mock, catalogue, tmp_path,
                                                                                     shard):
    fake, replay = _replayed_site(httpx_mock, catalogue)
    scale_id = seed_competency_scale(fake)
    empty_records = tmp_path / "empty-records.db"
    RecordsStore.open(f"sqlite:///{empty_records}").close()  # copied for each start: migrating afresh is slower

    def config_in(folder: Path) -> Path:
        # The replay needs one fixed request order: imports in line (their overlap: tests/test_push_overlap.py).
        config = write_config(fake, folder, catalogue, scale_id)
        config.write_text(config.read_text(encoding="utf-8") + "import_concurrency = 0\n", encoding="utf-8")
        return config

    replay.record()
    assert run_cli(config_in(tmp_path), "push").exit_code == 0
    replay.stop()
    expected = state(fake)
    total = len(replay.exchanges)
    assert total > 10
    for index in range(shard, total, SHARDS):
        # The records database (and its observation cache) outlives the crash, as on the admin's machine.
        (here := tmp_path / f"crash-{index}").mkdir()
        shutil.copyfile(empty_records, here / "records.db")
        _crash_then_rerun(replay, config_in(here), index, expected)


def test_a_crash_after_any_call_of_the_push_that_moves_the_dates_and_posts_leaves_no_twin_post(httpx_mock, catalogue,
                                                                                               tmp_path):
    """The welcome post goes out with the push after Moodle's cron, the one that moves the dates: crashed before any
    of its requests and run again, it ends with the dates moved and exactly one welcome post per course."""
    fake, replay = _replayed_site(httpx_mock, catalogue)
    config = write_config(fake, tmp_path, catalogue, seed_competency_scale(fake))
    assert run_cli(config, "push").exit_code == 0
    fake.run_cron()
    records = tmp_path / "records.db"
    before = tmp_path / "records-before.db"
    shutil.copyfile(records, before)  # the records (and observation cache) the second push starts from
    replay.record()
    assert run_cli(config, "push").exit_code == 0
    replay.stop()
    expected = state(fake)
    assert all(len(course["posts"]) == 1 for key, course in expected.items() if key.startswith("lms-sync-"))
    assert any(b"mod_forum_add_discussion" in exchange.body for exchange in replay.exchanges)
    for index in range(len(replay.exchanges)):
        shutil.copyfile(before, records)
        _crash_then_rerun(replay, config, index, expected)


def test_bad_catalogue_entries_skip_only_their_runs(world, catalogue):
    fake, config = world
    toml = catalogue / "2027-herbst.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('template = "kommune-zivilgesellschaft"',
                                                             'template = "gibt-es-nicht"'), encoding="utf-8")
    result = run_cli(config, "push")
    assert result.exit_code == 1
    assert "2027-herbst.toml:" in result.output and "gibt-es-nicht" in result.output
    built = {k for k in state(fake) if k.startswith("lms-sync-")}
    assert built == {"lms-sync-kvz-2027-01", "lms-sync-kvz-2027-02"}
    journaled = json.loads(run_cli(config, "runs", "--json").output)["runs"][0]
    assert journaled["status"] == "partial"
    assert [(error["step"], error["run_id"]) for error in journaled["errors"]] == [("catalogue", "kvz-2027-03")]
    assert "2027-herbst.toml:" in journaled["errors"][0]["message"] and "gibt-es-nicht" in journaled["errors"][0]["message"]


def test_a_missing_blueprint_is_named_and_nothing_is_created(fake_moodle, catalogue, tmp_path):
    seed_accounts(fake_moodle, catalogue)
    config = write_config(fake_moodle, tmp_path, catalogue, seed_competency_scale(fake_moodle))
    result = run_cli(config, "push")
    assert result.exit_code == 1
    assert BLUEPRINT_IDNUMBER in result.output and "lms-sync blueprint build kommune-zivilgesellschaft" in result.output
    assert fake_moodle.calls["core_course_create_courses"] == 0
    assert not [c for c in fake_moodle.site.courses.values() if c.idnumber.startswith("lms-sync-")]


def test_a_course_whose_shortname_is_taken_is_blocked_before_any_write(world):
    fake, config = world
    clash = fake.add_course("Fremder Kurs", "KVZ-kvz-2027-02")
    result = run_cli(config, "push")
    assert result.exit_code == 1
    assert "FAILED kvz-2027-02" in result.output
    assert f"shortname 'KVZ-kvz-2027-02' is taken by Moodle course id {clash.id} ('Fremder Kurs', idnumber none)" \
        in result.output
    assert fake.calls["core_course_create_courses"] == 1  # the two other courses, in one request
    built = {k for k in state(fake) if k.startswith("lms-sync-")}
    assert built == {"lms-sync-kvz-2027-01", "lms-sync-kvz-2027-03"}


def test_a_course_moodle_refuses_is_reported_and_the_other_runs_succeed(world, monkeypatch):
    fake, config = world
    plan = push_module.diff

    def someone_takes_the_shortname_meanwhile(*args, **kwargs):  # after push read Moodle, before it writes
        fake.add_course("Fremder Kurs", "KVZ-kvz-2027-02", idnumber="someone-else")
        return plan(*args, **kwargs)

    monkeypatch.setattr(push_module, "diff", someone_takes_the_shortname_meanwhile)
    result = run_cli(config, "push")
    assert result.exit_code == 1
    assert "FAILED kvz-2027-02" in result.output
    assert "Short name is already used for another course (KVZ-kvz-2027-02)" in result.output
    built = {k for k in state(fake) if k.startswith("lms-sync-")}
    assert built == {"lms-sync-kvz-2027-01", "lms-sync-kvz-2027-03"}
    assert len(state(fake)["lms-sync-kvz-2027-03"]["enrolled"]) == 13  # 11 participants, 2 trainers


def test_prune_deletes_only_what_lms_sync_made_and_no_longer_wants(world, catalogue):
    fake, config = world
    assert run_cli(config, "push").exit_code == 0
    course = next(c for c in fake.site.courses.values() if c.idnumber == "lms-sync-kvz-2027-01")
    trainer_event = fake.call_function("core_calendar_create_calendar_events", {"events": [{
        "name": "Sprechstunde (von der Trainerin angelegt)", "courseid": course.id, "eventtype": "course",
        "timestart": 1800000000}]})
    trainer = next(u for u in fake.site.users.values() if u.email == "j.hartmann@partizipation.example.org")
    fake.site.events[trainer_event["events"][0]["id"]].userid = trainer.id  # as if she had made it in Moodle
    trainer_group = fake.add_group(course.id, "Eigene Gruppe der Trainerin")
    toml = catalogue / "2027-fruehjahr.toml"
    text = toml.read_text(encoding="utf-8")
    online = text.index("[[run.session]]\ntitle = \"Online-Nachtreffen")
    toml.write_text(text[:online] + text[text.index("[[run.trainer]]", online):], encoding="utf-8")
    csv = catalogue / "participants" / "kvz-2027-01.csv"
    rows = csv.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    csv.write_text("".join(rows[:7]), encoding="utf-8")  # 6 participants left: too few for Kleingruppen

    plain = run_cli(config, "push")
    assert plain.exit_code == 0, plain.output
    before = state(fake)["lms-sync-kvz-2027-01"]
    # without --prune nothing goes: two of lms-sync's three events are reused for "Termin 1/2 von 2", the third stays
    assert len(before["groups"]) == 3 and len(before["events"]) == 2 + 1 + 1

    pruned = run_cli(config, "push", "--prune")
    assert pruned.exit_code == 0, pruned.output
    after = state(fake)["lms-sync-kvz-2027-01"]
    assert [name for _, name, _ in after["groups"]] == ["Eigene Gruppe der Trainerin"]
    assert len(after["events"]) == 2 + 1  # the two remaining sessions and the trainer's own event
    assert trainer_group.id in fake.site.groups and trainer_event["events"][0]["id"] in fake.site.events
    fake.reset_counters()
    assert run_cli(config, "push", "--prune").exit_code == 0
    assert fake.write_calls() == 0


def test_an_account_whose_email_moodle_stores_in_other_case_is_found_not_twinned(world):
    fake, config = world
    config.write_text(config.read_text() + "create_missing_users = true\n", encoding="utf-8")
    account = next(u for u in fake.site.users.values() if u.email == "k.wegener@bezirksamt-neukoelln.example.org")
    account.email = "K.Wegener@Bezirksamt-Neukoelln.example.org"
    users_before = len(fake.site.users)
    result = run_cli(config, "push", "kvz-2027-01")
    assert result.exit_code == 0, result.output
    assert len(fake.site.users) == users_before  # no twin account
    enrolled = {u for c, u, r in fake.site.role_assignments if r == 5}
    assert account.id in enrolled
    fake.reset_counters()
    assert run_cli(config, "push", "kvz-2027-01").exit_code == 0 and fake.write_calls() == 0


def test_every_request_stays_under_the_form_field_limit(world, tmp_path):
    fake, config = world
    config.write_text(config.read_text().replace("retries = 0", "retries = 0\nmax_form_fields = 50\nbatch_reads = false"),
                      encoding="utf-8")
    result = run_cli(config, "push")
    assert result.exit_code == 0, result.output
    sizes = [(name, count_fields(params) + 3) for name, params in fake.requests]
    assert max(size for _, size in sizes) <= 50, max(sizes, key=lambda pair: pair[1])
    assert fake.calls["enrol_manual_enrol_users"] > 1  # 38 enrolments no longer fit into one request
    assert len(state(fake)["lms-sync-kvz-2027-01"]["enrolled"]) == 13


def test_a_language_the_site_has_no_pack_for_blocks_its_runs_before_any_write(world):
    fake, config = world
    del fake.site.languages["de"]  # the template says language = "de"
    result = run_cli(config, "push")
    assert result.exit_code == 1
    assert "language = 'de', but this Moodle has no 'de' language pack: install it" in result.output
    assert "core_course_create_courses" not in fake.calls
