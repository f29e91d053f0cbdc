"""A made-up workshop run used to render every text of a template during validation.

Its title carries `&` and `<` so escaping problems show up before a real run does; one session is online, one on site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from lms_sync.certificates.model import Certificate, CertificateSession, CertificateTrainer

_BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class SampleSession:
    start: datetime
    end: datetime
    place: str | None = None
    online_url: str | None = None


@dataclass(frozen=True)
class SampleTrainer:
    name: str
    email: str


@dataclass(frozen=True)
class SampleRun:
    id: str = "2026-03-berlin"
    title: str = "Kommune & Zivilgesellschaft <Probelauf>"
    sessions: tuple[SampleSession, ...] = field(default_factory=lambda: (
        SampleSession(datetime(2026, 3, 27, 9, 30, tzinfo=_BERLIN), datetime(2026, 3, 27, 16, 30, tzinfo=_BERLIN),
                      place="Haus der Demokratie, Greifswalder Straße 4, 10405 Berlin"),
        SampleSession(datetime(2026, 3, 30, 9, 30, tzinfo=_BERLIN), datetime(2026, 3, 30, 12, 30, tzinfo=_BERLIN),
                      online_url="https://meet.example.org/kvz-2026-03"),
    ))
    trainers: tuple[SampleTrainer, ...] = (
        SampleTrainer("Dr. Jana Beispiel", "jana.beispiel@example.org"),
        SampleTrainer("Murat Muster", "murat.muster@example.org"),
    )
    participant_count: int = 10

    @property
    def start(self) -> datetime:
        return self.sessions[0].start

    @property
    def end(self) -> datetime:
        return self.sessions[-1].end


SAMPLE_RUN = SampleRun()


SAMPLE_CERTIFICATE = Certificate(
    number="BIP-TB-2026-03-BERLIN-ABCD2345",
    firstname="Özlem",
    lastname="Probe & <Test>",
    email="oezlem.probe@example.org",
    workshop_title="Kommune & Zivilgesellschaft <Probelauf>",
    run_id=SAMPLE_RUN.id,
    sessions=tuple(CertificateSession(s.start, s.end, None if s.online_url else s.place) for s in SAMPLE_RUN.sessions),
    topics=("Akteure & Rollen", "Konflikte <bearbeiten>"),
    competencies=("Akteure, Motivationen und Rollen erkennen",),
    trainers=(CertificateTrainer("Dr. Jana Beispiel", "Institut <Beispiel>"), CertificateTrainer("Murat Muster", None)),
    issued_on=date(2026, 4, 1),
    completed=True,
)
"""A made-up certificate of the sample run, for validating a template's certificate HTML."""
