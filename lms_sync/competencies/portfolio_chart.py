"""Geometry of the per-competency SVG chart: the level over time as dots joined by a line, the proficiency threshold
dashed. Computed here so the template only draws, and the positions are testable numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms_sync.competencies.portfolio import CompetencyHistory

LABEL_WIDTH = 120.0
STEP_WIDTH = 110.0
ROW_HEIGHT = 30.0
TOP = 14.0
BOTTOM = 34.0
"""room for the date labels under the axis"""


@dataclass(frozen=True)
class ChartDot:
    x: float
    y: float
    rating: int
    proficient: bool
    point_index: int


@dataclass(frozen=True)
class LevelChart:
    width: float
    height: float
    plot_left: float
    plot_right: float
    levels: tuple[tuple[float, str], ...]
    """(y, label) per scale level, level 1 at the bottom"""
    threshold_y: float | None
    dots: tuple[ChartDot, ...]

    @property
    def line(self) -> str:
        return " ".join(f"{dot.x:g},{dot.y:g}" for dot in self.dots)


def level_chart(history: CompetencyHistory) -> LevelChart:
    count = len(history.levels)
    plot_left = LABEL_WIDTH
    width = plot_left + STEP_WIDTH * max(len(history.points), 1) + 20

    def y_of(level: float) -> float:
        return TOP + (count - level) * ROW_HEIGHT

    dots = tuple(
        ChartDot(plot_left + STEP_WIDTH * (index + 0.5), y_of(point.rating), point.rating, point.proficient, index)
        for index, point in enumerate(history.points)
    )
    # The threshold sits half a row below the lowest proficient level: dots above it count as reached.
    threshold = y_of(history.proficient_from - 0.5) if history.proficient_from else None
    return LevelChart(
        width=width,
        height=y_of(1) + BOTTOM,
        plot_left=plot_left,
        plot_right=width - 10,
        levels=tuple((y_of(level), label) for level, label in enumerate(history.levels, start=1)),
        threshold_y=threshold,
        dots=dots,
    )
