"""Certificates to PDF: the template folder's jinja2 HTML, laid out by WeasyPrint, one file each plus one combined.

Output is byte-for-byte reproducible: the only date in a file is the issue date (as the PDF's creation date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from weasyprint import HTML, Document
from weasyprint.pdf.metadata import DocumentMetadata

from lms_sync.certificates.model import Certificate
from lms_sync.templates import CourseTemplate, render


@dataclass(frozen=True)
class RenderedCertificates:
    singles: tuple[bytes, ...]
    """One PDF per certificate, in the order given."""
    combined: bytes | None
    """All certificates in one PDF, for printing (when asked for)."""


def certificate_html(template: CourseTemplate, certificate: Certificate) -> str:
    """The certificate as HTML, from the template's `[certificate] html_file`."""
    assert template.certificate is not None
    return render(template, template.certificate.html_file, certificate=certificate)


def _metadata(template: CourseTemplate, title: str, issued_on: date) -> DocumentMetadata:
    # Set here, not taken from the HTML: WeasyPrint would otherwise copy whatever dates the template's <meta> says.
    assert template.certificate is not None
    day = issued_on.isoformat()
    return DocumentMetadata(title=title, authors=[template.certificate.issuer], lang="de", created=day, modified=day)


def _document(template: CourseTemplate, certificate: Certificate) -> Document:
    # base_url: the template's <img src="logo.svg"> and stylesheets resolve inside its folder.
    document = HTML(string=certificate_html(template, certificate), base_url=str(template.path) + "/").render()
    document.metadata = _metadata(template, f"Teilnahmebescheinigung {certificate.name}", certificate.issued_on)
    return document


def render_certificates(template: CourseTemplate, certificates: Sequence[Certificate], *,
                        with_combined: bool = True) -> RenderedCertificates:
    """Lay out each certificate once; write it alone and, with all the others, into the combined PDF."""
    if not certificates:
        raise ValueError("no certificates to render")
    documents = [_document(template, certificate) for certificate in certificates]
    singles = tuple(document.write_pdf() for document in documents)
    if not with_combined:
        return RenderedCertificates(singles, None)
    combined = documents[0].copy([page for document in documents for page in document.pages])
    first = certificates[0]
    combined.metadata = _metadata(template, f"Teilnahmebescheinigungen {first.workshop_title} ({first.run_id})",
                                  first.issued_on)
    return RenderedCertificates(singles, combined.write_pdf())
