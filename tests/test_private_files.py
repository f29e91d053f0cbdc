"""The records database (personal data) is created readable by its owner only; one that others can read is warned
about, like a token file that others can read (tests/test_token_file.py)."""

from __future__ import annotations

import stat

from lms_sync.records.store import RecordsStore


def test_a_new_records_database_is_created_0600_and_a_readable_one_is_warned_about(tmp_path, caplog):
    path = tmp_path / "records.db"
    RecordsStore.open(f"sqlite:///{path}").close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "other users" not in caplog.text
    path.chmod(0o644)
    RecordsStore.open(f"sqlite:///{path}").close()
    assert f"records database {path} can be read by other users (mode 644)" in caplog.text
