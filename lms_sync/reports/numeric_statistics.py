"""Count, mean, median, minimum and maximum of one numeric questionnaire item (Moodle type `numeric`) over its answers.

Pure arithmetic on the numbers the pull stored; keeps the answers themselves so that pooled rows compute an exact median.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median


@dataclass(frozen=True)
class NumericStats:
    """The numbers given in answer to a numeric item, sorted; empty when nobody answered (or the row is withheld)."""

    values: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float | None:
        return sum(self.values) / self.n if self.values else None

    @property
    def median(self) -> float | None:
        return median(self.values) if self.values else None

    @property
    def minimum(self) -> float | None:
        return self.values[0] if self.values else None

    @property
    def maximum(self) -> float | None:
        return self.values[-1] if self.values else None


def numeric_stats(values: Iterable[float]) -> NumericStats:
    return NumericStats(tuple(sorted(values)))


def pooled_numbers(stats: Iterable[NumericStats]) -> NumericStats:
    """The answers of several groups taken together (e.g. all runs of a template)."""
    return numeric_stats(value for one in stats for value in one.values)
