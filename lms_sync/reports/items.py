"""What a stored feedback item is in a report: a rated item with its answer scale, or a free-text question.

Reads rated options with the pull's own parser, so a scale value here is exactly the number the pull stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lms_sync.pull.feedback_reading import FREE_TEXT, RATED, Choices
from lms_sync.records.queries import EvaluationItem

ItemKind = Literal["rated", "text"]


@dataclass(frozen=True)
class ScalePoint:
    value: int
    text: str
    """The answer option as the participants saw it, e.g. "trifft eher zu"."""


@dataclass(frozen=True)
class ReportItem:
    """One questionnaire item as reports show it; `key` identifies the same item across runs of a template."""

    key: str
    label: str
    question: str
    kind: ItemKind
    scale: tuple[ScalePoint, ...] = ()

    @property
    def scale_values(self) -> tuple[int, ...]:
        return tuple(point.value for point in self.scale)


def _scale(presentation: str) -> tuple[ScalePoint, ...]:
    choices = Choices.parse(presentation)
    # As in the pull: an option's rated value ("4####trifft eher zu"), else its 1-based position.
    points = {
        value if value is not None else float(position): label
        for position, (value, label) in enumerate(zip(choices.values, choices.labels, strict=True), start=1)
    }
    return tuple(ScalePoint(int(value), label) for value, label in sorted(points.items()) if value.is_integer())


def report_item(item: EvaluationItem) -> ReportItem | None:
    """The item in report terms, or None for items a report does not show (unrated choices, numbers...)."""
    key = item.label or item.question
    if item.typ in FREE_TEXT:
        return ReportItem(key=key, label=item.label, question=item.question, kind="text")
    if item.typ == RATED and (scale := _scale(item.presentation)):
        return ReportItem(key=key, label=item.label, question=item.question, kind="rated", scale=scale)
    return None
