"""docs/operations.md stays true: every lms-sync command line in it names existing commands and options, and the
environment variables it sets for systemd are the ones lms-sync reads."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from lms_sync.cli import main
from lms_sync.config import ENV_OVERRIDES

DOC = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


def command_lines() -> list[list[str]]:
    """The arguments after `lms-sync` of every shell, cron and ExecStart line in the doc's code blocks."""
    found = []
    in_code = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        match = re.search(r"(?:^|/bin/)lms-sync\s+(.*)$", line.split(" #")[0].strip())
        if in_code and match:
            found.append(shlex.split(match.group(1)))
    return found


def test_every_command_line_in_the_doc_names_existing_commands_and_options(tmp_path):
    commands = command_lines()
    assert len(commands) >= 8 and ["sync", "--quiet"] in commands
    for args in commands:
        args = [str(tmp_path / "sync.log") if arg.startswith("/var/log/") else arg for arg in args]
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert result.output.startswith(f"Usage: main {next(a for a in args if a in main.list_commands(None))}"), args


def test_the_environment_variables_the_doc_sets_are_read_by_lms_sync():
    variables = set(re.findall(r"Environment=(LMS_SYNC_\w+)=", DOC.read_text(encoding="utf-8")))
    assert variables == {"LMS_SYNC_MOODLE_TOKEN_FILE", "LMS_SYNC_CONFIG"}
    assert "LMS_SYNC_MOODLE_TOKEN_FILE" in ENV_OVERRIDES
    assert next(p for p in main.params if p.name == "config_path").envvar == "LMS_SYNC_CONFIG"
