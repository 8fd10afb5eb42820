"""Downloads: the Excel/CSV exports, a unit's scorecard PDF, and background report jobs."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pramern.assessments import years
from pramern.assessments.access import get_assessment_for_user
from pramern.filestore import StorageUnavailable, open_stored, storage_unavailable_page, stored_file_response
from pramern.frameworks.models import Framework
from pramern.organizations.permissions import require_office_wide
from pramern.reports import services
from pramern.reports.evidence_zip import evidence_zip_size
from pramern.reports.exporters import DOWNLOADS
from pramern.reports.models import ReportJob
from pramern.reports.pdf import unit_scorecard_pdf
from pramern.review.visibility import verified_rounds_visible, verified_shown_for


def _office_wide(request: HttpRequest) -> Framework:
    """Reports about every unit are for the office-wide roles; returns the framework of the
    fiscal year asked for (``year``, in the query or the form), the current year's by default."""
    require_office_wide(request)
    return years.chosen_year(request).framework


def _round(framework: Framework, request: HttpRequest) -> str:
    compiled = framework.compiled()
    code = request.GET.get("round") or request.POST.get("round") or compiled.final_round.code
    if not compiled.has_round(code):
        raise Http404("No such round")
    return code


@login_required
def scores_download(request: HttpRequest, identifier: str) -> HttpResponse:
    """Every unit's scores as the file ``DOWNLOADS`` names: the xlsx workbook or the CSV item rows."""
    download = DOWNLOADS.get(identifier)
    if download is None:
        raise Http404("No such download")
    framework = _office_wide(request)
    stream = io.BytesIO()
    download.write(
        framework, stream, verified_shown=verified_shown_for(request.user), round_code=_round(framework, request)
    )
    response = HttpResponse(stream.getvalue(), content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{framework.code}-scores.{identifier}"'
    return response


@login_required
def scorecard_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_user(request, pk)
    visible = verified_rounds_visible(request.user, assessment)
    response = HttpResponse(unit_scorecard_pdf(assessment, verified_rounds=visible), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{assessment.unit.code}-scorecard.pdf"'
    return response


@login_required
@require_POST
def start_consolidated_pdf(request: HttpRequest) -> HttpResponse:
    framework = _office_wide(request)
    job = services.request_consolidated_pdf(framework, _round(framework, request), user=request.user)
    return redirect("reports:job", job_id=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def start_evidence_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: how many files and megabytes the round's ZIP will hold, and a button to ask for it;
    POST: ask (or find the same ZIP already on its way)."""
    assessment = get_assessment_for_user(request, pk)
    round_code = _round(assessment.framework, request)
    if request.method == "GET":
        context = {
            "assessment": assessment,
            "round": assessment.framework.compiled().round(round_code),
            "size": evidence_zip_size(assessment, round_code),
            "result_hours": settings.REPORT_RESULT_HOURS,
        }
        return render(request, "reports/evidence_zip.html", context)
    job = services.request_evidence_zip(assessment, round_code, user=request.user)
    return redirect("reports:job", job_id=job.pk)


def _job_for_user(request: HttpRequest, job_id: str) -> ReportJob:
    """A job is its requester's: nobody else learns it exists."""
    job = get_object_or_404(ReportJob, pk=job_id)
    if job.requested_by_id != request.user.pk:
        raise Http404("No such report")
    return job


@login_required
def job(request: HttpRequest, job_id: str) -> HttpResponse:
    """The job's page; htmx polls its status part until the file is ready (a reload finds it again)."""
    found = _job_for_user(request, job_id)
    template = "reports/_job_status.html" if request.headers.get("HX-Request") == "true" else "reports/job.html"
    return render(request, template, {"job": found})


@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    """The reports this person asked for (each is private to them), newest first."""
    jobs = ReportJob.objects.filter(requested_by=request.user).order_by("-created_at")[:50]
    return render(request, "reports/jobs.html", {"jobs": jobs})


@login_required
def job_download(request: HttpRequest, job_id: str) -> HttpResponse:
    found = _job_for_user(request, job_id)
    if found.status != ReportJob.Status.DONE or not found.file:
        raise Http404("Not ready")
    try:
        stored = open_stored(found.file)
    except StorageUnavailable as exc:
        return storage_unavailable_page(request, exc)
    except FileNotFoundError as exc:
        raise Http404("The file is not in storage") from exc
    services.log_download(found, user=request.user)
    response = stored_file_response(stored, as_attachment=True, filename=found.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
