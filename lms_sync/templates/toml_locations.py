"""Line numbers of keys in a TOML text, because stdlib tomllib parses values but forgets positions.

Maps key paths such as ("activities", 2, "section") to the line that sets them; good enough for error messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cached_property

KeyPath = tuple[str | int, ...]

_KEY_PART = r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'"""
_DOTTED_KEY = rf"(?:{_KEY_PART})(?:\s*\.\s*(?:{_KEY_PART}))*"
_ARRAY_TABLE = re.compile(rf"^\s*\[\[\s*({_DOTTED_KEY})\s*\]\]")
_TABLE = re.compile(rf"^\s*\[\s*({_DOTTED_KEY})\s*\]")
_KEY_VALUE = re.compile(rf"^\s*({_DOTTED_KEY})\s*=")
_STRINGS_AND_COMMENTS = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#.*')


def _parts(dotted: str) -> list[str]:
    return [part.strip("\"'") for part in re.findall(_KEY_PART, dotted)]


def _bracket_balance(text: str) -> int:
    bare = _STRINGS_AND_COMMENTS.sub("", text)
    return bare.count("[") + bare.count("{") - bare.count("]") - bare.count("}")


class _Scanner:
    def __init__(self) -> None:
        self.lines: dict[KeyPath, int] = {}
        self.array_table_counts: dict[KeyPath, int] = {}
        self.table: KeyPath = ()
        self.open_string: str | None = None
        self.open_array: KeyPath | None = None
        self.array_depth = 0
        self.array_items = 0

    def _resolve(self, parts: list[str]) -> KeyPath:
        # Inside [[activities]] the header [activities.x] means "x of the latest activity".
        path: KeyPath = ()
        for part in parts:
            path += (part,)
            if path in self.array_table_counts:
                path += (self.array_table_counts[path] - 1,)
        return path

    def feed(self, number: int, line: str) -> None:
        if self.open_string:
            if self.open_string in line:
                self.open_string = None
            return
        if self.open_array is not None:
            self._inside_array(number, line)
            return
        if match := _ARRAY_TABLE.match(line):
            parts = _parts(match.group(1))
            array = self._resolve(parts[:-1]) + (parts[-1],)
            self.array_table_counts[array] = self.array_table_counts.get(array, 0) + 1
            self.table = array + (self.array_table_counts[array] - 1,)
            self.lines.setdefault(array, number)
            self.lines[self.table] = number
        elif match := _TABLE.match(line):
            self.table = self._resolve(_parts(match.group(1)))
            self.lines.setdefault(self.table, number)
        elif match := _KEY_VALUE.match(line):
            path = self.table + tuple(_parts(match.group(1)))
            self.lines.setdefault(path, number)
            self._watch_value(path, line[match.end():])

    def _watch_value(self, path: KeyPath, value: str) -> None:
        for delimiter in ('"""', "'''"):
            if value.count(delimiter) % 2 == 1:
                self.open_string = delimiter
                return
        depth = _bracket_balance(value)
        if value.strip().startswith("[") and depth > 0:
            self.open_array, self.array_depth, self.array_items = path, depth, 0

    def _inside_array(self, number: int, line: str) -> None:
        assert self.open_array is not None
        if self.array_depth == 1 and line.strip().startswith(("{", '"', "'")):
            self.lines.setdefault(self.open_array + (self.array_items,), number)
            self.array_items += 1
        self.array_depth += _bracket_balance(line)
        if self.array_depth <= 0:
            self.open_array = None


class KeyLines(Mapping[KeyPath, int]):
    """The 1-based line of every key, table and array-of-tables entry of a TOML text, scanned when first asked:
    only a problem needs a line, and most files have none (the scan was a fifth of checking a template)."""

    def __init__(self, text: str) -> None:
        self._text = text

    @cached_property
    def _lines(self) -> dict[KeyPath, int]:
        scanner = _Scanner()
        for number, line in enumerate(self._text.splitlines(), start=1):
            scanner.feed(number, line)
        return scanner.lines

    def __getitem__(self, path: KeyPath) -> int:
        return self._lines[path]

    def __iter__(self) -> Iterator[KeyPath]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


def key_lines(text: str) -> KeyLines:
    """The lines of `text`'s keys (see `KeyLines`)."""
    return KeyLines(text)


def line_of(lines: Mapping[KeyPath, int], path: KeyPath) -> int | None:
    """The line of `path`, else of its nearest enclosing key or table (a missing key is reported at its table)."""
    for length in range(len(path), 0, -1):
        if path[:length] in lines:
            return lines[path[:length]]
    return None
