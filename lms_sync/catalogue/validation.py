"""Checks on one run's people and size that need more than one row at a time: duplicates, roles, group size.

Each finding goes to the run's `ProblemLog` with the line of the offending row and what to change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lms_sync.catalogue.model import Person
from lms_sync.catalogue.participants_csv import ParticipantRow
from lms_sync.catalogue.problems import ProblemLog


@dataclass(frozen=True)
class TrainerEntry:
    trainer: Person
    line: int


def check_trainers(trainers: Sequence[TrainerEntry], log: ProblemLog) -> None:
    first_line_of: dict[str, int] = {}
    for entry in trainers:
        email = entry.trainer.email
        if email in first_line_of:
            log.error(entry.line, f"trainer {email} is listed twice (also on line {first_line_of[email]}); remove one")
        first_line_of.setdefault(email, entry.line)


def check_participants(
    rows: Sequence[ParticipantRow], csv_path: Path, trainers: Sequence[TrainerEntry], log: ProblemLog
) -> None:
    """Duplicate e-mails (error), one name under two e-mails (warning), a trainer among the participants (error)."""
    trainer_lines = {entry.trainer.email: entry.line for entry in trainers}
    line_of_email: dict[str, int] = {}
    first_seen_name: dict[str, ParticipantRow] = {}
    for row in rows:
        person = row.participant
        if person.email in trainer_lines:
            log.error(
                row.line,
                f"{person.email} is a trainer of this run ({log.file}:{trainer_lines[person.email]}) and also listed "
                "as participant; remove the row (trainers are enrolled as teachers)",
                file=csv_path,
            )
        if person.email in line_of_email:
            log.error(
                row.line,
                f"e-mail {person.email} is listed twice (also on line {line_of_email[person.email]}); remove one row",
                file=csv_path,
            )
            continue
        line_of_email[person.email] = row.line
        name_key = person.fullname.casefold()
        earlier = first_seen_name.setdefault(name_key, row)
        if earlier is not row:
            log.warning(
                row.line,
                f"{person.fullname} is listed twice (line {earlier.line} as {earlier.participant.email}, here as "
                f"{person.email}); remove one row if this is the same person",
                file=csv_path,
            )


def check_template(template: str, line: int, template_capacity: Mapping[str, tuple[int, int]], log: ProblemLog) -> None:
    if template not in template_capacity:
        known = ", ".join(sorted(template_capacity)) or "none"
        log.error(line, f"template {template!r} is unknown (known templates: {known}); fix the name or add the template")


def check_group_size(
    count: int, capacity: tuple[int, int], line: int, log: ProblemLog, *, strict: bool
) -> None:
    smallest, largest = capacity
    if smallest <= count <= largest:
        return
    message = (
        f"{count} participants is outside the template's group size of {smallest} to {largest}; "
        + ("add participants" if count < smallest else "split the group into two runs")
        + (" (an error because of --strict)" if strict else " (a warning; --strict makes it an error)")
    )
    (log.error if strict else log.warning)(line, message)
