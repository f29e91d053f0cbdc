"""A click group that imports a command's module only when that command runs (or shows its own --help).

`lms-sync --help` and `--version` then start in a fraction of the time; the listing uses each command's summary line.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click

SUMMARY_LIMIT = 1_000
"""the first sentence of a command's help is listed whole (wrapped, never cut with "…")"""


class CommandGroup(click.Group):
    """A sub-group (templates, report, …): its listing shows every command's whole summary, like the root's."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, command.get_short_help_str(SUMMARY_LIMIT)) for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@dataclass(frozen=True)
class LazyCommand:
    """Where a command is defined (modules under `lms_sync.cli`) and its summary line for the group's listing."""

    modules: tuple[str, ...]
    summary: str


class LazyGroup(click.Group):
    """`lazy` maps command names to the modules that register them on this group when imported."""

    def __init__(self, *args: Any, lazy: Mapping[str, LazyCommand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy))

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            for module in self.lazy[cmd_name].modules:
                importlib.import_module(f"lms_sync.cli.{module}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The listing of `--help`: loaded commands' own short help, the others' summary, nothing imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        rows = []
        for name in names:
            command = self.commands.get(name) or click.Command(name, help=self.lazy[name].summary)
            if not command.hidden:
                rows.append((name, command.get_short_help_str(SUMMARY_LIMIT)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
