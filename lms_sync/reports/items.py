"""What a stored feedback item is in a report: a rated item with its scale, a choice item with its options, a numeric item
with its allowed range, or free text.

Reads options with the parser the pull reads them with (`moodle.api.feedback.Choices`): labels and values match.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from lms_sync.moodle.api.feedback import CHOICE, FREE_TEXT, NUMERIC, RATED, Choices
from lms_sync.records.queries import EvaluationItem

ItemKind = Literal["rated", "choice", "numeric", "text"]
_CHECKBOXES = "c>>>>>"  # presentation prefix of a multichoice item that allows several options (Moodle subtype "c")


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
    options: tuple[str, ...] = ()
    """The options of a choice item, in the questionnaire's order."""
    multiple: bool = False
    """A choice item whose participants may pick several options."""
    range_min: float | None = None
    range_max: float | None = None
    """The bounds a numeric item allowed in Moodle (None when not set); shown only, answers are never filtered by them."""

    def with_options_of(self, other: ReportItem) -> ReportItem:
        """This choice item also offering the options only `other` (the same item in a later run) has."""
        added = tuple(option for option in other.options if option not in self.options)
        return replace(self, options=self.options + added, multiple=self.multiple or other.multiple)

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


def _bound(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:  # "" (no bound set) or anything Moodle did not write
        return None


def report_item(item: EvaluationItem) -> ReportItem | None:
    """The item in report terms, or None for items a report does not show (choices without options, unknown types...)."""
    key = item.label or item.question
    if item.typ in FREE_TEXT:
        return ReportItem(key=key, label=item.label, question=item.question, kind="text")
    if item.typ == RATED and (scale := _scale(item.presentation)):
        return ReportItem(key=key, label=item.label, question=item.question, kind="rated", scale=scale)
    if item.typ == CHOICE and (options := tuple(dict.fromkeys(Choices.parse(item.presentation).labels))):
        multiple = item.presentation.startswith(_CHECKBOXES)
        return ReportItem(key=key, label=item.label, question=item.question, kind="choice", options=options, multiple=multiple)
    if item.typ == NUMERIC:
        # Moodle's presentation of a numeric item is "min|max", either side empty when not set ("0|100", "|").
        low, _, high = item.presentation.partition("|")
        return ReportItem(key=key, label=item.label, question=item.question, kind="numeric",
                          range_min=_bound(low), range_max=_bound(high))
    return None
