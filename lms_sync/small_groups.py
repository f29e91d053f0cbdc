"""Splits a run's participants into Kleingruppen: balanced sizes, sectors mixed, nobody moved once placed.

Pure and deterministic, so a re-run with an unchanged catalogue assigns exactly the same groups.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from lms_sync.catalogue import Participant


def allocate(
    participants: Sequence[Participant],
    groups: int,
    placed: Mapping[str, int],
    *,
    mix_by_sector: bool = True,
) -> dict[str, int]:
    """Group number (1-based) per participant email.

    `placed` (email -> group) are kept as they are; everyone else joins the smallest group, and among equally
    small ones the group with the fewest people of their sector, so administration and civil society mix.
    """
    if groups < 1:
        return {}
    result = {email: number for email, number in placed.items() if 1 <= number <= groups}
    sizes = Counter(result.values())
    sectors: Counter[tuple[int, str]] = Counter()
    by_email = {p.email: p for p in participants}
    for email, number in result.items():
        if email in by_email:
            sectors[(number, by_email[email].sector)] += 1
    newcomers = sorted((p for p in participants if p.email not in result), key=lambda p: (p.sector, p.lastname, p.email))
    for person in newcomers:
        def load(number: int, person: Participant = person) -> tuple[int, int, int]:
            same_sector = sectors[(number, person.sector)] if mix_by_sector else 0
            return sizes[number], same_sector, number

        chosen = min(range(1, groups + 1), key=load)
        result[person.email] = chosen
        sizes[chosen] += 1
        sectors[(chosen, person.sector)] += 1
    return result
