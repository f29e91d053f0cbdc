"""What a stored feedback item is in a report: a rated item with its scale, a free-text question, or a block heading.

Reads Moodle's presentation strings through `lms_sync.blueprint.describe`, the one place that knows their format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lms_sync.blueprint import describe
from lms_sync.records.queries import EvaluationItem

ItemKind = Literal["rated", "text", "heading"]
_KIND_BY_SHAPE: dict[str, ItemKind] = {"likert": "rated", "textarea": "text", "textfield": "text", "label": "heading"}


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


def _scale(item: EvaluationItem, option_texts: tuple[str, ...]) -> tuple[ScalePoint, ...]:
    if item.scale_min is not None and item.scale_max is not None:
        values = range(int(item.scale_min), int(item.scale_max) + 1)
    else:
        values = range(1, len(option_texts) + 1)
    # Option texts belong to values by position; a scale whose texts do not fit is shown with bare numbers.
    texts = option_texts if len(option_texts) == len(values) else tuple(str(value) for value in values)
    return tuple(ScalePoint(value, text) for value, text in zip(values, texts, strict=True))


def report_item(item: EvaluationItem) -> ReportItem | None:
    """The item in report terms, or None for items a report does not show (page breaks, unrated choices, captcha...)."""
    shape = describe(item.typ, item.question, item.label, item.presentation, False)
    kind = _KIND_BY_SHAPE.get(shape.kind)
    if kind is None:
        return None
    scale = _scale(item, shape.options) if kind == "rated" else ()
    if kind == "rated" and not scale:
        return None
    key = item.label or shape.question
    return ReportItem(key=key, label=item.label, question=shape.question, kind=kind, scale=scale)
