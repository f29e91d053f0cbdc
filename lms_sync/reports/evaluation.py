"""The evaluation report's content: per questionnaire, response rates, per-item distributions (rated and choice items) and
number summaries (numeric items) per run, trainer and all runs, plus free texts. Pure: built from `RecordsStore.evaluation_data`.

Answers of a run with fewer than `min_responses` answers are withheld everywhere — in its own row, in the trainer and
total rows (else subtraction would reveal them) and its free texts — so that no answer can be traced to a person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, TypeVar

from lms_sync.records.people import normalise_email
from lms_sync.records.queries import CourseEvaluation, CourseRef, EvaluationAnswer
from lms_sync.reports.choice_statistics import ChoiceStats, choice_stats, pooled_choices
from lms_sync.reports.items import ReportItem, ScalePoint, report_item
from lms_sync.reports.numeric_statistics import NumericStats, numeric_stats, pooled_numbers
from lms_sync.reports.statistics import ItemStats, item_stats, pooled, response_rate

ScopeKind = Literal["run", "template", "trainer"]
RowKind = Literal["run", "trainer", "total"]
ALL_RUNS_CAPTION = "Alle Durchgänge"
MIN_RESPONSES = 3
StatsT = TypeVar("StatsT", ItemStats, ChoiceStats, NumericStats)


@dataclass(frozen=True)
class EvaluationScope:
    """Which courses a report covers: one run, all runs of a template, or all runs a trainer taught."""

    kind: ScopeKind
    value: str

    def __post_init__(self) -> None:
        # A trainer is looked up and named by the stored (lower-case) spelling of the address, however it was typed.
        if self.kind == "trainer":
            object.__setattr__(self, "value", normalise_email(self.value))


def run_caption(course: CourseRef) -> str:
    """How a report names a course: its catalogue run, else its Moodle idnumber, else its short name."""
    return course.run_id or course.idnumber or course.shortname


@dataclass(frozen=True)
class RunResponses:
    """Response rate of one questionnaire in one run: respondents / enrolled participants."""

    course: CourseRef
    trainers: tuple[str, ...]
    participants: int
    respondents: int

    @property
    def caption(self) -> str:
        return run_caption(self.course)

    @property
    def rate(self) -> float | None:
        return response_rate(self.respondents, self.participants)


@dataclass(frozen=True)
class StatsRow(Generic[StatsT]):
    """One row of an item's chart: the answers of one run, of one trainer's runs, or of all runs."""

    kind: RowKind
    caption: str
    stats: StatsT
    run: RunResponses | None = None
    """The run's response figures, for rows of kind "run"."""
    withheld_n: int | None = None
    """Set when the row has too few answers to be shown: their number; `stats` then counts nothing."""

    @property
    def withheld(self) -> bool:
        return self.withheld_n is not None

    @property
    def n(self) -> int:
        return self.stats.n if self.withheld_n is None else self.withheld_n


@dataclass(frozen=True)
class FreeText:
    """A free-text answer with the run it came from; never who wrote it."""

    run: str
    text: str


@dataclass(frozen=True)
class ItemSection:
    """An item of the questionnaire: rated items carry rows, choice items choice rows, numeric items numeric rows,
    free-text items answers."""

    item: ReportItem
    rows: tuple[StatsRow[ItemStats], ...] = ()
    choice_rows: tuple[StatsRow[ChoiceStats], ...] = ()
    numeric_rows: tuple[StatsRow[NumericStats], ...] = ()
    answers: tuple[FreeText, ...] = ()
    withheld_runs: tuple[str, ...] = ()
    """Runs whose answers to this item are not shown (too few), by caption."""

    def row(self, kind: RowKind, caption: str) -> StatsRow[ItemStats] | None:
        return next((row for row in self.rows if (row.kind, row.caption) == (kind, caption)), None)


@dataclass(frozen=True)
class QuestionnaireSection:
    """One questionnaire (feedback activity, matched by name across runs) with its response rates and items."""

    name: str
    anonymous: bool
    runs: tuple[RunResponses, ...]
    items: tuple[ItemSection, ...]

    @property
    def respondents(self) -> int:
        return sum(run.respondents for run in self.runs)

    @property
    def participants(self) -> int:
        return sum(run.participants for run in self.runs)

    @property
    def rate(self) -> float | None:
        return response_rate(self.respondents, self.participants)

    @property
    def comparison_columns(self) -> tuple[tuple[RowKind, str], ...]:
        """(kind, caption) of every row of the rated items, first-seen order: the columns of the means overview."""
        columns = dict.fromkeys((row.kind, row.caption) for section in self.items for row in section.rows)
        return tuple(columns)

    @property
    def common_scale(self) -> tuple[ScalePoint, ...] | None:
        """The answer scale when all rated items share one, so the report shows a single legend."""
        scales = {section.item.scale for section in self.items if section.item.kind == "rated"}
        return scales.pop() if len(scales) == 1 else None


@dataclass(frozen=True)
class EvaluationReport:
    scope: EvaluationScope
    title: str
    generated_at: datetime
    questionnaires: tuple[QuestionnaireSection, ...]
    min_responses: int = MIN_RESPONSES


def _items_in_order(evaluations: Sequence[CourseEvaluation]) -> list[ReportItem]:
    """The items of all runs, in the first run's order, items only later runs have appended."""
    seen: dict[str, ReportItem] = {}
    for evaluation in evaluations:
        for stored in evaluation.items:
            item = report_item(stored)
            if item is not None and item.key not in seen:
                seen[item.key] = item
            elif item is not None and item.kind == seen[item.key].kind == "choice":
                # Options added to the questionnaire in a later run still get their own bar.
                seen[item.key] = seen[item.key].with_options_of(item)
    return list(seen.values())


def _answers_to(evaluation: CourseEvaluation, item: ReportItem) -> list[EvaluationAnswer] | None:
    """The answers to `item` in this run, or None when the run's questionnaire lacks the item."""
    # The kind too: a label reused for another type of question in a later run must not mix two kinds of answers.
    ids = {
        stored.moodle_item_id
        for stored in evaluation.items
        if (found := report_item(stored)) and (found.key, found.kind) == (item.key, item.kind)
    }
    if not ids:
        return None
    return [answer for response in evaluation.responses for item_id, answer in response.answers.items() if item_id in ids]


def _texts(evaluation: CourseEvaluation, item: ReportItem) -> list[FreeText]:
    return [
        FreeText(run_caption(evaluation.course), answer.text_value.strip())
        for answer in _answers_to(evaluation, item) or ()
        if answer.text_value and answer.text_value.strip()
    ]


def _rated_stats(answers: Sequence[EvaluationAnswer], item: ReportItem) -> ItemStats:
    return item_stats((a.numeric_value for a in answers if a.numeric_value is not None), item.scale_values)


def _choice_stats(answers: Sequence[EvaluationAnswer], item: ReportItem) -> ChoiceStats:
    return choice_stats((answer.text_value for answer in answers), item.options)


def _numeric_stats(answers: Sequence[EvaluationAnswer], item: ReportItem) -> NumericStats:
    return numeric_stats(answer.numeric_value for answer in answers if answer.numeric_value is not None)


def _rows(
    runs: Sequence[tuple[CourseEvaluation, RunResponses]],
    item: ReportItem,
    scope: EvaluationScope,
    trainer_names: Mapping[str, str],
    count: Callable[[Sequence[EvaluationAnswer], ReportItem], StatsT],
    pool: Callable[[Iterable[StatsT]], StatsT],
    min_responses: int,
) -> tuple[StatsRow[StatsT], ...]:
    """A row per run that asked `item`; with several runs also per trainer (template scope) and all runs pooled.

    Pooled rows take only the runs that are shown themselves, and are withheld in turn when they have too few answers.
    """
    nothing = count([], item)
    per_run = [
        (evaluation, run, count(answers, item))
        for evaluation, run in runs
        if (answers := _answers_to(evaluation, item)) is not None
    ]
    rows = [
        StatsRow("run", run.caption, nothing, run, withheld_n=stats.n) if 0 < stats.n < min_responses
        else StatsRow("run", run.caption, stats, run)
        for _, run, stats in per_run
    ]
    if len(per_run) < 2:
        return tuple(rows)

    def pooled_row(kind: RowKind, caption: str, members: Sequence[tuple[StatsT, bool]]) -> StatsRow[StatsT]:
        shown: list[StatsT] = [nothing]  # first, so a pool of withheld runs only still lists every value at 0
        shown += [one for one, withheld in members if not withheld]
        stats = pool(shown)
        answered = sum(one.n for one, _ in members)
        if stats.n < min_responses and answered:
            return StatsRow(kind, caption, nothing, withheld_n=answered)
        return StatsRow(kind, caption, stats)

    members = [(evaluation, (stats, row.withheld)) for (evaluation, _, stats), row in zip(per_run, rows, strict=True)]
    if scope.kind == "template":
        trainers = sorted(
            {email for evaluation, _, _ in per_run for email in evaluation.trainer_emails}, key=lambda email: trainer_names[email]
        )
        rows += [
            pooled_row("trainer", trainer_names[email], [m for e, m in members if email in e.trainer_emails])
            for email in trainers
        ]
    rows.append(pooled_row("total", ALL_RUNS_CAPTION, [m for _, m in members]))
    return tuple(rows)


def _withheld(rows: Sequence[StatsRow[StatsT]]) -> tuple[str, ...]:
    return tuple(row.caption for row in rows if row.kind == "run" and row.withheld)


def _questionnaire(
    name: str,
    evaluations: Sequence[CourseEvaluation],
    scope: EvaluationScope,
    trainer_names: Mapping[str, str],
    min_responses: int,
) -> QuestionnaireSection:
    runs = [
        (
            evaluation,
            RunResponses(
                course=evaluation.course,
                trainers=tuple(sorted(trainer_names[email] for email in evaluation.trainer_emails)),
                participants=evaluation.participants,
                respondents=len(evaluation.responses),
            ),
        )
        for evaluation in evaluations
    ]
    sections = []
    for item in _items_in_order(evaluations):
        if item.kind == "rated":
            rows = _rows(runs, item, scope, trainer_names, _rated_stats, pooled, min_responses)
            sections.append(ItemSection(item, rows=rows, withheld_runs=_withheld(rows)))
        elif item.kind == "choice":
            choice_rows = _rows(runs, item, scope, trainer_names, _choice_stats, pooled_choices, min_responses)
            sections.append(ItemSection(item, choice_rows=choice_rows, withheld_runs=_withheld(choice_rows)))
        elif item.kind == "numeric":
            numeric_rows = _rows(runs, item, scope, trainer_names, _numeric_stats, pooled_numbers, min_responses)
            sections.append(ItemSection(item, numeric_rows=numeric_rows, withheld_runs=_withheld(numeric_rows)))
        else:
            texts = [(e, _texts(e, item)) for e in evaluations]
            shown = tuple(t for e, found in texts if len(e.responses) >= min_responses for t in found)
            withheld = tuple(run_caption(e.course) for e, found in texts if found and len(e.responses) < min_responses)
            sections.append(ItemSection(item, answers=shown, withheld_runs=withheld))
    return QuestionnaireSection(
        name=name, anonymous=any(e.anonymous for e in evaluations), runs=tuple(run for _, run in runs), items=tuple(sections)
    )


def _title(scope: EvaluationScope, evaluations: Sequence[CourseEvaluation], trainer_names: Mapping[str, str]) -> str:
    if scope.kind == "run":
        return f"Evaluationsbericht: {evaluations[0].course.fullname} ({scope.value})"
    runs = len({(e.course.site_url, e.course.moodle_id) for e in evaluations})
    counted = f"{runs} Durchgang" if runs == 1 else f"{runs} Durchgänge"
    if scope.kind == "template":
        return f"Evaluationsbericht: Format {scope.value} – {counted}"
    return f"Evaluationsbericht: {trainer_names.get(scope.value, scope.value)} – {counted}"


def build_evaluation_report(
    scope: EvaluationScope,
    evaluations: Sequence[CourseEvaluation],
    trainer_names: Mapping[str, str],
    generated_at: datetime,
    *,
    min_responses: int = MIN_RESPONSES,
) -> EvaluationReport:
    """Group the (non-empty) evaluations by questionnaire name, first-seen order, and compute every number shown.

    `trainer_names` maps each trainer e-mail in `evaluations` (and a trainer scope's e-mail) to the printed name;
    answers of a run with fewer than `min_responses` answers are withheld (see the module's docstring).
    """
    by_name: dict[str, list[CourseEvaluation]] = {}
    for evaluation in evaluations:
        by_name.setdefault(evaluation.feedback_name, []).append(evaluation)
    questionnaires = tuple(
        _questionnaire(name, group, scope, trainer_names, min_responses) for name, group in by_name.items()
    )
    title = _title(scope, evaluations, trainer_names)
    return EvaluationReport(scope=scope, title=title, generated_at=generated_at, questionnaires=questionnaires,
                            min_responses=min_responses)
