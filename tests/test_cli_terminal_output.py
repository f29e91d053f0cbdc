"""Colour and progress only on a terminal: a real pseudo-terminal says yes, a pipe, NO_COLOR and --json say no;
push on a terminal tells how far the blueprint imports are, run by run."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from lms_sync.cli import output
from tests.fake_moodle import FakeMoodle
from tests.test_push_e2e import run_cli, seed_accounts, seed_blueprint, seed_competency_scale, write_config


@pytest.fixture
def terminal() -> Iterator[IO[str]]:
    main_end, terminal_end = os.openpty()
    with os.fdopen(terminal_end, "w") as stream:
        yield stream
    os.close(main_end)


@pytest.fixture
def pipe() -> Iterator[IO[str]]:
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as stream:
        yield stream


def test_colour_on_a_terminal_only_and_never_with_no_color(terminal, pipe, monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert output.colour_enabled(terminal) and not output.colour_enabled(pipe)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not output.colour_enabled(terminal)


def test_progress_on_a_terminal_stderr_only_and_never_under_json(terminal, pipe, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stderr", terminal)
    assert output.progress_enabled() and not output.progress_enabled(as_json=True)
    monkeypatch.setattr(sys, "stderr", pipe)
    assert not output.progress_enabled()


def test_push_on_a_terminal_counts_the_imports_run_by_run(fake_moodle: FakeMoodle, catalogue: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    seed_blueprint(fake_moodle)
    seed_accounts(fake_moodle, catalogue)
    config = write_config(fake_moodle, tmp_path, catalogue, seed_competency_scale(fake_moodle))
    monkeypatch.setattr("lms_sync.cli.plan_cmd.progress_enabled", lambda as_json=False: not as_json)

    pushed = run_cli(config, "push")

    assert pushed.exit_code == 0, pushed.output
    counted = sorted(line.split()[-1] for line in pushed.stderr.splitlines() if line.startswith("… imported "))
    assert counted == ["(1/3)", "(2/3)", "(3/3)"], pushed.stderr
    assert "… reading Moodle" in pushed.stderr
    quiet = run_cli(config, "push", "--json")
    assert "…" not in quiet.stderr
