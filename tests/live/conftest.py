"""Fixtures for tests against the real Moodle of ../shared/moodle/ (`eval "$(bash ../shared/moodle/up.sh)"`).

Without it the live tests skip with one line; under CI=true they fail instead, so CI can never skip them silently.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live.ledger import SUBSET, recording
from tests.live.site import ENV_URL, LiveMoodle
from tests.live.world import Templates, copy_template, restore_blueprint

REASON = f'no live Moodle ({ENV_URL} is not set): eval "$(bash ../shared/moodle/up.sh)"'


HERE = Path(__file__).parent
LEDGER_CHECK = "test_functions_called_live.py"


def _is_live(item: pytest.Item) -> bool:
    return HERE in Path(str(item.fspath)).parents


def pytest_deselected(items: list[pytest.Item]) -> None:
    if items and any(_is_live(item) for item in items):
        items[0].config.stash[SUBSET] = "some live tests were deselected (-k, -m, --deselect, --lf)"


@pytest.hookimpl(tryfirst=True)  # before -m selects by the live mark and pytest-xdist reads the group mark
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark live tests; note whether the whole live suite runs here; run the ledger check last."""
    live = [item for item in items if _is_live(item)]
    for item in live:
        item.add_marker(pytest.mark.live)
        # One site for all, and the crash tests stop its web server: under pytest-xdist (`--dist loadgroup`,
        # the default in pyproject.toml) the live tests run one after another on one worker.
        item.add_marker(pytest.mark.xdist_group("live-moodle"))
    missing = sorted({p.name for p in HERE.glob("test_*.py")} - {Path(str(item.fspath)).name for item in live})
    # Under pytest-xdist a worker's `dist` option always reads "no"; `on_the_live_worker` fails any live test outside
    # the one group, so a ledger check that runs has seen every live test of this session in its own process.
    if missing:
        config.stash.setdefault(SUBSET, f"not collected: {', '.join(missing)}")
    config.stash.setdefault(SUBSET, "")
    items.sort(key=lambda item: Path(str(item.fspath)).name == LEDGER_CHECK)  # stable: the rest keep their order


@pytest.fixture(scope="session", autouse=True)
def lms_sync_calls() -> Iterator[Counter[str]]:
    """Every web-service function lms-sync called on the live site in this session (see tests/live/ledger.py)."""
    with recording() as calls:
        yield calls


@pytest.fixture(autouse=True)
def on_the_live_worker(request: pytest.FixtureRequest) -> None:
    """Under pytest-xdist a live test runs on the one worker of the live group, or fails saying why."""
    if hasattr(request.config, "workerinput") and not request.node.nodeid.endswith("@live-moodle"):
        pytest.fail("pytest-xdist does not keep the live tests on one worker (--dist loadgroup with a pytest it "
                    "supports, see pyproject.toml); on the one site they would disturb each other")


@pytest.fixture(scope="session")
def live_moodle() -> Iterator[LiveMoodle]:
    """The running site; skipped (failed under CI=true) when there is none."""
    site = LiveMoodle.from_environment()
    if site is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"live Moodle tests must run in CI: {REASON}")
        pytest.skip(REASON)
    yield site


@pytest.fixture
def unique() -> str:
    """A short tag that makes this test's names (run ids, categories, emails) its own on a shared site."""
    return uuid.uuid4().hex[:8]


@pytest.fixture
def live_config(tmp_path: Path, live_moodle: LiveMoodle) -> Path:
    """tmp_path/lms-sync.toml pointing lms-sync at the live site (admin token file), records in tmp_path."""
    config = tmp_path / "lms-sync.toml"
    config.write_text(
        f'[moodle]\nurl = "{live_moodle.url}"\ntoken_file = "{live_moodle.token_file}"\n\n'
        f'[records]\nurl = "sqlite:///{tmp_path / "records.db"}"\n',
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="session")
def live_templates(live_moodle: LiveMoodle, tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """A tagged copy of the bundled template whose blueprint is restored (and adopted) on the live site, once."""
    templates = copy_template(tmp_path_factory.mktemp("live-templates"), uuid.uuid4().hex[:8])
    restore_blueprint(live_moodle, templates)
    return templates
