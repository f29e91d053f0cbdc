"""Every command's --json output against its JSON Schema in docs/schemas/, on success and on failure.

The test walks click's command tree, so a new command without --json or without a schema fails here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest
from click.testing import CliRunner

from lms_sync.cli import main
from tests.test_competencies_portfolio import ANNA, anna_rated_twice
from tests.test_push_e2e import REPO, seed_accounts, seed_blueprint, seed_competency_scale, write_config

SCHEMAS = REPO / "docs" / "schemas"
TEMPLATE = "kommune-zivilgesellschaft"
TRAINER = "j.hartmann@partizipation.example.org"


def command_paths(group: click.Group = main, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every runnable command as its words (`("templates", "list")`); a group that runs itself counts too."""
    ctx = click.Context(group)
    found: list[tuple[str, ...]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found += [(*path, name)] if command.invoke_without_command else []
            found += command_paths(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def command_of(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for word in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), word)
        assert found is not None
        command = found
    return command


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def one_object(stdout: str, schema_name: str) -> dict[str, Any]:
    """stdout is exactly one JSON object and it matches the schema."""
    payload = json.loads(stdout)
    jsonschema.validate(payload, schema(schema_name))
    return payload


PATHS = command_paths()


def test_every_command_has_json_and_a_schema_and_every_schema_a_command() -> None:
    assert len(PATHS) >= 19
    for path in PATHS:
        options = {name for param in command_of(path).params for name in getattr(param, "opts", [])}
        assert "--json" in options, f"lms-sync {' '.join(path)} has no --json"
        assert (SCHEMAS / f"{'-'.join(path)}.json").is_file(), f"no docs/schemas/{'-'.join(path)}.json"
    assert {p.stem for p in SCHEMAS.glob("*.json")} == {"-".join(p) for p in PATHS} | {"error"}
    for file in SCHEMAS.glob("*.json"):
        jsonschema.Draft202012Validator.check_schema(schema(file.stem))


@pytest.mark.parametrize("path", PATHS, ids="-".join)
def test_a_usage_error_under_json_is_one_error_object_on_stdout(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--json", "--no-such-option"])
    assert result.exit_code == 2
    error = one_object(result.stdout, "error")
    assert (error["code"], error["exit_code"]) == ("usage", 2) and "--no-such-option" in error["error"]


@pytest.mark.parametrize("path", [p for p in PATHS if p != ("init",)], ids="-".join)
def test_a_missing_config_under_json_is_an_input_error_object(path: tuple[str, ...], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = CliRunner().invoke(main, ["--config", str(missing), *path, *ARGUMENTS.get(path, ()), "--json"])
    assert result.exit_code == 2, result.output
    error = one_object(result.stdout, "error")
    assert (error["code"], error["exit_code"]) == ("input", 2) and str(missing) in error["error"]


ARGUMENTS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("templates", "show"): (TEMPLATE,),
    ("blueprint", "build"): (TEMPLATE,),
    ("blueprint", "verify"): (TEMPLATE,),
    ("pull",): ("--all",),
    ("runs", "show"): ("1",),
    ("report", "evaluation"): ("kvz-2027-01",),
    ("report", "certificates"): ("kvz-2027-01", "--issued", "2027-04-09"),
    ("blueprint", "adopt"): (TEMPLATE,),
    ("report", "portfolio"): (ANNA,),
    ("records", "export-person"): (TRAINER,),
    ("records", "forget"): (TRAINER, "--yes"),
}
"""the arguments each command needs besides --json (in the success run, output folders are added)"""


def test_every_command_succeeds_with_output_that_matches_its_schema(fake_moodle, catalogue, tmp_path):
    seed_blueprint(fake_moodle)
    seed_accounts(fake_moodle, catalogue)
    config = write_config(fake_moodle, tmp_path, catalogue, seed_competency_scale(fake_moodle))
    (tmp_path / "portfolio").mkdir()
    portfolio_config = anna_rated_twice(tmp_path / "portfolio", f"sqlite:///{tmp_path / 'portfolio.db'}")
    out = str(tmp_path / "out")
    extra = {("init",): (str(tmp_path / "new.toml"),), ("blueprint", "build"): ("-o", str(tmp_path / "bp.mbz")),
             ("report", "evaluation"): ("-o", out), ("report", "participation"): ("-o", out),
             ("report", "portfolio"): ("-o", out), ("report", "certificates"): ("-o", out)}
    # In this order: a push before pull, a sync before the journal, forget last.
    order = [("init",), ("templates", "list"), ("templates", "show"), ("templates", "validate"), ("blueprint", "build"),
             ("check",), ("blueprint", "adopt"), ("plan",), ("push",), ("blueprint", "verify"), ("pull",), ("sync",), ("runs",),
             ("runs", "show"), ("report", "evaluation"), ("report", "participation"), ("report", "certificates"),
             ("report", "portfolio"), ("records", "export-person"), ("records", "purge"), ("records", "forget")]
    assert sorted(order) == sorted(PATHS), "a command is missing from this walk"
    for path in order:
        settings = portfolio_config if path == ("report", "portfolio") else config
        args = ["--config", str(settings), *path, *ARGUMENTS.get(path, ()), *extra.get(path, ()), "--json"]
        result = CliRunner().invoke(main, args)
        # blueprint verify reports the drift of a blueprint made by hand (exit 1) in the same shape
        assert result.exit_code in ((0, 1) if path == ("blueprint", "verify") else (0,)), (path, result.output)
        one_object(result.stdout, "-".join(path))
