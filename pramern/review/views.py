"""The Evaluation Centre's pages: the queue, a unit's round, an item's review, the history."""

from __future__ import annotations

import csv
import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from pramern.assessments import years
from pramern.assessments.models import Assessment, Record
from pramern.audit.history import CSV_HEADER, History, assessment_history, csv_rows
from pramern.audit.services import display_name
from pramern.errors import UserError
from pramern.organizations.permissions import require_administrator, require_centre
from pramern.reports.exporters import csv_text
from pramern.review import services
from pramern.review.forms import (
    AssignForm,
    BulkAcceptForm,
    CommentForm,
    ExtensionForm,
    OverrideForm,
    QueueFilterForm,
    StepForm,
    TransitionForm,
    VerdictForm,
    VerifiedValueForm,
)
from pramern.review.pages import item_review_page, step_confirmation, unit_round_page
from pramern.review.queue import (
    ALL,
    MINE,
    centre_people,
    dimension_choices,
    has_assignments,
    queue_rounds,
    review_queue,
)


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    require_centre(request)
    return get_object_or_404(Assessment.objects.with_unit(), pk=pk)


#: The session key of an assignment the queue or a unit's round page refused: the page that
#: posted it shows the choice again, with the reason, at its form (once).
REFUSED_ASSIGNMENT = "pramern.review.refused_assignment"


def _refused_assignment(request: HttpRequest) -> dict[str, object] | None:
    """The assignment refused just before this page (its unit's assessment, the person chosen as
    posted, why), taken out of the session so that it shows once."""
    refused = request.session.pop(REFUSED_ASSIGNMENT, None)
    return refused if isinstance(refused, dict) else None


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Units' rounds across years and rounds: days waiting, the assigned evaluator, records without
    a verdict; an evaluator who is assigned units sees theirs first ("my queue")."""
    access = require_centre(request)
    offered = [y for y in years.offered(years.installed_years()) if y.assessed]
    people = centre_people()
    filters = QueueFilterForm(
        request.GET,
        rounds=[code for code, _title in queue_rounds(offered)],
        people=[p.pk for p in people],
        dimensions=[code for code, _title in dimension_choices(offered)],
    )
    if not filters.is_valid():
        raise BadRequest("Queue filters the page does not offer")
    chosen = filters.cleaned_data
    year_key = request.GET.get("year", "")
    year = years.find_year(offered, year_key) if year_key not in ("", "all") else None
    if year_key not in ("", "all") and year is None:
        raise Http404("No such fiscal year")
    evaluator = chosen["evaluator"] or (MINE if has_assignments(request.user) else ALL)
    page = review_queue(
        offered,
        access,
        request.user,
        year_key=year.key if year is not None else "",
        round_code=chosen["round"],
        state=chosen["state"] or "queue",
        evaluator=evaluator,
        dimension=chosen["dimension"],
        unreviewed_only=request.GET.get("unreviewed") == "1",
        people=people,
    )
    context = {**vars(page), "here": request.get_full_path(), "refused_assignment": _refused_assignment(request)}
    return render(request, "review/queue.html", context)


@login_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator gives a unit's assessment (every round of its year) to an evaluator."""
    require_administrator(request)
    assessment = _assessment(request, pk)
    if request.method != "POST":
        return redirect("review:queue")
    posted = AssignForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith("/"):
        back = reverse("review:queue")
    try:
        chosen = posted.cleaned()["evaluator"]
        evaluator = get_user_model().objects.filter(pk=chosen).first() if chosen else None
        if chosen and evaluator is None:
            raise services.ReviewError(_("Choose a person of the Evaluation Centre."))
        services.assign_evaluator(assessment, evaluator, user=request.user)
    except UserError as exc:
        messages.error(request, f"{assessment.unit.name}: {exc.message}")
        # the page the form was on shows the person chosen again, with the reason beside it
        request.session[REFUSED_ASSIGNMENT] = {
            "assessment": assessment.pk,
            "evaluator": str(request.POST.get("evaluator", ""))[:20],
            "message": str(exc.message),
        }
    else:
        if evaluator is None:
            messages.success(request, _("%(unit)s is no longer assigned.") % {"unit": assessment.unit.name})
        else:
            messages.success(
                request,
                _("%(unit)s is assigned to %(person)s.")
                % {"unit": assessment.unit.name, "person": display_name(evaluator)},
            )
    return redirect(back)


class ConfirmFirst(Exception):
    """An irreversible step posted without its confirmation page."""

    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action


@login_required
def unit_round(request: HttpRequest, pk: int, round_code: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not assessment.framework.compiled().has_round(round_code):
        raise Http404("No such round")
    error = None
    if request.method == "POST":
        try:
            _unit_round_post(request, assessment, round_code)
        except ConfirmFirst as irreversible:  # nothing is done before the confirmation page
            return redirect("review:step", pk=assessment.pk, round_code=round_code, action=irreversible.action)
        except UserError as exc:
            error = exc
        else:
            return redirect("review:unit", pk=assessment.pk, round_code=round_code)
    context = {
        **vars(unit_round_page(assessment, round_code, request.user)),
        "error": error,
        "refused_assignment": _refused_assignment(request),
        "here": request.path,
    }
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
        if step["action"] in services.IRREVERSIBLE:
            raise ConfirmFirst(step["action"])
        services.transition(
            assessment,
            round_code,
            step["action"],
            user=request.user,
            reason=step["reason"],
            unreviewed_confirmed=step["unreviewed_confirmed"] == "yes",
        )
        messages.success(request, _("Done."))


CONFIRMED_STEPS = ("return", "verify", "publish", "reopen")


@login_required
def step(request: HttpRequest, pk: int, round_code: str, action: str) -> HttpResponse:
    """The confirmation page of an irreversible step of the Centre: what will happen, to which
    unit's round, who is told; the step is taken only when the page's box is ticked."""
    if action == "reopen":
        require_administrator(request)
    assessment = _assessment(request, pk)
    if action not in CONFIRMED_STEPS or not assessment.framework.compiled().has_round(round_code):
        raise Http404("No such step or round")
    error = None
    if request.method == "POST":
        try:
            posted = StepForm(request.POST).cleaned()
            if posted["confirm"] != "yes":
                raise services.ReviewError(_("Tick the box to confirm this step: nothing was changed."))
            services.transition(
                assessment,
                round_code,
                action,
                user=request.user,
                reason=posted["reason"],
                unreviewed_confirmed=True,  # the page says how many records count for nothing
            )
        except UserError as exc:
            error = exc
        else:
            messages.success(request, STEP_DONE[action])
            return redirect("review:unit", pk=assessment.pk, round_code=round_code)
    page = step_confirmation(assessment, round_code, action, request.user)
    return render(request, "review/step.html", {**vars(page), "error": error}, status=400 if error else 200)


STEP_DONE = {
    "return": gettext_lazy("The round was returned to the unit for revision."),
    "verify": gettext_lazy("The round is verified."),
    "publish": gettext_lazy("The verified results are published."),
    "reopen": gettext_lazy("The round is reopened for review: its published results are withdrawn."),
}


@login_required
def item(request: HttpRequest, pk: int, round_code: str, code: str) -> HttpResponse:
    """An item's review. A verdict or a verified value posted by htmx answers with that record's
    part alone (with "saved", or with the error at the record and what was chosen kept), as 200
    since htmx swaps only 2xx answers; without JS, the page again (400 on an error)."""
    assessment = _assessment(request, pk)
    compiled = assessment.framework.compiled()
    if code not in compiled.items_by_code or not compiled.has_round(round_code):
        raise Http404("No such item or round")
    error = None
    record_step = request.method == "POST" and request.POST.get("kind") in ("verdict", "value")
    posted_record = _posted_record(request) if record_step else None
    if request.method == "POST":
        try:
            _review_post(request, assessment, round_code, code)
        except UserError as exc:
            error = exc
        else:
            if posted_record is not None and _is_htmx(request):
                return _record_part(request, assessment, round_code, code, posted_record, saved=True)
            if posted_record is not None:
                return redirect(_item_url(assessment, round_code, code, request.GET.get("page"), posted_record))
            return redirect("review:item", pk=assessment.pk, round_code=round_code, code=code)
        if posted_record is not None and _is_htmx(request):
            return _record_part(request, assessment, round_code, code, posted_record, error=error)
    saved = _number(request.GET.get("saved", ""))
    page = item_review_page(assessment, round_code, code, request.user, page_number=request.GET.get("page"))
    context = {
        **vars(page),
        "comment_url": request.path,
        "error": error,
        "error_record": posted_record if error else None,
        "saved_record": saved if not error else None,
    }
    return render(request, "review/item.html", context, status=400 if error else 200)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _number(text: str) -> int | None:
    """A record id as sent (ASCII digits only: "²" is a digit to ``str.isdigit``), or None."""
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


def _posted_record(request: HttpRequest) -> int | None:
    return _number(request.POST.get("record", ""))


def _item_url(assessment: Assessment, round_code: str, code: str, page: str | None, record_pk: int) -> str:
    """The item page back at the record just judged, which says so."""
    query = {"saved": str(record_pk), **({"page": page} if page and _number(page) else {})}
    url = reverse("review:item", kwargs={"pk": assessment.pk, "round_code": round_code, "code": code})
    return f"{url}?{urlencode(query)}#record-{record_pk}"


def _record_part(
    request: HttpRequest,
    assessment: Assessment,
    round_code: str,
    code: str,
    record_pk: int,
    *,
    saved: bool = False,
    error: UserError | None = None,
) -> HttpResponse:
    page = item_review_page(assessment, round_code, code, request.user, page_number=None, only_record=record_pk)
    if not page.rows:
        raise Http404("No such record of this item")
    context = {
        **vars(page),
        "row": page.rows[0],
        "error": error,
        "error_record": record_pk if error else None,
        "saved_record": record_pk if saved else None,
        "oob": True,
    }
    return render(request, "review/_record_part.html", context)


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
@require_POST
def accept(request: HttpRequest, pk: int, round_code: str) -> HttpResponse:
    """Accept the records without a verdict of one item, or those with evidence in the whole
    round; back to the page the button was on, saying how many were accepted."""
    assessment = _assessment(request, pk)
    compiled = assessment.framework.compiled()
    if not compiled.has_round(round_code):
        raise Http404("No such round")
    bulk = BulkAcceptForm(request.POST, items=list(compiled.items_by_code))
    item_code = request.POST.get("item", "") if request.POST.get("item") in compiled.items_by_code else ""
    back = (
        reverse("review:item", kwargs={"pk": assessment.pk, "round_code": round_code, "code": item_code})
        if item_code
        else reverse("review:unit", kwargs={"pk": assessment.pk, "round_code": round_code})
    )
    try:
        chosen = bulk.cleaned()
        count = services.accept_remaining(
            assessment, round_code, scope=chosen["scope"], item_code=chosen["item"], user=request.user
        )
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if count:
        messages.success(
            request,
            ngettext("%(count)d record was accepted.", "%(count)d records were accepted.", count) % {"count": count},
        )
    else:
        messages.info(request, _("No record was waiting to be accepted: nothing changed."))
    return redirect(back)


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
