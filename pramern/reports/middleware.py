"""A PDF asked for in a page that cannot be printed now (a unit's score card, a framework's
guideline, a draft's guideline: any view whose printing raises ``PdfError``) answers with a page
that says so, once for every such view:

- every print slot of the host stayed taken (``PrinterBusy``): 503 with ``Retry-After``, "the
  printer is busy, nothing was lost, try again";
- printing failed (Chromium missing, crashed or too slow): 500, "could not be printed, tell the
  administrator", with the request id on the page and in the log line.

Both pages link to the same PDF URL again and back to the page the PDF was asked from."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from pramern.reports.printing import PdfError, PrinterBusy

logger = logging.getLogger(__name__)

#: Seconds a browser (or a script) is told to wait before asking again for a PDF that found every
#: print slot busy: a page's PDF takes 1.5-3 s, and the slots were taken for PDF_WEB_WAIT already.
RETRY_AFTER = 30


class PdfUnavailableMiddleware:
    """Turns a ``PdfError`` raised by a view into the "printer busy" or "could not print" page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PdfError):
            return None
        return pdf_unavailable_page(request, exception)


def pdf_unavailable_page(request: HttpRequest, error: PdfError) -> HttpResponse:
    """The page for a PDF that ``error`` kept from being printed (logged with the request id)."""
    request_id = getattr(request, "id", "")
    busy = isinstance(error, PrinterBusy)
    # The id in the message too: plain-text logs (the default) show the message only.
    if busy:
        logger.warning(
            "PDF not printed, every print slot busy: %s (request %s)",
            request.path,
            request_id,
            extra={"request_id": request_id},
        )
    else:
        logger.error(
            "PDF not printed: %s (request %s): %s",
            request.path,
            request_id,
            error,
            exc_info=error,
            extra={"request_id": request_id},
        )
    context = {
        "busy": busy,
        "again_url": request.get_full_path(),
        "back_url": _came_from(request),
        "request_id": request_id,
    }
    response = render(request, "reports/pdf_unavailable.html", context, status=503 if busy else 500)
    if busy:
        response["Retry-After"] = str(RETRY_AFTER)
    return response


def _came_from(request: HttpRequest) -> str:
    """The page of this site that linked to the PDF (its Referer), else the start page: a Referer
    of another site, or the PDF's own URL (the "try again" link of this page), is not followed."""
    referer = request.headers.get("Referer", "")
    own = request.build_absolute_uri(request.get_full_path())
    this_site = {request.get_host()}
    if referer and referer != own and url_has_allowed_host_and_scheme(referer, this_site, request.is_secure()):
        return referer
    return reverse("workspace:start")
