"""Make the rows of one table within a scope match a desired set, keyed by natural keys, and count what changed.

Every upsert of the records store goes through `sync_rows`, so "a re-pull changes nothing" is decided in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, bindparam, delete, insert, select, update

Key = tuple[Any, ...]
DELETE_CHUNK = 500


@dataclass
class TableCounts:
    """How many rows of one table a write inserted, updated, left unchanged and deleted."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted

    def __add__(self, other: TableCounts) -> TableCounts:
        return TableCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.deleted + other.deleted,
        )


@dataclass
class SyncResult:
    counts: TableCounts
    ids: dict[Key, int]
    """Primary key of every desired row, by natural key."""


def _chunks(values: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def sync_rows(
    connection: Connection,
    table: Table,
    scope: ColumnElement[bool],
    key_columns: Sequence[str],
    desired: Mapping[Key, Mapping[str, Any]],
    *,
    delete_missing: bool = True,
    on_insert: Mapping[str, Any] | None = None,
) -> SyncResult:
    """Insert desired rows that are missing, update those whose values differ, delete rows in `scope` not desired.

    `scope` must select every stored row a desired key could match (e.g. "rows of this course"); `desired` maps a key
    tuple (values of `key_columns`) to the other column values. With `delete_missing=False` rows are only added or
    updated (for things shared beyond the scope, such as competency frameworks). `on_insert` holds values written
    only into new rows (such as a creation time) and never compared.
    """
    counts = TableCounts()
    ids: dict[Key, int] = {}
    stale_ids: list[int] = []
    changes: list[dict[str, Any]] = []
    for row in connection.execute(select(table).where(scope)).mappings():
        key = tuple(row[column] for column in key_columns)
        wanted = desired.get(key)
        if wanted is None:
            stale_ids.append(row["id"])
            continue
        ids[key] = row["id"]
        if all(row[column] == value for column, value in wanted.items()):
            counts.unchanged += 1
        else:
            changes.append({"_id": row["id"], **wanted})
    for change in changes:
        assignments: dict[str, Any] = {column: bindparam(column) for column in change if column != "_id"}
        connection.execute(update(table).where(table.c.id == bindparam("_id")).values(assignments), change)
    counts.updated = len(changes)
    new_rows = [
        dict(zip(key_columns, key, strict=True)) | dict(on_insert or {}) | dict(values)
        for key, values in desired.items()
        if key not in ids
    ]
    if new_rows:
        connection.execute(insert(table), new_rows)
        counts.inserted = len(new_rows)
        key_select = select(table.c.id, *(table.c[column] for column in key_columns)).where(scope)
        for row_id, *key_values in connection.execute(key_select):
            if tuple(key_values) in desired:
                ids.setdefault(tuple(key_values), row_id)
    if delete_missing and stale_ids:
        for chunk in _chunks(stale_ids, DELETE_CHUNK):
            connection.execute(delete(table).where(table.c.id.in_(chunk)))
        counts.deleted = len(stale_ids)
    return SyncResult(counts, ids)
