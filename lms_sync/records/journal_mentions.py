"""The run journal's lines that name a person (a catalogue error quoting their e-mail, say): listed in the person's
export and rewritten without the name when they are forgotten, so erasure reaches the journal too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Column, Connection, select, update

from lms_sync.records.schema import pull_journal, sync_runs

FORGOTTEN = "(a forgotten person)"
"""what stands in a journal line where the name of a forgotten person stood"""

_JSON_COLUMNS = (sync_runs.c.errors, sync_runs.c.warnings)
"""the journal's columns holding JSON (lists of lines or of error objects); pull_journal.error holds one plain line"""


def _pattern(names: Sequence[str]) -> re.Pattern[str] | None:
    wanted = [re.escape(name) for name in names if name]
    return re.compile("|".join(wanted), re.IGNORECASE) if wanted else None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _without(pattern: re.Pattern[str], value: Any) -> Any:
    if isinstance(value, str):
        return pattern.sub(FORGOTTEN, value)
    if isinstance(value, dict):
        return {key: _without(pattern, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without(pattern, item) for item in value]
    return value


def _texts(connection: Connection) -> Iterator[tuple[Column[Any], int, int | None, Any]]:
    """(column, row id, journal entry, value) of every journal text: JSON columns parsed, pull errors as they are."""
    for column in _JSON_COLUMNS:
        for row_id, text in connection.execute(select(sync_runs.c.id, column)):
            yield column, row_id, row_id, json.loads(text)
    pulls = select(pull_journal.c.id, pull_journal.c.sync_run_id, pull_journal.c.error)
    for row_id, entry, text in connection.execute(pulls.where(pull_journal.c.error.is_not(None))):
        yield pull_journal.c.error, row_id, entry, text


def mentions(connection: Connection, names: Sequence[str]) -> list[dict[str, Any]]:
    """Each journal line naming one of `names` (the person's e-mail, their full name), with its journal entry."""
    pattern = _pattern(names)
    if pattern is None:
        return []
    return [{"run_id": entry, "line": text} for _, _, entry, value in _texts(connection)
            for text in _strings(value) if pattern.search(text)]


def forget(connection: Connection, names: Sequence[str]) -> int:
    """Replace `names` by FORGOTTEN in every journal line; the lines stay for the runs' history. Lines rewritten."""
    pattern = _pattern(names)
    if pattern is None:
        return 0
    rewritten = 0
    for column, row_id, _, value in _texts(connection):
        naming = sum(1 for text in _strings(value) if pattern.search(text))
        if not naming:
            continue
        kept = _without(pattern, value)
        stored = kept if column is pull_journal.c.error else json.dumps(kept, ensure_ascii=False)
        table = column.table
        connection.execute(update(table).where(table.c.id == row_id).values({column.name: stored}))
        rewritten += naming
    return rewritten
