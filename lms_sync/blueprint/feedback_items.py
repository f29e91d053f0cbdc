"""Translates questionnaire items to Moodle feedback items (typ + presentation string) and back.

The reverse direction reads what Moodle stores, so `verify` and the tests compare items in the template's own terms.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from lms_sync.blueprint.content import FeedbackItem
from lms_sync.templates import QuestionnaireItem

# Separators of mod_feedback's presentation strings (see mod/feedback/item/multichoice*/lib.php).
TYPE_SEPARATOR = ">>>>>"
LINE_SEPARATOR = "|"
VALUE_SEPARATOR = "####"
RESERVED = (TYPE_SEPARATOR, LINE_SEPARATOR, VALUE_SEPARATOR)
HORIZONTAL = "h"
TEXTAREA_SIZE = "60|5"  # columns|rows
TEXTFIELD_SIZE = "30|255"  # width|maxlength

_TAG = re.compile(r"<[^>]*>")


class ItemEncodingError(ValueError):
    """An item's text cannot be stored in Moodle's presentation format (it contains a separator)."""


@dataclass(frozen=True)
class ItemShape:
    """An item in the template's terms; what `verify` and the round-trip compare."""

    kind: str
    label: str
    question: str
    required: bool = False
    options: tuple[str, ...] = ()
    multiple: bool = False


def shape_of(item: QuestionnaireItem) -> ItemShape:
    """The template item as it should come back from Moodle (the Likert scale plays the part of options)."""
    options = item.scale if item.kind == "likert" else item.options
    return ItemShape(
        kind=item.kind,
        label=item.label or "",
        question=item.question or "",
        required=item.required,
        options=tuple(options or ()),
        multiple=item.multiple,
    )


def _checked(texts: list[str], where: str) -> list[str]:
    for text in texts:
        for separator in RESERVED:
            if separator in text:
                raise ItemEncodingError(f"{where}: {text!r} contains {separator!r}, which Moodle uses as a separator")
    return texts


def to_feedback_item(item: QuestionnaireItem) -> FeedbackItem:
    """The feedback_item row Moodle's own form would store for this questionnaire item."""
    where = f"questionnaire item {item.label or item.kind!r}"
    label = item.label or ""
    question = item.question or ""
    required = int(item.required)
    if item.kind == "likert":
        scale = _checked(list(item.scale or ()), where)
        lines = [f"{value}{VALUE_SEPARATOR}{text}" for value, text in enumerate(scale, start=1)]
        presentation = "r" + TYPE_SEPARATOR + LINE_SEPARATOR.join(lines)
        return FeedbackItem("multichoicerated", question, label, presentation, 1, required, HORIZONTAL)
    if item.kind == "multichoice":
        subtype = "c" if item.multiple else "r"
        presentation = subtype + TYPE_SEPARATOR + LINE_SEPARATOR.join(_checked(list(item.options or ()), where))
        return FeedbackItem("multichoice", question, label, presentation, 1, required, HORIZONTAL)
    if item.kind == "textarea":
        return FeedbackItem("textarea", question, label, TEXTAREA_SIZE, 1, required, "")
    if item.kind == "textfield":
        return FeedbackItem("textfield", question, label, TEXTFIELD_SIZE, 1, required, "")
    if item.kind == "label":
        # A feedback label shows HTML from its presentation; the template's text is plain, so escape it.
        return FeedbackItem("label", "", label, html.escape(question, quote=False), 0, 0, "")
    return FeedbackItem("pagebreak", "", "", "", 0, 0, "")


def describe(typ: str, name: str, label: str, presentation: str, required: bool) -> ItemShape:
    """Read a feedback item as Moodle stores or reports it back into the template's terms."""
    if typ == "multichoicerated":
        _, _, lines = presentation.partition(TYPE_SEPARATOR)
        scale = tuple(line.partition(VALUE_SEPARATOR)[2] for line in lines.split(LINE_SEPARATOR) if line)
        return ItemShape("likert", label, name, required, scale)
    if typ == "multichoice":
        subtype, _, lines = presentation.partition(TYPE_SEPARATOR)
        options = tuple(line for line in lines.split(LINE_SEPARATOR) if line)
        return ItemShape("multichoice", label, name, required, options, multiple=subtype == "c")
    if typ in ("textarea", "textfield"):
        return ItemShape(typ, label, name, required)
    if typ == "label":
        return ItemShape("label", label, html.unescape(_TAG.sub("", presentation)).strip())
    if typ == "pagebreak":
        return ItemShape("pagebreak", "", "")
    # Item types the template cannot express (numeric, captcha, info ...) are reported under Moodle's own name.
    return ItemShape(typ, label, name, required)


def describe_stored(item: FeedbackItem) -> ItemShape:
    return describe(item.typ, item.name, item.label, item.presentation, bool(item.required))
