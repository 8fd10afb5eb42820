"""Request bodies: the limit on uploads holds before a multipart body is read and while it streams.

``UploadGuardMiddleware`` turns anonymous multipart posts away before anything reads them;
``SizeLimitUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) stops reading a body that declares
more than the limit, at its first file, or as soon as its files pass the limit. A view that says so
at its own form calls ``upload_refusal``; any other gets the 413 page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils.translation import gettext as _

from pramern.assessments.filetypes import ACCEPTED_EXTENSIONS

MB = 1024 * 1024
#: Room in a multipart body beside its file, for the form's other fields and the part headers.
FORM_ALLOWANCE = MB

_REFUSED = "pramern_upload_refused"  # request attribute: "refused", then "shown" once a view shows it


def file_limit() -> int:
    """The most bytes of files one request may carry: the evidence limit, the largest upload."""
    return int(settings.EVIDENCE_MAX_MB) * MB


def body_limit() -> int:
    """The largest multipart body accepted (the reverse proxy's limit should be this size too)."""
    return file_limit() + FORM_ALLOWANCE


def upload_rules() -> dict[str, Any]:
    """What the browser checks before an upload starts, from the settings the server checks with:
    the largest file, the most bytes one save may carry (the same limit), the accepted endings."""
    return {
        "max_file_bytes": file_limit(),
        "max_total_bytes": file_limit(),
        "max_mb": int(settings.EVIDENCE_MAX_MB),
        "extensions": ",".join(ACCEPTED_EXTENSIONS),
        "accept": ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS),
    }


def upload_refusal(request: HttpRequest) -> str | None:
    """The message for an upload stopped at the limit (after ``request.POST``/``FILES`` were read),
    or None. The caller shows it at its form, so the response is not replaced by the 413 page."""
    if getattr(request, _REFUSED, None) is None:
        return None
    setattr(request, _REFUSED, "shown")
    return too_large_message()


def too_large_message() -> str:
    return _("The file is too large: at most %(limit)d MB is accepted.") % {"limit": settings.EVIDENCE_MAX_MB}


def refused_unshown(request: HttpRequest) -> bool:
    return getattr(request, _REFUSED, None) == "refused"


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops a multipart body at its first file when it declares more than ``body_limit()``,
    having read only the fields before that file (the CSRF token among them), and stops any
    body whose files pass ``file_limit()`` while they stream. Nothing after the stop is read
    (``connection_reset``), and the parts spooled so far are deleted by Django."""

    declared = 0
    received = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        self.declared = content_length
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.declared > body_limit():
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > file_limit():
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (the temporary file) makes the uploaded file

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, _REFUSED, "refused")
        raise StopUpload(connection_reset=True)
