"""Personal data: the privacy notice, "my data", a departed person's erasure and evidence retention."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pramern.errors import UserError
from pramern.filestore import files_left_in_storage
from pramern.help.models import Contact
from pramern.organizations.permissions import require_administrator, require_centre
from pramern.privacy import erasure, services
from pramern.privacy.models import EvidencePurge
from pramern.privacy.retention import PurgeReport, retention_preview
from pramern.reports.exporters import XLSX_CONTENT_TYPE


def notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice: open to everyone (the login page links it)."""
    context = {
        "contacts": list(Contact.objects.all()),
        "retention_years": settings.EVIDENCE_RETENTION_YEARS,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
    }
    return render(request, "privacy/notice.html", context)


@login_required
def my_data_page(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/my_data.html")


@login_required
@require_POST
def my_data_download(request: HttpRequest) -> HttpResponse:
    name, content = services.download_my_data(request.user)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def erase(request: HttpRequest, user_id: int) -> HttpResponse:
    """An administrator erases a departed person's personal data, after reading what will happen."""
    require_administrator(request)
    person = get_object_or_404(get_user_model(), pk=user_id)
    try:
        if request.method == "POST":
            erasure.erase_person(person, user=request.user)
            messages.success(request, _("The person's personal data was erased; they are now %(name)s.")
                             % {"name": erasure.pseudonym_of(person)})  # fmt: skip
            if request.user.is_staff:
                return redirect(reverse("admin:auth_user_change", args=[person.pk]))
            return redirect("privacy:erase", user_id=person.pk)
        if erasure.is_erased(person):
            return render(request, "privacy/erase.html", {"person": person, "erased": True})
        plan = erasure.erasure_plan(person, user=request.user)
    except UserError as error:
        return render(request, "privacy/erase.html", {"person": person, "error": error.message}, status=400)
    return render(request, "privacy/erase.html", {"person": person, "plan": plan})


@require_http_methods(["GET", "POST"])
@login_required
def retention(request: HttpRequest) -> HttpResponse:
    """The Centre sees which fiscal years' evidence files are older than the retention, and purges them."""
    require_centre(request)
    error = None
    if request.method == "POST":
        try:
            years = [int(y) for y in request.POST.getlist("year")]
        except ValueError:
            years = []
        try:
            purge = services.purge_evidence_years(years, user=request.user)
        except UserError as refused:
            error = refused.message
        else:
            messages.success(request, _("%(files)d evidence files were removed.") % {"files": purge.files})
            return redirect("privacy:purge", pk=purge.pk)
    context = {
        "preview": retention_preview(),
        "purges": EvidencePurge.objects.select_related("purged_by")[:20],
        "error": error,
    }
    return render(request, "privacy/retention.html", context, status=400 if error else 200)


@login_required
def purge(request: HttpRequest, pk: int) -> HttpResponse:
    require_centre(request)
    found = get_object_or_404(EvidencePurge.objects.select_related("purged_by"), pk=pk)
    context = {"purge": found, "files": found.purged_files.all(), "left": files_left_in_storage(found)}
    return render(request, "privacy/purge.html", context)


@login_required
def purge_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The purge's report as an Excel workbook (Thai headers, Buddhist-era dates)."""
    require_centre(request)
    found = get_object_or_404(EvidencePurge, pk=pk)
    stream = io.BytesIO()
    PurgeReport(found).write_xlsx(stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="evidence-purge-{found.pk}.xlsx"'
    return response
