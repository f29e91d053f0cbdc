"""Splits a run's participants into Kleingruppen: balanced sizes, sectors and organisations spread, nobody moved.

Pure and deterministic, so a re-run with an unchanged catalogue assigns exactly the same groups.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from lms_sync.catalogue import Participant


def organisation_key(person: Participant) -> str:
    """The organisation a person belongs to: "Bezirksamt Neukölln, Jugendamt" counts as "Bezirksamt Neukölln"."""
    if not person.organisation:
        return f"<{person.email}>"  # nobody shares an unknown organisation
    return person.organisation.split(",")[0].strip().casefold()


def group_sizes(total: int, groups: int) -> list[int]:
    """Target size per group: as equal as possible, the first groups one larger."""
    return [total // groups + (1 if number < total % groups else 0) for number in range(groups)]


def allocate(
    participants: Sequence[Participant],
    groups: int,
    placed: Mapping[str, int],
    *,
    mix_by_sector: bool = True,
) -> dict[str, int]:
    """Group number (1-based) per participant email.

    `placed` (email -> group) are kept as they are. Everyone else is placed rarest sector first (so a sector with
    as many people as groups reaches every group), largest organisation first within it, each into the group with
    the fewest people of their sector, then of their organisation, then the smallest one that still has room.
    """
    if groups < 1:
        return {}
    result = {email: number for email, number in placed.items() if 1 <= number <= groups}
    by_email = {p.email: p for p in participants}
    room = dict(enumerate(group_sizes(len(set(by_email) | set(result)), groups), start=1))
    sizes: Counter[int] = Counter(result.values())
    sectors: Counter[tuple[int, str]] = Counter()
    organisations: Counter[tuple[int, str]] = Counter()
    for email, number in result.items():
        if email in by_email:
            sectors[(number, by_email[email].sector)] += 1
            organisations[(number, organisation_key(by_email[email]))] += 1
    newcomers = [p for p in participants if p.email not in result]
    sector_sizes = Counter(p.sector for p in newcomers)
    organisation_sizes = Counter(organisation_key(p) for p in newcomers)
    newcomers.sort(key=lambda p: (sector_sizes[p.sector], p.sector, -organisation_sizes[organisation_key(p)],
                                  organisation_key(p), p.lastname, p.email))
    for person in newcomers:
        organisation = organisation_key(person)

        def load(number: int, person: Participant = person, organisation: str = organisation) -> tuple[int, ...]:
            same_sector = sectors[(number, person.sector)] if mix_by_sector else 0
            return same_sector, organisations[(number, organisation)], sizes[number], number

        open_groups = [n for n in range(1, groups + 1) if sizes[n] < room[n]] or list(range(1, groups + 1))
        chosen = min(open_groups, key=load)
        result[person.email] = chosen
        sizes[chosen] += 1
        sectors[(chosen, person.sector)] += 1
        organisations[(chosen, organisation)] += 1
    return result
