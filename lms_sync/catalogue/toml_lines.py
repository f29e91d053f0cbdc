"""Line numbers for a catalogue TOML file, found by scanning its text, because `tomllib` keeps no positions.

Knows the catalogue's shape only: `[[run]]` tables with `[[run.session]]` and `[[run.trainer]]` sub-tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*\[\[\s*(run(?:\s*\.\s*(session|trainer))?)\s*\]\]\s*(?:#.*)?$")
_OTHER_HEADER = re.compile(r"^\s*\[")
_KEY = re.compile(r"^\s*[\"']?([A-Za-z0-9_-]+)[\"']?\s*=")


@dataclass
class TableLines:
    """The header line of one table and the first line of each key in it."""

    header: int
    keys: dict[str, int] = field(default_factory=dict)

    def of(self, key: str) -> int:
        return self.keys.get(key, self.header)


@dataclass
class RunLines(TableLines):
    sessions: list[TableLines] = field(default_factory=list)
    trainers: list[TableLines] = field(default_factory=list)

    def sub_table(self, kind: str, index: int) -> TableLines:
        """Lines of the index-th session/trainer; falls back to the run's key line for inline arrays."""
        tables = self.sessions if kind == "session" else self.trainers
        if index < len(tables):
            return tables[index]
        return TableLines(header=self.of(kind))


def scan_run_lines(text: str) -> list[RunLines]:
    """One `RunLines` per `[[run]]` table, in file order (the order `tomllib` returns them)."""
    runs: list[RunLines] = []
    current: TableLines | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            kind = header.group(2)
            if kind is None:
                runs.append(RunLines(header=number))
                current = runs[-1]
            elif runs:
                current = TableLines(header=number)
                (runs[-1].sessions if kind == "session" else runs[-1].trainers).append(current)
            continue
        if _OTHER_HEADER.match(line) and not _KEY.match(line):
            current = None
            continue
        key = _KEY.match(line)
        if key and current is not None:
            current.keys.setdefault(key.group(1), number)
    return runs
