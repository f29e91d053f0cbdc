"""A small world for `lms-sync sync` tests: two workshop runs dated relative to today, the fake Moodle seeded with
their blueprint, accounts and competency scale, a config with no backoff sleeping, and a records counter.

Small on purpose: the crash loop runs a whole sync once per request index.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from lms_sync.cli import main
from lms_sync.records.schema import courses, metadata
from lms_sync.records.store import RecordsStore
from tests.fake_moodle import FakeMoodle
from tests.test_push_e2e import REPO, seed_accounts, seed_blueprint, seed_competency_scale, state

JOURNAL_TABLES = {"sync_runs", "pull_journal"}
PARTICIPANTS = {
    "sync-a": [("Katrin", "Wegener", "k.wegener@bezirksamt.example.org", "Bezirksamt Mitte", "Verwaltung", "ja"),
               ("Deniz", "Arslan", "d.arslan@verein.example.org", "Nachbarschaftsverein", "Zivilgesellschaft", "nein"),
               ("Frank", "Lehmann", "f.lehmann@bezirksamt.example.org", "Bezirksamt Mitte", "Verwaltung", "nein")],
    "sync-b": [("Miriam", "Schulze", "m.schulze@qm.example.org", "Quartiersmanagement", "Zivilgesellschaft", "ja"),
               ("Katrin", "Wegener", "k.wegener@bezirksamt.example.org", "Bezirksamt Mitte", "Verwaltung", "ja")],
}


def _run_toml(run_id: str, day: date) -> str:
    return (f'[[run]]\nid = "{run_id}"\ntemplate = "kommune-zivilgesellschaft"\nparticipants = "{run_id}.csv"\n\n'
            f'[[run.session]]\nstart = "{day} 09:30"\nend = "{day} 16:30"\nplace = "Rathaus, Raum 2"\n\n'
            f'[[run.trainer]]\nemail = "trainer.{run_id}@partizipation.example.org"\nfirstname = "Judith"\n'
            f'lastname = "Hartmann"\n\n')


def write_catalogue(folder: Path, days_from_today: dict[str, int]) -> Path:
    """A catalogue folder with the runs of `PARTICIPANTS`, each on one day `days_from_today[run]` from today."""
    folder.mkdir(parents=True, exist_ok=True)
    today = date.today()
    (folder / "runs.toml").write_text(
        "".join(_run_toml(run_id, today + timedelta(days=days)) for run_id, days in days_from_today.items()),
        encoding="utf-8")
    for run_id, people in PARTICIPANTS.items():
        rows = ["Vorname;Nachname;E-Mail;Organisation;Sektor;Kompetenzberatung", *(";".join(p) for p in people)]
        (folder / f"{run_id}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@dataclass
class SyncWorld:
    fake: FakeMoodle
    config: Path
    catalogue: Path
    records_url: str

    def sync(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["--config", str(self.config), *args], catch_exceptions=False)


def make_world(fake: FakeMoodle, tmp_path: Path, *, days_from_today: dict[str, int] | None = None,
               moodle: str = "retries = 2", extra: str = "", scale_id: int | None = None) -> SyncWorld:
    """Seed `fake` and write tmp_path/lms-sync.toml; `moodle` adds [moodle] keys, `extra` whole sections."""
    catalogue = write_catalogue(tmp_path / "catalogue", days_from_today or {"sync-a": 10, "sync-b": 20})
    seed_blueprint(fake)
    seed_accounts(fake, catalogue)
    scale_id = seed_competency_scale(fake) if scale_id is None else scale_id
    token_file = tmp_path / "token"
    token_file.write_text(fake.token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    records_url = f"sqlite:///{tmp_path / 'records.db'}"
    config = tmp_path / "lms-sync.toml"
    config.write_text(
        f'[moodle]\nurl = "{fake.url}"\ntoken_file = "{token_file}"\nbackoff_seconds = 0\nmax_backoff_seconds = 0\n{moodle}\n\n'
        f'[records]\nurl = "{records_url}"\n\n'
        f'[catalogue]\npath = "{catalogue}"\ntemplates_dir = "{REPO / "course_templates"}"\n\n'
        f'[push]\ncompetency_scale_id = {scale_id}\n\n{extra}',
        encoding="utf-8")
    return SyncWorld(fake, config, catalogue, records_url)


def records_counts(records_url: str) -> dict[str, int]:
    """Rows per records table (the journals and push's observation cache aside): equal counts after equal syncs mean
    nothing lost or doubled."""
    engine = create_engine(records_url)
    try:
        with engine.connect() as connection:
            return {table.name: connection.scalar(select(func.count()).select_from(table)) or 0
                    for table in metadata.sorted_tables if table.name not in (*JOURNAL_TABLES, "observation_cache")}
    finally:
        engine.dispose()


def records_by_course(records_url: str) -> dict[str, dict[str, int]]:
    """Per stored course (by idnumber): its rows in every table that belongs to one course."""
    per_course = [table for table in metadata.sorted_tables if "course_id" in table.c and table.name not in JOURNAL_TABLES]
    engine = create_engine(records_url)
    try:
        with engine.connect() as connection:
            return {str(idnumber): {table.name: connection.scalar(select(func.count()).select_from(table)
                                                                   .where(table.c.course_id == course_id)) or 0
                                    for table in per_course}
                    for course_id, idnumber in connection.execute(select(courses.c.id, courses.c.idnumber))}
    finally:
        engine.dispose()


@dataclass
class Outcome:
    """The end state of a sync: Moodle as a person would check it, the records per table and per course."""

    moodle: dict[str, object]
    records: dict[str, int]
    courses: dict[str, dict[str, int]]
    requests: int


class Replay:
    """Runs syncs of `world` again and again from the same start: Moodle as seeded, no records, no faults."""

    def __init__(self, world: SyncWorld) -> None:
        self.world = world
        self.pristine = world.fake.site.snapshot()
        self.database = Path(make_url(world.records_url).database or "")
        # An empty database at the newest schema, copied for each start: migrating afresh every time is slower.
        self.empty_database = self.database.with_name("empty-records.db")
        RecordsStore.open(f"sqlite:///{self.empty_database}").close()

    def reset(self) -> None:
        fake = self.world.fake
        fake.site = self.pristine.snapshot()
        fake.reset_counters()
        fake.recover()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.empty_database, self.database)

    def outcome(self, since_request: int = 0) -> Outcome:
        url = self.world.records_url
        return Outcome(state(self.world.fake), records_counts(url), records_by_course(url),
                       self.world.fake.request_count - since_request)

    def reference(self) -> Outcome:
        """The end state of one uninterrupted sync from the start."""
        self.reset()
        start = self.world.fake.request_count
        result = self.world.sync("sync")
        assert result.exit_code == 0, result.output
        return self.outcome(start)
