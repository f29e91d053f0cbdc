"""Fixtures for tests against the real Moodle of ../shared/moodle/ (`eval "$(bash ../shared/moodle/up.sh)"`).

Without it the live tests skip with one line; under CI=true they fail instead, so CI can never skip them silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live.site import ENV_URL, LiveMoodle
from tests.live.world import Templates, copy_template, restore_blueprint

REASON = f'no live Moodle ({ENV_URL} is not set): eval "$(bash ../shared/moodle/up.sh)"'


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.live)
            # One site for all, and the crash tests stop its web server: under pytest-xdist (`--dist loadgroup`,
            # the default in pyproject.toml) the live tests run one after another on one worker.
            item.add_marker(pytest.mark.xdist_group("live-moodle"))


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
