"""Shared fixtures: the fake Moodle wired into httpx through pytest-httpx, a client for it, and a config file.

`fake_moodle` is an empty 5.0 site; parametrize `moodle_version` to run a test against 4.5 and 5.0
(`@pytest.mark.parametrize("moodle_version", MOODLE_VERSIONS)`); `contract_moodle` holds the recorded site's data.
"""

from __future__ import annotations

import os
import shutil
import ssl
import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from pydantic import SecretStr
from pytest_httpx import HTTPXMock

from lms_sync import redaction
from lms_sync.moodle.client import MoodleClient
from tests.contract import SHARED_ROOT
from tests.fake_moodle import FakeMoodle
from tests.fake_moodle.seed import seed_contract_site

pytest_plugins = ["tests.records_fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    # Cache compiled modules (tests rewritten by pytest, lms_sync's own) in __pycache__ even where the environment
    # sets PYTHONDONTWRITEBYTECODE: otherwise every worker compiles them anew, ~7 s of a one-minute suite.
    sys.dont_write_bytecode = False
    _temporary_files_in_memory()
    config.addinivalue_line("markers", "needs_shared(path): reads a file of ../shared (skips without it, fails in CI)")
    if os.environ.get("CI") == "true" and not SHARED_ROOT.is_dir():
        raise pytest.UsageError(f"CI=true but {SHARED_ROOT} is missing: CI lays shared/ beside the repository")


_MEMORY_NEEDED = 1 << 30
"""free space /dev/shm must have for the suite's files (a run leaves about 70 MB; pytest keeps the last three)"""


def _temporary_files_in_memory() -> None:
    """tmp_path and tempfile write to /dev/shm (memory) unless TMPDIR, TEMP or TMP say otherwise or it is small (a
    container's default is 64 MB): the suite's thousands of SQLite commits and files then cost no disk syncs and
    deletes, which test nothing (on the 2-core machine, 74-97 s in /tmp against 50-63 s in /dev/shm). Workers inherit
    the base folder from the controller, which sets it here first."""
    memory = Path("/dev/shm")
    if any(name in os.environ for name in ("TMPDIR", "TEMP", "TMP")) or not memory.is_dir():
        return
    free = os.statvfs(memory)
    if os.access(memory, os.W_OK | os.X_OK) and free.f_bavail * free.f_frsize >= _MEMORY_NEEDED:
        tempfile.tempdir = str(memory)


@pytest.fixture(autouse=True)
def shared_files(request: pytest.FixtureRequest) -> None:
    """Tests marked `needs_shared(path)` skip with the reason when the path is absent, and fail under CI=true."""
    marker = request.node.get_closest_marker("needs_shared")
    if marker is None or Path(marker.args[0]).exists():
        return
    reason = f"needs {marker.args[0]} (../shared beside the repository)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def one_certificate_store() -> Iterator[None]:
    """Every MoodleClient's httpx.Client loads the CA bundle (0.15 s each, hundreds of clients in the suite) although
    the fake never speaks TLS: the suite loads it once per set of arguments and shares the context."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ssl, "create_default_context", cache(ssl.create_default_context))
        yield


@pytest.fixture(autouse=True)
def own_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The secrets a test registers are forgotten after it, as when its process ends: earlier tests' secrets (random
    ones from the redaction properties among them) neither mask this test's output nor make every `redact` slower."""
    monkeypatch.setattr(redaction, "_secrets", set(redaction._secrets))


@pytest.fixture
def moodle_version() -> str:
    return "5.0"


@pytest.fixture
def fake_moodle(httpx_mock: HTTPXMock, moodle_version: str) -> FakeMoodle:
    """An empty fake site (category 1, users guest/admin/syncbot) answering every httpx request of the test."""
    fake = FakeMoodle(moodle_version)  # type: ignore[arg-type]
    httpx_mock.add_callback(fake, is_reusable=True, is_optional=True)
    return fake


@pytest.fixture
def contract_moodle(fake_moodle: FakeMoodle) -> FakeMoodle:
    """`fake_moodle` seeded like the recorded contract site (courses 2–3, users 5–16, feedback with responses)."""
    seed_contract_site(fake_moodle)
    return fake_moodle


@pytest.fixture
def moodle_client(fake_moodle: FakeMoodle) -> MoodleClient:
    """A MoodleClient pointed at `fake_moodle` that never really sleeps between retries."""
    return MoodleClient(fake_moodle.url, SecretStr(fake_moodle.token), sleep=lambda _seconds: None)


@pytest.fixture
def lms_config(tmp_path: Path, fake_moodle: FakeMoodle) -> Path:
    """tmp_path/lms-sync.toml for CLI tests: [moodle] url + token_file for the fake (retries without sleeping), records
    in tmp_path."""
    token_file = tmp_path / "moodle-token"
    token_file.write_text(fake_moodle.token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    config = tmp_path / "lms-sync.toml"
    config.write_text(
        f'[moodle]\nurl = "{fake_moodle.url}"\ntoken_file = "{token_file}"\nbackoff_seconds = 0\nmax_backoff_seconds = 0\n\n'
        f'[records]\nurl = "sqlite:///{tmp_path / "records.db"}"\n',
        encoding="utf-8",
    )
    return config


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    """A copy of the example catalogue (3 runs) that a test may edit."""
    target = tmp_path / "catalogue"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "catalogue", target)
    return target
