"""Decide who gets a certificate for a run and fill in what it says, from records, catalogue, template and framework.

Pure: no I/O. Problems that stop the whole run raise `CertificateError` with what to do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from lms_sync.catalogue import WorkshopRun
from lms_sync.certificates.model import Certificate, CertificateSession, CertificateTrainer, certificate_number
from lms_sync.competencies.framework import CompetencyFramework
from lms_sync.records.people import normalise_email
from lms_sync.records.queries import ParticipationRow
from lms_sync.templates import CourseTemplate

NOT_COMPLETED = "course not completed in Moodle (as last pulled)"
SUSPENDED = "enrolment suspended in Moodle"


class CertificateError(Exception):
    """Nothing can be issued for the run as asked; the message names the cause and the fix."""


@dataclass(frozen=True)
class Skipped:
    email: str
    name: str
    reason: str


@dataclass(frozen=True)
class CertificateBatch:
    """The certificates of one run to write, and the participants who get none (with why)."""

    template: CourseTemplate
    certificates: tuple[Certificate, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class _RunContent:
    """Everything that is the same on every certificate of the run."""

    workshop_title: str
    sessions: tuple[CertificateSession, ...]
    topics: tuple[str, ...]
    competencies: tuple[str, ...]
    trainers: tuple[CertificateTrainer, ...]


def _competency_names(template: CourseTemplate, frameworks: Mapping[str, CompetencyFramework]) -> tuple[str, ...]:
    if template.competencies is None or not template.competencies.course:
        return ()
    framework = frameworks.get(template.competencies.framework)
    if framework is None:
        raise CertificateError(f"template {template.slug!r} links framework {template.competencies.framework!r}, which "
                               "is not in the competencies folder: run `lms-sync templates validate`")
    nodes = framework.by_idnumber()
    return tuple(nodes[idnumber].shortname for idnumber in template.competencies.course if idnumber in nodes)


def _run_content(run: WorkshopRun, template: CourseTemplate, frameworks: Mapping[str, CompetencyFramework],
                 timezone: ZoneInfo) -> _RunContent:
    if not run.sessions:
        raise CertificateError(f"run {run.id} has no sessions in the catalogue: dates, places and hours come from them")
    sessions = tuple(
        CertificateSession(session.start.astimezone(timezone), session.end.astimezone(timezone),
                           None if session.online_url else session.place)
        for session in run.sessions
    )
    return _RunContent(
        workshop_title=template.title,
        sessions=sessions,
        # sections[0] is Moodle's general section (a welcome), not a topic of the workshop.
        topics=tuple(section.name for section in template.sections[1:]),
        competencies=_competency_names(template, frameworks),
        trainers=tuple(CertificateTrainer(trainer.fullname, trainer.organisation) for trainer in run.trainers),
    )


def _participants(rows: Sequence[ParticipationRow]) -> list[ParticipationRow]:
    """Participants of the run, one row per person (a completed enrolment wins if the run has several courses)."""
    by_email: dict[str, ParticipationRow] = {}
    for row in rows:
        if row.participant and (row.email not in by_email or row.completed):
            by_email[row.email] = row
    return sorted(by_email.values(), key=lambda row: (row.lastname.casefold(), row.firstname.casefold(), row.email))


def _selected(participants: list[ParticipationRow], run_id: str, only: Sequence[str]) -> list[ParticipationRow]:
    if not only:
        return participants
    wanted = {normalise_email(email) for email in only}
    unknown = sorted(wanted - {row.email for row in participants})
    if unknown:
        raise CertificateError(f"--only {', '.join(unknown)}: not a participant of run {run_id} in the records "
                               "(check the address; people erased with `records forget` get no certificate)")
    return [row for row in participants if row.email in wanted]


def _reason_to_skip(row: ParticipationRow, include_incomplete: bool) -> str | None:
    if row.active is False:
        return SUSPENDED
    if not row.completed and not include_incomplete:
        return NOT_COMPLETED
    return None


def plan_certificates(
    rows: Sequence[ParticipationRow],
    run: WorkshopRun,
    template: CourseTemplate,
    frameworks: Mapping[str, CompetencyFramework],
    *,
    issued_on: date,
    timezone: ZoneInfo,
    only: Sequence[str] = (),
    include_incomplete: bool = False,
) -> CertificateBatch:
    """The certificates for `run` from its pulled enrolments `rows`; participants who get none are in `skipped`."""
    settings = template.certificate
    if settings is None:
        raise CertificateError(f"template {template.slug!r} has no [certificate] table in its template.toml: add one "
                               "(see README, Course templates)")
    participants = _participants(rows)
    if not participants:
        raise CertificateError(f"run {run.id}: no participants in the records; pull the run first (`lms-sync pull {run.id}`)")
    content = _run_content(run, template, frameworks, timezone)
    certificates: list[Certificate] = []
    skipped: list[Skipped] = []
    for row in _selected(participants, run.id, only):
        reason = _reason_to_skip(row, include_incomplete)
        if reason is not None:
            skipped.append(Skipped(row.email, f"{row.firstname} {row.lastname}".strip(), reason))
            continue
        certificates.append(Certificate(
            number=certificate_number(settings.number_prefix, run.id, row.email),
            firstname=row.firstname,
            lastname=row.lastname,
            email=row.email,
            run_id=run.id,
            issued_on=issued_on,
            completed=row.completed,
            workshop_title=content.workshop_title,
            sessions=content.sessions,
            topics=content.topics,
            competencies=content.competencies,
            trainers=content.trainers,
        ))
    return CertificateBatch(template, tuple(certificates), tuple(skipped))
