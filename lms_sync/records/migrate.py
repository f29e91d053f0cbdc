"""Bring a records database to the newest schema with Alembic, programmatically (no alembic.ini needed), and note
which lms-sync did it. Also a tiny developer entry point to generate a new revision after editing schema.py.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, insert, inspect, select

from lms_sync.records.errors import RecordsUnavailable
from lms_sync.records.schema import metadata, schema_upgrades

SCRIPT_LOCATION = "lms_sync.records:migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration for running lms-sync's migrations on `connection` (e.g. `command.upgrade(cfg, rev)`)."""
    config = _config()
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database to the newest schema: one at head is left untouched, an empty one gets the newest schema at
    once (as Alembic's cookbook does: create the tables, stamp head), an older one the migrations it lacks.

    Raises `RecordsUnavailable` when a newer lms-sync migrated it past the revisions this one knows.
    """
    current = current_revision(engine)
    if current == head_revision():
        return  # the common case, without running Alembic's environment script for nothing
    if current is not None:
        _refuse_unknown(engine, current)
    with engine.begin() as connection:
        if current is None and not inspect(connection).get_table_names():
            metadata.create_all(connection)
            MigrationContext.configure(connection).stamp(_scripts(), "head")
        else:
            command.upgrade(alembic_config(connection), "head")
        connection.execute(insert(schema_upgrades).values(
            revision=head_revision(), lms_sync_version=version("lms-sync"), upgraded_at=datetime.now(UTC)))


@dataclass(frozen=True)
class SchemaUpgrade:
    revision: str
    lms_sync_version: str
    upgraded_at: datetime


def last_upgrade(engine: Engine) -> SchemaUpgrade | None:
    """The newest upgrade noted in the database, or None before revision 0006 (which began noting them)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(schema_upgrades.name):
            return None
        row = connection.execute(select(schema_upgrades.c.revision, schema_upgrades.c.lms_sync_version,
                                        schema_upgrades.c.upgraded_at)
                                 .order_by(schema_upgrades.c.id.desc()).limit(1)).first()
    return None if row is None else SchemaUpgrade(*row)


def _refuse_unknown(engine: Engine, current: str) -> None:
    known = {script.revision for script in _scripts().walk_revisions()}
    if current not in known:
        upgrade = last_upgrade(engine)
        by = f"lms-sync {upgrade.lms_sync_version}" if upgrade is not None else "a newer lms-sync"
        raise RecordsUnavailable(
            f"this records database was upgraded by {by} (schema revision {current}; lms-sync "
            f"{version('lms-sync')} knows up to {head_revision()}): upgrade lms-sync on this machine too"
        )


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str | None:
    """The newest revision shipped with this version of lms-sync."""
    return _scripts().get_current_head()


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate a records migration from the difference to schema.py.")
    parser.add_argument("command", choices=["revision"])
    parser.add_argument("message")
    parser.add_argument("--url", required=True, help="a scratch database; it is upgraded to head first")
    args = parser.parse_args()
    engine = create_engine(args.url)
    upgrade_to_head(engine)
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=args.message, autogenerate=True)


if __name__ == "__main__":
    main()
