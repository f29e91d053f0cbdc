"""Read queries the reports need beyond `RecordsStore`'s own: the names of trainers, by e-mail address.

Runs on the store's engine with the records schema's tables, read-only.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from lms_sync.records.people import normalise_email
from lms_sync.records.schema import people
from lms_sync.records.store import RecordsStore


def person_names(store: RecordsStore, emails: Iterable[str]) -> dict[str, str]:
    """E-mail -> "Vorname Nachname" for every address given; the address itself when no name is stored."""
    wanted = sorted({normalise_email(email) for email in emails})
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(people.c.email, people.c.firstname, people.c.lastname).where(people.c.email.in_(wanted))
        ).all()
    found = {email: f"{firstname} {lastname}".strip() for email, firstname, lastname in rows}
    return {email: found.get(email) or email for email in wanted}
