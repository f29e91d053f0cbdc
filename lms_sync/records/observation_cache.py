"""What push last read of slowly changing Moodle objects, kept in the records database and valid only at the version
Moodle reported then: a course's contents at its `cacherev`, a forum's discussion subjects at its discussion count.

A cache, never the truth: an entry whose version differs from what Moodle reports now is ignored, and a database that
cannot be reached only costs the reads it would have saved (logged as a warning).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from lms_sync.records.errors import first_line
from lms_sync.records.schema import observation_cache as table

log = logging.getLogger("lms_sync.observation_cache")
Kind = Literal["contents", "discussions"]
_IDS_PER_QUERY = 500  # well under SQLite's and PostgreSQL's limits on bound parameters


def _batches(ids: list[int]) -> list[list[int]]:
    return [ids[start:start + _IDS_PER_QUERY] for start in range(0, len(ids), _IDS_PER_QUERY)]


class ObservationCache:
    def __init__(self, engine: Engine, site_url: str) -> None:
        self.engine = engine
        self.site_url = site_url.rstrip("/")

    def get_many(self, kind: Kind, versions: Mapping[int, int]) -> dict[int, Any]:
        """The payloads stored for these Moodle ids at exactly these versions; ids without one are left out.

        Version 0 means Moodle did not say (e.g. no `cacherev` without moodle/course:update): never a match.
        """
        wanted = {moodle_id: version for moodle_id, version in versions.items() if version}
        if not wanted:
            return {}
        found: dict[int, Any] = {}
        try:
            with self.engine.connect() as connection:
                for ids in _batches(sorted(wanted)):
                    query = select(table.c.moodle_id, table.c.version, table.c.payload).where(
                        table.c.site_url == self.site_url, table.c.kind == kind, table.c.moodle_id.in_(ids))
                    found |= {int(row.moodle_id): json.loads(row.payload) for row in connection.execute(query)
                              if row.version == wanted[int(row.moodle_id)]}
        except SQLAlchemyError as error:
            log.warning("observation cache not read (%s): reading everything from Moodle", first_line(error))
            return {}
        return found

    def put_many(self, kind: Kind, entries: Mapping[int, tuple[int, Any]]) -> None:
        """Store `moodle_id -> (version, payload)`, replacing what was stored for those ids (version 0: not stored)."""
        rows = [{"site_url": self.site_url, "kind": kind, "moodle_id": moodle_id, "version": version,
                 "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True), "stored_at": datetime.now(UTC)}
                for moodle_id, (version, payload) in sorted(entries.items()) if version]
        if not rows:
            return
        insert = (postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert)(table)
        upsert = insert.on_conflict_do_update(
            index_elements=[table.c.site_url, table.c.kind, table.c.moodle_id],
            set_={"version": insert.excluded.version, "payload": insert.excluded.payload,
                  "stored_at": insert.excluded.stored_at})
        self._write(upsert, rows)

    def forget(self, kind: Kind, moodle_ids: Iterable[int]) -> None:
        """Drop the entries of objects lms-sync is about to change (so an unknown outcome leaves no stale entry)."""
        ids = sorted(set(moodle_ids))
        if ids:
            self._write(delete(table).where(table.c.site_url == self.site_url, table.c.kind == kind,
                                            table.c.moodle_id.in_(ids)), None)

    def clear(self) -> None:
        """Drop every entry of this site: the next observation reads everything from Moodle again."""
        self._write(delete(table).where(table.c.site_url == self.site_url), None)

    def _write(self, statement: Any, rows: list[dict[str, Any]] | None) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(statement, rows) if rows is not None else connection.execute(statement)
        except SQLAlchemyError as error:
            log.warning("observation cache not updated (%s): the next push reads more from Moodle", first_line(error))
