"""Write a run's certificates into a folder: one PDF per person and, for the whole run, one combined PDF.

File names are stable (run, name, the certificate number's code), so a re-run replaces the same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lms_sync.certificates.content import CertificateBatch, Skipped
from lms_sync.certificates.model import Certificate
from lms_sync.certificates.pdf import render_certificates
from lms_sync.templates import slugify


@dataclass(frozen=True)
class WrittenCertificates:
    files: tuple[tuple[Certificate, Path], ...]
    combined: Path | None
    skipped: tuple[Skipped, ...]


def certificate_file_name(certificate: Certificate) -> str:
    """`teilnahmebescheinigung-kvz-2027-01-schmidt-anna-7KX2M4QD.pdf`; the code keeps two Anna Schmidts apart."""
    code = certificate.number.rsplit("-", 1)[-1]
    person = slugify(f"{certificate.lastname} {certificate.firstname}") or "teilnehmende"
    return f"teilnahmebescheinigung-{certificate.run_id}-{person}-{code}.pdf"


def combined_file_name(run_id: str) -> str:
    return f"teilnahmebescheinigungen-{run_id}.pdf"


def write_certificates(batch: CertificateBatch, folder: Path, *, with_combined: bool) -> WrittenCertificates:
    """Render and write the batch; `with_combined` also writes all of them into one file (nothing when empty)."""
    if not batch.certificates:
        return WrittenCertificates((), None, batch.skipped)
    rendered = render_certificates(batch.template, batch.certificates, with_combined=with_combined)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for certificate, pdf in zip(batch.certificates, rendered.singles, strict=True):
        path = folder / certificate_file_name(certificate)
        path.write_bytes(pdf)
        files.append((certificate, path))
    combined = None
    if rendered.combined is not None:
        combined = folder / combined_file_name(batch.certificates[0].run_id)
        combined.write_bytes(rendered.combined)
    return WrittenCertificates(tuple(files), combined, batch.skipped)
