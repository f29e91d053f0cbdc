"""The observation cache on real SQLite and PostgreSQL: an entry is returned only at the version it was stored with,
is replaced by a newer one, is kept per site, and an unreachable database costs reads, never a failed push."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine

from lms_sync.records.observation_cache import ObservationCache
from lms_sync.records.store import RecordsStore

SITE = "https://moodle.example.org"
CONTENTS = {"sections": [[10, 0, "Willkommen"]], "modules": [[20, "assign", "Akteurslandkarte", 2]]}


def test_an_entry_is_returned_only_at_the_version_it_was_stored_with(records_store: RecordsStore) -> None:
    cache = ObservationCache(records_store.engine, SITE + "/")
    cache.put_many("contents", {7: (1700000001, CONTENTS), 8: (5, {"sections": [], "modules": []})})
    assert cache.get_many("contents", {7: 1700000001, 8: 6, 9: 1}) == {7: CONTENTS}
    assert cache.get_many("discussions", {7: 1700000001}) == {}  # kinds are kept apart
    assert ObservationCache(records_store.engine, "https://other.example.org").get_many("contents", {7: 1700000001}) == {}


def test_a_newer_entry_replaces_the_old_one_and_forget_drops_it(records_store: RecordsStore) -> None:
    cache = ObservationCache(records_store.engine, SITE)
    cache.put_many("discussions", {3: (1, ["Willkommen"])})
    cache.put_many("discussions", {3: (2, ["Willkommen", "Raumänderung"])})
    assert cache.get_many("discussions", {3: 1}) == {}
    assert cache.get_many("discussions", {3: 2}) == {3: ["Willkommen", "Raumänderung"]}
    cache.forget("discussions", [3, 4])
    assert cache.get_many("discussions", {3: 2}) == {}


def test_an_unreachable_database_is_a_warning_and_a_cache_miss(tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    cache = ObservationCache(create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'records.db'}"), SITE)
    with caplog.at_level(logging.WARNING, logger="lms_sync.observation_cache"):
        assert cache.get_many("contents", {7: 1}) == {}
        cache.put_many("contents", {7: (1, CONTENTS)})
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["observation cache not read",
                                                                       "observation cache not updated"]


def test_many_ids_at_once_and_version_0_never_matches(records_store: RecordsStore) -> None:
    cache = ObservationCache(records_store.engine, SITE)
    cache.put_many("contents", {i: (i + 1, [i]) for i in range(1, 1501)} | {9999: (0, ["unknown revision"])})
    found = cache.get_many("contents", {i: i + 1 for i in range(1, 1501)} | {9999: 0, 2: 99})
    assert len(found) == 1499 and found[1500] == [1500] and 2 not in found and 9999 not in found
