"""Counts and shares of an unrated multiple-choice item's options over a set of answers, as charts and CSV rows show them.

Reads answers as the pull stores them: the chosen options' labels, several joined with "; " (`moodle.api.feedback.Item.answer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

UNKNOWN_OPTION = "Sonstige/unbekannt"
"""Where an answer naming no option of the item is counted (e.g. an option renamed in Moodle after it was chosen)."""
_CHOSEN_SEPARATOR = "; "  # how the pull joins several chosen labels into one text_value


@dataclass(frozen=True)
class ChoiceStats:
    """How many answered a choice item (`n`) and how many of them chose each option."""

    n: int
    counts: dict[str, int]
    """Option -> answers that chose it, every option present (0 when nobody chose it), then UNKNOWN_OPTION if any."""

    def share(self, option: str) -> float:
        """The fraction (0..1) of answers that chose `option`; with several choices allowed, shares add up to more than 1."""
        return self.counts[option] / self.n if self.n else 0.0


def chosen_options(answer: str, options: Sequence[str]) -> tuple[list[str], bool]:
    """The options an answer names, and whether part of it names none.

    Matches the longest run of "; "-joined parts first, so an option whose own label contains "; " is still one option.
    """
    parts = [part.strip() for part in answer.split(_CHOSEN_SEPARATOR)]
    known = set(options)
    chosen: list[str] = []
    unknown = False
    start = 0
    while start < len(parts):
        ends = range(len(parts), start, -1)
        end = next((end for end in ends if _CHOSEN_SEPARATOR.join(parts[start:end]) in known), None)
        if end is None:
            unknown = unknown or bool(parts[start])
            start += 1
        else:
            chosen.append(_CHOSEN_SEPARATOR.join(parts[start:end]))
            start = end
    return chosen, unknown or not chosen


def choice_stats(answers: Iterable[str | None], options: Sequence[str]) -> ChoiceStats:
    """Count each stored answer once per option it names; an answer naming no option counts under UNKNOWN_OPTION."""
    counts = dict.fromkeys(options, 0)
    n = unknown = 0
    for answer in answers:
        n += 1
        chosen, unmatched = chosen_options(answer or "", options)
        for option in dict.fromkeys(chosen):
            counts[option] += 1
        unknown += unmatched
    return ChoiceStats(n, counts | ({UNKNOWN_OPTION: unknown} if unknown else {}))


def pooled_choices(stats: Iterable[ChoiceStats]) -> ChoiceStats:
    """The answers of several groups taken together (e.g. all runs of a template), options in first-seen order."""
    counts: dict[str, int] = {}
    n = 0
    for one in stats:
        n += one.n
        for option, count in one.counts.items():
            counts[option] = counts.get(option, 0) + count
    if UNKNOWN_OPTION in counts:
        counts[UNKNOWN_OPTION] = counts.pop(UNKNOWN_OPTION)  # stays the last bar
    return ChoiceStats(n, counts)
