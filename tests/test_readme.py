"""The README's promises that code can check: the commands it opens with, and the function list for admins."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from lms_sync.cli import main
from lms_sync.moodle.functions import FUNCTIONS_BY_COMMAND, OPTIONAL_FUNCTIONS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_install_main_job_and_test_command():
    block = README.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    commands = [line.split("#")[0].strip() for line in block]
    assert commands[0].startswith("python3 -m venv .venv") and "pip install -e '.[test]'" in commands[0]
    assert commands[1] == ".venv/bin/lms-sync plan --offline --catalogue examples/catalogue"
    assert commands[2] == ".venv/bin/python -m pytest"
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[2] in ci.splitlines()


def test_the_main_job_runs_offline(monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    result = CliRunner().invoke(main, ["plan", "--offline", "--catalogue", "examples/catalogue"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Plan: \d+ to create, 3 to import", result.output)


def test_readme_lists_every_function_the_admin_must_allow():
    listed = set(re.findall(r"`([a-z]+_[a-z_]+)`", README))
    needed = {name for names in FUNCTIONS_BY_COMMAND.values() for name in names} | set(OPTIONAL_FUNCTIONS)
    assert needed <= listed, sorted(needed - listed)
