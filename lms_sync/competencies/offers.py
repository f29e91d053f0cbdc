"""The further-training offers (`course_templates/competencies/offers.toml`): the institute's own and other providers'.

Each offer names the competencies it develops, so the portfolio report can suggest offers for gaps.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lms_sync.competencies.framework import CompetencyFramework
from lms_sync.competencies.toml_file import read_toml_model
from lms_sync.templates.model import CompetencyId
from lms_sync.templates.problems import TemplateError, TemplateProblem
from lms_sync.templates.toml_locations import line_of

LEVEL_LABELS = {"einstieg": "Einstieg", "vertiefung": "Vertiefung"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Offer(_Strict):
    """One further-training offer and the competencies it addresses."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    title: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    provider_kind: Literal["eigenes", "extern"]
    url: str
    level: Literal["einstieg", "vertiefung"]
    competencies: list[CompetencyId] = Field(min_length=1)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"{value!r} must be a web address starting with https://")
        return value

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


class OfferCatalogue(_Strict):
    offers: list[Offer] = Field(default_factory=list)

    def for_competency(self, idnumber: str) -> list[Offer]:
        """The offers addressing `idnumber`: the institute's own first, then entry level before advanced ones."""
        matching = [offer for offer in self.offers if idnumber in offer.competencies]
        return sorted(matching, key=lambda offer: (offer.provider_kind != "eigenes", offer.level != "einstieg"))


def check_offers(
    file: Path, frameworks: Mapping[str, CompetencyFramework]
) -> tuple[OfferCatalogue | None, list[TemplateProblem]]:
    """The offers in `file` and every problem: schema errors, twin ids, competencies no framework knows."""
    catalogue, lines, problems = read_toml_model(file, OfferCatalogue)
    if catalogue is None:
        return None, problems
    known = {idnumber for framework in frameworks.values() for idnumber in framework.by_idnumber()}
    seen: set[str] = set()
    for index, offer in enumerate(catalogue.offers):
        if offer.id in seen:
            problems.append(TemplateProblem(file, line_of(lines, ("offers", index, "id")),
                                            f"offer id {offer.id!r} appears twice", "give every offer its own id"))
        seen.add(offer.id)
        problems += [TemplateProblem(file, line_of(lines, ("offers", index, "competencies")),
                                     f"offer {offer.id!r} names unknown competency {idnumber!r}",
                                     "use an idnumber from a framework in the same folder")
                     for idnumber in offer.competencies if idnumber not in known]
    return (None if problems else catalogue), problems


def load_offers(file: Path, frameworks: Mapping[str, CompetencyFramework]) -> OfferCatalogue:
    """The valid offers in `file`; raises `TemplateError` listing every problem otherwise."""
    catalogue, problems = check_offers(file, frameworks)
    if catalogue is None:
        raise TemplateError(problems)
    return catalogue
