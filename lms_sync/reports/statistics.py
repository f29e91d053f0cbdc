"""Counts and means of one rated questionnaire item over a set of answers: the numbers every chart and CSV row shows.

Pure arithmetic on answer values; values outside the item's scale are not counted, so the mean stays on the scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ItemStats:
    """Distribution of the answers to one rated item: how many chose each scale value, and their mean."""

    counts: dict[int, int]
    """Scale value -> number of answers, with every value of the scale present (0 when nobody chose it)."""

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        if not self.n:
            return None
        return sum(value * count for value, count in self.counts.items()) / self.n

    def share(self, value: int) -> float:
        """The fraction (0..1) of answers that chose `value`."""
        return self.counts[value] / self.n if self.n else 0.0


def item_stats(values: Iterable[float], scale: Iterable[int]) -> ItemStats:
    """Count `values` per scale value; fractional or out-of-scale values (none in a rated item) are left out."""
    counts = dict.fromkeys(scale, 0)
    for value in values:
        if float(value).is_integer() and int(value) in counts:
            counts[int(value)] += 1
    return ItemStats(counts)


def pooled(stats: Iterable[ItemStats]) -> ItemStats:
    """The distribution of several groups' answers taken together (e.g. all runs of a template)."""
    counts: dict[int, int] = {}
    for one in stats:
        for value, count in one.counts.items():
            counts[value] = counts.get(value, 0) + count
    return ItemStats(dict(sorted(counts.items())))


def response_rate(respondents: int, participants: int) -> float | None:
    """Respondents per enrolled participant (None when nobody was enrolled as a participant)."""
    return respondents / participants if participants else None
