"""The Evaluation Centre's pages: the queue, a unit's round, an item's review, the history."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pramern.assessments import years
from pramern.assessments.models import Assessment, Record
from pramern.audit.history import CSV_HEADER, History, assessment_history, csv_rows
from pramern.errors import UserError
from pramern.organizations.permissions import require_centre
from pramern.reports.exporters import csv_text
from pramern.review import services
from pramern.review.forms import (
    CommentForm,
    ExtensionForm,
    OverrideForm,
    QueueFilterForm,
    TransitionForm,
    VerdictForm,
    VerifiedValueForm,
)
from pramern.review.pages import item_review_page, unit_round_page
from pramern.review.queue import review_queue, round_with_work


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    require_centre(request)
    return get_object_or_404(Assessment.objects.with_unit(), pk=pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Units by state, with how many items still have records without a verdict."""
    access = require_centre(request)
    choice = years.chosen_year(request)
    framework = choice.framework
    compiled = framework.compiled()
    round_code = request.GET.get("round") or round_with_work(framework, access)
    if not compiled.has_round(round_code):
        raise Http404("No such round")
    filters = QueueFilterForm(request.GET, dimensions=[d.code for d in compiled.dimensions])
    if not filters.is_valid():
        raise BadRequest("Queue filters the page does not offer")
    page = review_queue(
        framework,
        access,
        round_code,
        state=filters.cleaned_data["state"] or "queue",
        dimension=filters.cleaned_data["dimension"],
        unreviewed_only=request.GET.get("unreviewed") == "1",
    )
    context = {**vars(page), "choice": choice, "year_links": choice.links(request.GET, drop=("round", "dimension"))}
    return render(request, "review/queue.html", context)


@login_required
def unit_round(request: HttpRequest, pk: int, round_code: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not assessment.framework.compiled().has_round(round_code):
        raise Http404("No such round")
    error = None
    if request.method == "POST":
        try:
            _unit_round_post(request, assessment, round_code)
        except UserError as exc:
            error = exc
        else:
            return redirect("review:unit", pk=assessment.pk, round_code=round_code)
    context = {**vars(unit_round_page(assessment, round_code, request.user)), "error": error}
    return render(request, "review/unit.html", context, status=400 if error else 200)


def _unit_round_post(request: HttpRequest, assessment: Assessment, round_code: str) -> None:
    if "extend_to" in request.POST:
        extension = ExtensionForm(request.POST, framework=assessment.framework.compiled()).cleaned()
        services.grant_extension(
            assessment, round_code, extension["extend_to"], reason=extension["reason"], user=request.user
        )
        messages.success(request, _("The deadline was extended."))
    else:
        step = TransitionForm(request.POST).cleaned()
        services.transition(
            assessment,
            round_code,
            step["action"],
            user=request.user,
            reason=step["reason"],
            unreviewed_confirmed=step["unreviewed_confirmed"] == "yes",
        )
        messages.success(request, _("Done."))


@login_required
def item(request: HttpRequest, pk: int, round_code: str, code: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    compiled = assessment.framework.compiled()
    if code not in compiled.items_by_code or not compiled.has_round(round_code):
        raise Http404("No such item or round")
    error = None
    if request.method == "POST":
        try:
            _review_post(request, assessment, round_code, code)
        except UserError as exc:
            error = exc
        else:
            return redirect("review:item", pk=assessment.pk, round_code=round_code, code=code)
    page = item_review_page(assessment, round_code, code, request.user, page_number=request.GET.get("page"))
    context = {**vars(page), "comment_url": request.path, "error": error}
    return render(request, "review/item.html", context, status=400 if error else 200)


def _review_post(request: HttpRequest, assessment: Assessment, round_code: str, code: str) -> None:
    kind = request.POST.get("kind")
    user = request.user
    if kind in ("verdict", "value"):
        form = VerdictForm(request.POST) if kind == "verdict" else VerifiedValueForm(request.POST)
        posted = form.cleaned()
        record = get_object_or_404(Record, pk=posted["record"], assessment=assessment, item_code=code)
        if kind == "verdict":
            services.set_verdict(record, posted["status"], reason=posted["reason"], user=user)
        else:
            services.set_verified_value(record, posted["value"], user=user)
    elif kind == "override":
        override = OverrideForm(request.POST).cleaned()
        services.set_override(assessment, round_code, code, override["points"], reason=override["reason"], user=user)
    elif kind == "clear_override":
        services.clear_override(assessment, round_code, code, user=user)
    elif kind == "comment":
        services.add_comment(assessment, code, CommentForm(request.POST).cleaned()["body"], user=user)
    else:
        raise services.ReviewError(_("Unknown step."))


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything that happened to a unit's assessment (optionally one round's part), or as CSV."""
    assessment = _assessment(request, pk)
    round_code = request.GET.get("round", "")
    if round_code and not assessment.framework.compiled().has_round(round_code):
        raise Http404("No such round")
    found = assessment_history(assessment, round_code)
    if request.GET.get("format") == "csv":
        return _history_csv(found)
    return render(request, "review/history.html", vars(found))


def _history_csv(found: History) -> HttpResponse:
    name = f"{found.assessment.unit.code}-{found.round_code or 'all'}-history.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so that Excel reads the Thai as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for cells in csv_rows(found.entries):
        writer.writerow([csv_text(cell) for cell in cells])
    return response
