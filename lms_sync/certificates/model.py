"""What a certificate says, as plain data: the person, the workshop run, its hours, topics and competencies.

The HTML template of the course template folder sees one `Certificate` as `certificate`; nothing here renders.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from lms_sync.records.people import normalise_email


@dataclass(frozen=True)
class CertificateSession:
    """One meeting of the run, in the catalogue's local time; `place` is None for an online session."""

    start: datetime
    end: datetime
    place: str | None

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class CertificateTrainer:
    name: str
    organisation: str | None


@dataclass(frozen=True)
class Certificate:
    number: str
    firstname: str
    lastname: str
    email: str
    workshop_title: str
    """The template's official title, not the run's catalogue title."""
    run_id: str
    sessions: tuple[CertificateSession, ...]
    topics: tuple[str, ...]
    competencies: tuple[str, ...]
    trainers: tuple[CertificateTrainer, ...]
    issued_on: date
    completed: bool
    """False only for a certificate issued with --include-incomplete."""

    @property
    def name(self) -> str:
        return f"{self.firstname} {self.lastname}".strip()

    @property
    def hours(self) -> float:
        """Total hours of all sessions (clock hours, start to end)."""
        return sum(session.hours for session in self.sessions)

    @property
    def first_day(self) -> date:
        return self.sessions[0].start.date()

    @property
    def last_day(self) -> date:
        return self.sessions[-1].end.date()


def certificate_number(prefix: str, run_id: str, email: str) -> str:
    """`BIP-TB-KVZ-2027-01-7KX2M4QD`: the same for a person and run on every re-run, different across people.

    The code is the start of a hash of run and e-mail address, so no register of issued numbers is needed.
    """
    digest = hashlib.sha256(f"{run_id}\n{normalise_email(email)}".encode()).digest()
    code = base64.b32encode(digest).decode("ascii")[:8]
    return f"{prefix}-{run_id.upper()}-{code}"
