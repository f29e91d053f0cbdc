"""People and their Moodle accounts: catalogue participants upserted by e-mail, Moodle users linked to a person.

A person is one e-mail address (lower-case); each Moodle site's user id for them is a row in person_accounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import Connection, and_, insert, select

from lms_sync.records.rows import TableCounts, sync_rows
from lms_sync.records.schema import forgotten_accounts, people, person_accounts
from lms_sync.records.snapshot import EnrolledUser


def normalise_email(email: str) -> str:
    """The one spelling under which an address is stored and looked up."""
    return email.strip().lower()


class Participant(BaseModel):
    """A person as the catalogue knows them; the catalogue is the source of truth for names and organisation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: str
    firstname: str = ""
    lastname: str = ""
    organisation: str = ""
    sector: str = ""
    consultation_opt_in: bool = False

    @field_validator("email")
    @classmethod
    def _normalised(cls, value: str) -> str:
        value = normalise_email(value)
        if "@" not in value:
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


def upsert_people(connection: Connection, participants: Iterable[Participant], now: datetime) -> TableCounts:
    """Insert new participants and update changed names, organisation, sector and opt-in; never deletes anybody."""
    desired = {(p.email,): p.model_dump(exclude={"email"}) for p in participants}
    if not desired:
        return TableCounts()
    scope = people.c.email.in_([email for (email,) in desired])
    return sync_rows(connection, people, scope, ("email",), desired, delete_missing=False, on_insert={"created_at": now}).counts


def opted_in_emails(connection: Connection, emails: Iterable[str]) -> set[str]:
    """Which of these addresses belong to people who opted in to the consultation (the pull asks Moodle only them)."""
    wanted = sorted({normalise_email(email) for email in emails})
    if not wanted:
        return set()
    query = select(people.c.email).where(and_(people.c.email.in_(wanted), people.c.consultation_opt_in.is_(True)))
    return set(connection.scalars(query))


@dataclass
class AccountLinks:
    """The person behind each Moodle user id of a pull, and what linking them created."""

    person_by_user: dict[int, int]
    """Moodle user id -> person id; forgotten accounts and unknown users are absent."""
    people: TableCounts
    accounts: TableCounts


def _person_ids_by_email(connection: Connection, emails: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(emails))
    if not wanted:
        return {}
    rows = connection.execute(select(people.c.email, people.c.id).where(people.c.email.in_(wanted)))
    return {email: person_id for email, person_id in rows}


def _forgotten_user_ids(connection: Connection, site_id: int, user_ids: Sequence[int]) -> set[int]:
    query = select(forgotten_accounts.c.moodle_user_id).where(
        and_(forgotten_accounts.c.site_id == site_id, forgotten_accounts.c.moodle_user_id.in_(user_ids))
    )
    return set(connection.scalars(query))


def linked_persons(connection: Connection, site_id: int, user_ids: Iterable[int]) -> dict[int, int]:
    """Moodle user id -> person id for the accounts already linked on this site."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    query = select(person_accounts.c.moodle_user_id, person_accounts.c.person_id).where(
        and_(person_accounts.c.site_id == site_id, person_accounts.c.moodle_user_id.in_(wanted))
    )
    return {user_id: person_id for user_id, person_id in connection.execute(query)}


def link_enrolled_users(connection: Connection, site_id: int, users: Sequence[EnrolledUser], now: datetime) -> AccountLinks:
    """Find or create the person of every enrolled user (by account, else by e-mail) and link the account.

    People first met in Moodle (e.g. a backfilled course) are created from Moodle's names. Users whose account was
    forgotten stay unlinked, so a re-pull cannot bring an erased person back.
    """
    forgotten = _forgotten_user_ids(connection, site_id, [u.user_id for u in users])
    wanted = [user for user in users if user.user_id not in forgotten]
    person_by_user = linked_persons(connection, site_id, [u.user_id for u in wanted])
    unlinked = [user for user in wanted if user.user_id not in person_by_user]
    by_email = _person_ids_by_email(connection, (u.email for u in unlinked))
    new_people = {
        u.email: {"email": u.email, "firstname": u.firstname, "lastname": u.lastname, "organisation": u.institution}
        for u in unlinked
        if u.email not in by_email
    }
    if new_people:
        connection.execute(insert(people), [row | {"created_at": now} for row in new_people.values()])
        by_email |= _person_ids_by_email(connection, new_people)
    if unlinked:
        new_accounts = [{"site_id": site_id, "moodle_user_id": u.user_id, "person_id": by_email[u.email]} for u in unlinked]
        connection.execute(insert(person_accounts), new_accounts)
        person_by_user |= {u.user_id: by_email[u.email] for u in unlinked}
    return AccountLinks(
        person_by_user,
        people=TableCounts(inserted=len(new_people), unchanged=len(wanted) - len(new_people)),
        accounts=TableCounts(inserted=len(unlinked), unchanged=len(wanted) - len(unlinked)),
    )
