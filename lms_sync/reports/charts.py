"""Geometry of the inline SVG charts: a stacked bar per row (a segment per scale value), a mean marker, a bar per option.

Computed here rather than in the template so bar widths are exact, testable numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lms_sync.reports.choice_statistics import UNKNOWN_OPTION
from lms_sync.reports.statistics import ItemStats

BAR_WIDTH = 360.0
BAR_HEIGHT = 22.0
MEAN_AXIS_WIDTH = 150.0
MEAN_AXIS_PADDING = 8.0
# Diverging colours from "disagree" to "agree" (ColorBrewer RdBu, readable by the common colour-blind types and in grey).
_PALETTE_5 = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac")
_DARK_COLOURS = {"#b2182b", "#2166ac"}
CHOICE_BAR_WIDTH = 240.0
CHOICE_BAR_HEIGHT = 16.0
# Unrated options have no order from "disagree" to "agree": one calm colour, grey for answers matching no option.
_CHOICE_COLOUR = "#2166ac"
_UNKNOWN_COLOUR = "#969696"
MIN_LABELLED_WIDTH = 16.0
"""Narrower segments carry no count label: the digits would not fit; the table beside the chart has them."""


@dataclass(frozen=True)
class Segment:
    value: int
    count: int
    x: float
    width: float
    colour: str

    @property
    def label_colour(self) -> str:
        return "#ffffff" if self.colour in _DARK_COLOURS else "#1a1a1a"

    @property
    def labelled(self) -> bool:
        return self.width >= MIN_LABELLED_WIDTH


def scale_colours(values: Sequence[int]) -> dict[int, str]:
    """A colour per scale value, spread over the diverging palette so the middle value stays neutral."""
    if len(values) == 1:
        return {values[0]: _PALETTE_5[2]}
    last = len(_PALETTE_5) - 1
    return {value: _PALETTE_5[round(index * last / (len(values) - 1))] for index, value in enumerate(values)}


def stacked_segments(stats: ItemStats) -> tuple[Segment, ...]:
    """Segments left to right in scale order, each as wide as its share of the answers (empty ones left out)."""
    colours = scale_colours(tuple(stats.counts))
    segments = []
    x = 0.0
    for value, count in stats.counts.items():
        width = BAR_WIDTH * stats.share(value)
        if count:
            segments.append(Segment(value, count, round(x, 2), round(width, 2), colours[value]))
        x += width
    return tuple(segments)


def _axis_x(value: float, stats: ItemStats) -> float:
    low, high = min(stats.counts), max(stats.counts)
    fraction = (value - low) / (high - low) if high > low else 0.5
    return round(MEAN_AXIS_PADDING + (MEAN_AXIS_WIDTH - 2 * MEAN_AXIS_PADDING) * fraction, 2)


def mean_position(stats: ItemStats) -> float | None:
    """Where the mean marker sits on the mean axis (None without answers); the axis runs from scale min to max."""
    return None if stats.mean is None else _axis_x(stats.mean, stats)


def mean_ticks(stats: ItemStats) -> tuple[tuple[int, float], ...]:
    """The scale values and their x positions on the mean axis, for tick marks."""
    return tuple((value, _axis_x(value, stats)) for value in stats.counts)


def choice_bar_width(share: float) -> float:
    """The filled length of an option's bar: its share of the answers, on a track as long as 100 %."""
    return round(CHOICE_BAR_WIDTH * share, 2)


def choice_colour(option: str) -> str:
    return _UNKNOWN_COLOUR if option == UNKNOWN_OPTION else _CHOICE_COLOUR
