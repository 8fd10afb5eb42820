"""The Evaluation Centre's pages: the queue, a unit's round, an item's review, the history."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pramern.assessments.models import Assessment, Evidence, Record, UnitRound
from pramern.assessments.workspace import load_workspace
from pramern.audit.models import AuditEntry
from pramern.errors import UserError
from pramern.frameworks.models import Framework
from pramern.organizations.permissions import access_for
from pramern.reports.exporters import csv_text
from pramern.review import services, verdicts
from pramern.review.forms import (
    CommentForm,
    ExtensionForm,
    OverrideForm,
    QueueFilterForm,
    TransitionForm,
    VerdictForm,
    VerifiedValueForm,
)
from pramern.review.models import Comment, Verdict
from pramern.ui.text import tr

State = UnitRound.State
QUEUE_STATES = (State.SUBMITTED, State.RESUBMITTED, State.IN_REVIEW)


def _require_centre(request: HttpRequest) -> None:
    """Review pages are the Evaluation Centre's (evaluators and administrators)."""
    access = access_for(request.user)
    if not (access.is_evaluator or access.is_administrator):
        raise PermissionDenied("Evaluation Centre only")


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    _require_centre(request)
    return get_object_or_404(Assessment.objects.with_unit(), pk=pk)


def _conflict(request: HttpRequest, assessment: Assessment) -> str:
    """Why this person may not review this unit (they are one of its members), or ""."""
    return services.conflict_message(assessment) if services.in_conflict(request.user, assessment.unit_id) else ""


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Units by state, with how many items still have records without a verdict."""
    _require_centre(request)
    framework = Framework.objects.current_or_404()
    compiled = framework.compiled()
    own_units = access_for(request.user).editable_units  # reviewed by others (conflict of interest)
    round_code = request.GET.get("round") or _round_with_work(framework, compiled, own_units)
    if not compiled.has_round(round_code):
        raise Http404("No such round")
    cutoff = compiled.round(round_code).cutoff
    filters = QueueFilterForm(request.GET, dimensions=[d.code for d in compiled.dimensions])
    if not filters.is_valid():
        raise BadRequest("Queue filters the page does not offer")
    state = filters.cleaned_data["state"] or "queue"
    dimension = filters.cleaned_data["dimension"]
    unreviewed_only = request.GET.get("unreviewed") == "1"

    assessments = list(Assessment.objects.filter(framework=framework).with_unit().order_by("unit__code"))
    rounds_of: dict[int, list[UnitRound]] = defaultdict(list)
    for u in UnitRound.objects.filter(assessment__framework=framework):
        rounds_of[u.assessment_id].append(u)
    unit_rounds = {a: u for a, units in rounds_of.items() for u in units if u.round_code == round_code}
    settled = {a: verdicts.settled_round(compiled, units) for a, units in rounds_of.items()}
    pending = Record.objects.filter(assessment__framework=framework, date__lte=cutoff, verdict__isnull=True)
    if dimension:
        pending = pending.filter(item_code__startswith=f"{dimension}.")
    left = Counter(  # items with a record that can still get a verdict (a settled round's records keep theirs)
        a
        for a, _item in {
            (a, item)
            for a, item, day in pending.order_by().values_list("assessment_id", "item_code", "date")
            if verdicts.still_open_to_review(day, settled.get(a))
        }
    )
    rows = []
    for assessment in assessments:
        unit_round = unit_rounds.get(assessment.pk)
        current = unit_round.state if unit_round else State.DRAFT
        if state == "queue" and current not in QUEUE_STATES:
            continue
        if state not in ("queue", "all", current):
            continue
        if unreviewed_only and not left[assessment.pk]:
            continue
        rows.append(
            {
                "assessment": assessment,
                "unit_round": unit_round,
                "state": current,
                "left": left[assessment.pk],
                "conflict": assessment.unit_id in own_units,
            }
        )
    counts = Counter((unit_rounds[a.pk].state if a.pk in unit_rounds else State.DRAFT) for a in assessments)
    context = {
        "rows": rows,
        "framework": compiled,
        "round_code": round_code,
        "state": state,
        "dimension": dimension,
        "unreviewed_only": unreviewed_only,
        "states": State.choices,
        "counts": counts,
    }
    return render(request, "review/queue.html", context)


def _round_with_work(framework: Framework, compiled: Any, own_units: frozenset[int]) -> str:
    """The earliest round with units waiting for this reviewer (not their own units), else the last."""
    waiting = set(
        UnitRound.objects.filter(assessment__framework=framework, state__in=QUEUE_STATES)
        .exclude(assessment__unit_id__in=own_units)
        .values_list("round_code", flat=True)
    )
    return next((r.code for r in compiled.rounds if r.code in waiting), compiled.final_round.code)


@login_required
def unit_round(request: HttpRequest, pk: int, round_code: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not assessment.framework.compiled().has_round(round_code):
        raise Http404("No such round")
    error = None
    if request.method == "POST":
        try:
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
        except UserError as exc:
            error = exc
        else:
            return redirect("review:unit", pk=assessment.pk, round_code=round_code)
    workspace = load_workspace(assessment, with_verified=True)
    status = workspace.locks.status(round_code)
    verified = workspace.verified[round_code]
    self_result = workspace.scores.by_round[round_code]
    in_round = [r for r in workspace.records if r.date <= status.round.cutoff]
    recorded = Counter(r.item_code for r in in_round)
    settled = verdicts.settled_round(workspace.framework, workspace.unit_rounds.values())
    unreviewed = Counter(  # what can still get a verdict (records of a settled round keep theirs)
        r.item_code
        for r in in_round
        if r.pk not in workspace.verdicts and verdicts.still_open_to_review(r.date, settled)
    )
    items = [
        {
            "item": item,
            "self": self_result.items[item.code].points,
            "verified": verified.items[item.code],
            "unreviewed": unreviewed[item.code],
            "recorded": recorded[item.code],
        }
        for item in workspace.framework.items
    ]
    order = (assessment.unit_id, workspace.locks, round_code)  # what the other rounds allow
    context = {
        "ws": workspace,
        "assessment": assessment,
        "status": status,
        "round_code": round_code,
        "self_result": self_result,
        "verified": verified,
        "items": items,
        "actions": services.available_actions(status.state, request.user, *order),
        "refused": services.refused_actions(status.state, request.user, *order),
        "waiting": sum(unreviewed.values()),
        "review_started": verdicts.review_started(status.state),
        "error": error,
        "conflict": _conflict(request, assessment),
        # which records returning this round reopens, although later rounds are closed
        "reopening": workspace.locks.reopened_by_return(round_code),
    }
    return render(request, "review/unit.html", context, status=400 if error else 200)


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
    workspace = load_workspace(assessment, with_verified=True)
    item_spec = workspace.framework.items_by_code[code]
    page = Paginator([r for r in workspace.records if r.item_code == code], settings.RECORDS_PER_PAGE).get_page(
        request.GET.get("page")
    )  # a page stays small whatever is stored
    records = page.object_list
    evidence = Evidence.objects.by_record(r.pk for r in records)
    cutoff = workspace.locks.status(round_code).round.cutoff
    rows = [
        {
            "record": r,
            "fact": item_spec.facts[r.fact],
            "evidence": evidence[r.pk],
            "verdict": workspace.verdicts.get(r.pk),
            "in_round": r.date <= cutoff,
        }
        for r in records
    ]
    verified_round = workspace.verified[round_code]
    context = {
        "ws": workspace,
        "assessment": assessment,
        "round_code": round_code,
        "item": item_spec,
        "rows": rows,
        "page": page,
        "self_item": workspace.scores.by_round[round_code].items[code],
        "verified_item": verified_round.result.items[code],
        "verified": verified_round.items[code],
        "comments": Comment.objects.filter(assessment=assessment, item_code=code).select_related("author"),
        "comment_url": request.path,
        "statuses": Verdict.Status.choices,
        "error": error,
        "status": workspace.locks.status(round_code),
        "review_started": verdicts.review_started(workspace.locks.status(round_code).state),
        "conflict": _conflict(request, assessment),
    }
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
    entries = list(
        AuditEntry.objects.filter(assessment_id=assessment.pk).select_related("actor").order_by("created", "id")
    )
    round_code = request.GET.get("round", "")
    if round_code:
        compiled = assessment.framework.compiled()
        if not compiled.has_round(round_code):
            raise Http404("No such round")
        entries = [e for e in entries if _belongs_to_round(e, round_code, compiled.round(round_code).cutoff)]
    if request.GET.get("format") == "csv":
        return _history_csv(assessment, entries, round_code)
    round_title = assessment.framework.compiled().round(round_code).title if round_code else None
    details = _history_details(assessment, entries)
    rows = [(entry, details[entry.pk]) for entry in entries]
    context = {"assessment": assessment, "rows": rows, "round_code": round_code, "round_title": round_title}
    return render(request, "review/history.html", context)


def _belongs_to_round(entry: AuditEntry, round_code: str, cutoff: dt.date) -> bool:
    data: dict[str, Any] = entry.data or {}
    if data.get("round"):
        return bool(data["round"] == round_code)
    dates = [
        part.get("date")
        for part in (data.get("after"), data.get("before"), data.get("record"))
        if isinstance(part, dict) and part.get("date")
    ]
    return not dates or any(dt.date.fromisoformat(d) <= cutoff for d in dates)


def _history_details(assessment: Assessment, entries: list[AuditEntry]) -> dict[int, str]:
    """Each entry's change in words: the round by its title, states and verdicts by their
    labels ("ส่งแล้ว → กำลังตรวจ"), points and reasons."""
    compiled = assessment.framework.compiled()
    rounds = {r.code: tr(r.title) for r in compiled.rounds}
    labels = {**dict(State.choices), **dict(Verdict.Status.choices)}

    def label(value: Any) -> str:
        if isinstance(value, dict):
            value = value.get("status")
        return str(labels.get(value, value)) if value else "–"

    out = {}
    for entry in entries:
        data = entry.data or {}
        before, after = data.get("before"), data.get("after")
        parts = [rounds.get(data.get("round", ""), data.get("round", ""))]
        states = [v for v in (before, after) if isinstance(v, str) or (isinstance(v, dict) and "status" in v)]
        if states:
            parts.append(f"{label(before)} → {label(after)}")
        if isinstance(after, dict) and after.get("points") is not None:
            parts.append(str(after["points"]))
        for reason in (data.get("reason"), after.get("reason") if isinstance(after, dict) else None):
            if isinstance(reason, str) and reason:
                parts.append(reason)
        out[entry.pk] = " · ".join(p for p in parts if p)
    return out


def _history_csv(assessment: Assessment, entries: list[AuditEntry], round_code: str) -> HttpResponse:
    name = f"{assessment.unit.code}-{round_code or 'all'}-history.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so that Excel reads the Thai as UTF-8
    writer = csv.writer(response)
    writer.writerow(["when", "who", "action", "item", "round", "before", "after", "reason"])
    for entry in entries:
        data = entry.data or {}
        cells = [
            entry.created.isoformat(timespec="seconds"),
            entry.actor_name,
            entry.action,
            entry.item_code,
            data.get("round", ""),
            _compact(data.get("before")),
            _compact(data.get("after")),
            data.get("reason", "") if isinstance(data.get("reason"), str) else "",
        ]
        writer.writerow([csv_text(cell) for cell in cells])
    return response


def _compact(value: Any) -> str:
    if value in (None, "", {}):
        return ""
    if isinstance(value, dict):
        # sorted: PostgreSQL's jsonb does not keep the order the keys were written in
        return "; ".join(f"{k}={v}" for k, v in sorted(value.items()) if v not in (None, "", {}, []))
    return str(value)
