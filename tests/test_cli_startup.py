"""`lms-sync --help` starts fast because commands load on use: importing the CLI (and printing its help or version)
loads none of the heavy libraries, and the listing's summaries are the commands' own first help lines."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

import lms_sync.cli
from lms_sync.cli import main
from lms_sync.cli.app import COMMANDS

HEAVY = ("sqlalchemy", "alembic", "pydantic", "httpx", "jinja2", "lms_sync.records", "lms_sync.blueprint",
         "lms_sync.templates", "lms_sync.push", "lms_sync.config")


_SCRIPT = """
import sys
from lms_sync.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sys.stdin.read().split()
print(sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy)))
"""


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_the_cli_loads_no_heavy_library_for_help_or_version(argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT, *argv], input=" ".join(HEAVY), capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_check_itself_sees_a_heavy_import() -> None:
    done = subprocess.run([sys.executable, "-c", "import httpx\n" + _SCRIPT, "--version"],
                          input=" ".join(HEAVY), capture_output=True, text=True, check=True)
    assert "'httpx'" in done.stdout


def test_every_command_is_listed_with_its_own_summary() -> None:
    modules = {name for _, name, _ in pkgutil.iter_modules(lms_sync.cli.__path__) if name.endswith("_cmd")}
    assert modules == {module for entry in COMMANDS.values() for module in entry.modules}
    for name, entry in COMMANDS.items():
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None, name
        assert command.get_short_help_str(10**6) == entry.summary, name
    assert sorted(main.commands) == sorted(COMMANDS)  # no module registers a command the table lacks


def test_help_lists_every_command_and_a_command_still_runs() -> None:
    listing = CliRunner().invoke(main, ["--help"]).output
    assert all(f"  {name} " in listing for name in COMMANDS)
    result = CliRunner().invoke(main, ["templates", "--help"])
    assert result.exit_code == 0 and result.output.startswith("Usage: main templates")
