"""Evidence files for the PDPA tests: real uploads through the workspace's service."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.models import Assessment, Evidence
from pramern.assessments.services import add_file_evidence

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(assessment: Assessment, user: Any, name: str, *, records: tuple[Any, ...] = (), extra: bytes = b"") -> Evidence:
    """A PDF uploaded by ``user`` (``extra`` makes its content, size and SHA-256 its own)."""
    upload = SimpleUploadedFile(name, PDF_BYTES + extra, content_type="application/pdf")
    return add_file_evidence(assessment, upload, user=user, records=records, title=f"หลักฐาน {name}")
