"""The competence portfolio of one person: every rating across workshops and plans, per competency over time.

Pure: built from the records' `RatingRow`s, the frameworks (scale labels, proficiency) and the offers catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from lms_sync.competencies.framework import CompetencyFramework
from lms_sync.competencies.offers import Offer, OfferCatalogue
from lms_sync.records.queries import RatingRow


@dataclass(frozen=True)
class PortfolioPoint:
    """One rating: when, which level, whether it counts as proficient, and where it was given."""

    rated_at: datetime | None
    rating: int
    label: str
    proficient: bool
    source: str
    evidence_note: str
    plan: str
    """the learning plan's name for a plan rating, empty for a rating in a workshop"""


@dataclass(frozen=True)
class CompetencyHistory:
    """All ratings of one competency, oldest first, and the offers suggested while it is not yet reached."""

    framework_idnumber: str
    idnumber: str
    shortname: str
    levels: tuple[str, ...]
    proficient_from: int | None
    points: tuple[PortfolioPoint, ...]
    offers: tuple[Offer, ...]

    @property
    def latest(self) -> PortfolioPoint:
        return self.points[-1]

    @property
    def proficient(self) -> bool:
        return self.latest.proficient


@dataclass(frozen=True)
class Portfolio:
    email: str
    name: str
    generated_at: datetime
    competencies: tuple[CompetencyHistory, ...]

    @property
    def title(self) -> str:
        return f"Kompetenzportfolio {self.name}"


def source_caption(row: RatingRow) -> str:
    """Where a rating was given, in the institute's words: the workshop, or the learning plan by its name."""
    if row.plan_moodle_id is not None or row.course is None:
        return f"Lernplan: {row.plan_name or row.plan_moodle_id}"
    return f"Workshop {row.course.run_id or row.course.idnumber or row.course.shortname}"


def _point(row: RatingRow, framework: CompetencyFramework | None) -> PortfolioPoint:
    rating = row.rating or 0
    proficient = row.proficient
    if proficient is None:
        proficient = framework.scale.is_proficient(rating) if framework else False
    label = row.grade_label or (framework.scale.label(rating) if framework else "") or str(rating)
    plan = "" if row.plan_moodle_id is None else row.plan_name or str(row.plan_moodle_id)
    return PortfolioPoint(row.rated_at, rating, label, proficient, source_caption(row), row.evidence_note, plan)


def _each_plan_rating_once(rows: Sequence[RatingRow]) -> list[RatingRow]:
    """A plan rating is stored with every course that pulled it (courses sharing a competency): count it once."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for row in rows:
        key = (row.framework_idnumber, row.competency_idnumber, row.plan_moodle_id, row.rated_at, row.rating)
        if row.plan_moodle_id is not None and key in seen:
            continue
        seen.add(key)
        kept.append(row)
    return kept


def build_portfolio(
    email: str,
    name: str,
    rows: Sequence[RatingRow],
    frameworks: Mapping[str, CompetencyFramework],
    offers: OfferCatalogue,
    generated_at: datetime,
) -> Portfolio:
    """Group the person's ratings by competency (framework file order, then by idnumber) and attach suggestions."""
    rated = [row for row in _each_plan_rating_once(rows) if row.rating is not None]
    grouped: dict[tuple[str, str], list[RatingRow]] = {}
    for row in rated:
        grouped.setdefault((row.framework_idnumber, row.competency_idnumber), []).append(row)

    def order(key: tuple[str, str]) -> tuple[int, str, str]:
        framework = frameworks.get(key[0])
        position = list(framework.by_idnumber()).index(key[1]) if framework and key[1] in framework.by_idnumber() else 999
        return position, key[0], key[1]

    histories = []
    for key in sorted(grouped, key=order):
        framework = frameworks.get(key[0])
        points = tuple(_point(row, framework) for row in grouped[key])
        node = framework.by_idnumber().get(key[1]) if framework else None
        # Without the framework file the scale is unknown: show the levels that occur, 1 up to the highest.
        levels = framework.scale.levels if framework else [str(v) for v in range(1, max(p.rating for p in points) + 1)]
        histories.append(CompetencyHistory(
            framework_idnumber=key[0],
            idnumber=key[1],
            shortname=node.shortname if node else grouped[key][-1].competency,
            levels=tuple(levels),
            proficient_from=framework.scale.proficient_from if framework else None,
            points=points,
            offers=() if points[-1].proficient else tuple(offers.for_competency(key[1])),
        ))
    return Portfolio(email, name, generated_at, tuple(histories))
