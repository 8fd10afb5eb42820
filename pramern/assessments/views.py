"""The unit workspace. Each view: access helper -> service or read path -> render/redirect."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pramern.assessments import years
from pramern.assessments.access import get_assessment_for_user, get_evidence_for_user, get_record_for_user
from pramern.assessments.carryover import carry_over
from pramern.assessments.carryover_page import carry_over_page
from pramern.assessments.forms import (
    AssignForm,
    AttachEvidenceForm,
    CarryOverForm,
    FileEvidenceForm,
    ImportForm,
    LinkEvidenceForm,
    NewEvidenceForm,
    OpenYearChoiceForm,
    OpenYearForm,
    RecordForm,
    ReuseEvidenceForm,
    StaffCountsForm,
    compare_with_saved,
    initial_for,
    record_form_classes,
)
from pramern.assessments.home_page import home_html
from pramern.assessments.importing import (
    cancel_import,
    confirm_import,
    import_preview,
    import_refusal,
    pending_import,
    stage_import,
)
from pramern.assessments.item_page import item_html, item_page
from pramern.assessments.library import KINDS as LIBRARY_KINDS
from pramern.assessments.library import evidence_library, reuse_choice
from pramern.assessments.models import Assessment, Evidence, Record, UnitRound
from pramern.assessments.opening import open_year, plan_opening
from pramern.assessments.overview import cached_units_overview
from pramern.assessments.rounds import lock_state
from pramern.assessments.services import (
    EvidenceRejected,
    FormAlreadySaved,
    RecordConflict,
    RecordWithEvidence,
    add_files_evidence,
    add_link_evidence,
    assign_item,
    attach_evidence,
    change_staff_counts,
    delete_evidence,
    delete_record,
    detach_evidence,
    effective_staff_counts,
    export_document,
    log_evidence_download,
    save_record_with_evidence,
)
from pramern.assessments.workspace import Workspace, load_workspace
from pramern.audit.models import AuditEntry
from pramern.errors import UserError, WorkspaceError
from pramern.filestore import StorageUnavailable, open_stored, storage_unavailable_page, stored_file_response
from pramern.organizations.models import Unit
from pramern.organizations.permissions import access_for, check_unit, require_administrator
from pramern.reports.exporters import XLSX_CONTENT_TYPE
from pramern.reports.unit_records import records_workbook
from pramern.review import notifications, visibility
from pramern.review import services as review_services
from pramern.review.forms import CommentForm
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.model import Item
from pramern.ui.text import bedate
from pramern.ui.uploads import upload_refusal, upload_rules


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where a person lands: their unit's assessment of the current year (or of ``?year=``), or
    the chosen year's list of the units they may see."""
    access = access_for(request.user)
    try:
        choice = years.chosen_year(request)
    except years.NoFramework:
        return render(request, "assessments/start.html", {"assessments": [], "access": access})
    found = years.landing(access, choice, asked=bool(request.GET.get("year")))
    if found.open is not None:
        return redirect("workspace:home", pk=found.open.pk)
    overview, listed = cached_units_overview(
        choice.framework,
        found.assessments,
        access,
        round_code=request.GET.get("round", ""),
        stage=request.GET.get("stage", ""),
        sort=request.GET.get("sort", ""),
        kinds=request.GET.getlist("kind"),
        year_key=choice.year.key,
    )
    context = {
        "assessments": listed,
        "overview": overview,
        "access": access,
        "choice": choice,
        "year_links": choice.links(request.GET, drop=("round", "stage")),
    }
    return render(request, "assessments/start.html", context)


@login_required
def unit_history(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's assessments across fiscal years and the change per dimension from last year:
    its own people and the office-wide roles (anyone else: 404, as for every unit page)."""
    unit = get_object_or_404(Unit, code=code)
    access = check_unit(request, unit.pk)
    history = years.unit_history(unit, access, year=request.GET.get("year", ""))
    return render(request, "assessments/history.html", {**vars(history), "access": access})


@login_required
def home(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's first screen: a card per open round, then its items ("?mine=1": only the reader's)."""
    assessment = get_assessment_for_user(request, pk)
    body = home_html(request, assessment, mine_only=request.GET.get("mine") == "1")
    return render(request, "assessments/home.html", {"assessment": assessment, "body": body})


@login_required
def staff_counts(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's staff per round (percentages of staff use them); changed by its own people
    while the rounds whose score would move are open."""
    writing = request.method == "POST"
    assessment = get_assessment_for_user(request, pk, write=writing)
    framework = assessment.framework.compiled()
    form = StaffCountsForm(request.POST if writing else None, framework=framework, counts=assessment.staff_counts)
    error = None
    if writing and form.is_valid():
        try:
            changed = change_staff_counts(assessment, form.counts(), user=request.user)
        except UserError as exc:
            error = exc
        else:
            messages.success(request, _("The staff counts were saved.") if changed else _("Nothing was changed."))
            return redirect("workspace:home", pk=assessment.pk)
    context = {
        "assessment": assessment,
        "form": form,
        "error": error,
        "locks": lock_state(assessment),
        "counts": effective_staff_counts(framework, assessment.staff_counts),
        "can_edit": access_for(request.user).can_edit(assessment.unit_id),
    }
    return render(request, "assessments/staff.html", context, status=400 if writing else 200)


@login_required
def next_steps(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_user(request, pk)
    workspace = load_workspace(assessment)
    return render(
        request,
        "assessments/next.html",
        {"ws": workspace, "assessment": assessment, "lines": workspace.scores.final.open_lines()},
    )


# --------------------------------------------------------------------------- item page


def _item(framework: CompiledFramework, code: str) -> Item:
    item = framework.items_by_code.get(code)
    if item is None:
        raise Http404("No such item")
    return item


def _item_context(
    request: HttpRequest,
    assessment: Assessment,
    item_code: str,
    *,
    bound: dict[str, Any] | None = None,
    error: UserError | None = None,
    error_record: int | None = None,
    saved: str = "",
    saved_record: int | None = None,
) -> dict[str, Any]:
    """The item page's data (404 for an item not in the framework); ``bound`` holds a form with
    the user's input to show again."""
    _item(assessment.framework.compiled(), item_code)
    page = item_page(assessment, item_code, request.user, query=request.GET)
    classes = record_form_classes(page.ws.framework, page.ws.sections, page.item, assessment.staff_counts)
    forms = {name: cls(prefix=name) for name, cls in classes.items()}  # fact name -> the form to add one
    evidence_forms = {name: NewEvidenceForm(prefix=f"{name}-evidence") for name in classes}
    if bound and bound.get("fact") in forms:
        forms[bound["fact"]] = bound["form"]
        evidence_forms[bound["fact"]] = bound["evidence_form"]
    return {
        **vars(page),
        "forms": forms,
        "evidence_forms": evidence_forms,
        "upload_rules": upload_rules(),
        "error": error,
        "error_record": error_record,
        "saved": saved,
        "saved_record": saved_record,
    }


@login_required
def item_detail(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = get_assessment_for_user(request, pk)
    item = _item(assessment.framework.compiled(), code)

    def content(extra: dict[str, Any]) -> str:
        context = {**_item_context(request, assessment, code), **extra}
        return render_to_string("assessments/_item_content.html", context, request=request)

    body = item_html(request, assessment, code, content)
    return render(request, "assessments/item.html", {"assessment": assessment, "item": item, "body": body})


def _after_change(request: HttpRequest, assessment: Assessment, item_code: str, **context: Any) -> HttpResponse:
    """htmx: the item body again (scores recomputed); otherwise back to the item page."""
    if _is_htmx(request) or context:
        template = "assessments/_item_body.html" if _is_htmx(request) else "assessments/item.html"
        # htmx swaps only 2xx answers, so a form with errors comes back as 200 there.
        status = 400 if (context.get("error") or context.get("bound")) and not _is_htmx(request) else 200
        return render(request, template, _item_context(request, assessment, item_code, **context), status=status)
    return redirect("workspace:item", pk=assessment.pk, code=item_code)


def _evidence_form(request: HttpRequest, fact: str) -> NewEvidenceForm:
    return NewEvidenceForm(request.POST, request.FILES, prefix=f"{fact}-evidence")


def _saved_message(result: RecordWithEvidence) -> str:
    """The confirmation after a save: the record, and how many files and links came with it."""
    files, links = len(result.files), len(result.links)
    if not files and not links:
        return _("The record was saved.")
    return _("The record was saved with %(files)d files and %(links)d links.") % {"files": files, "links": links}


def _refuse_evidence(form: RecordForm, evidence_form: NewEvidenceForm, exc: UserError) -> None:
    """A refusal shown where it belongs: the files' and links' at the evidence fields, any other
    at the top of the record form. Files are never sent back: say to choose them again."""
    target = evidence_form if isinstance(exc, EvidenceRejected) else form
    for message in (exc.message, *exc.problems):
        target.add_error(None, message)
    if evidence_form.is_bound and evidence_form.files:
        evidence_form.add_error(None, _("Choose the files again: a browser never keeps them after a refusal."))


@login_required
@require_POST
def record_create(request: HttpRequest, pk: int, code: str, fact: str) -> HttpResponse:
    """A new record with its files and links, in one step (one transaction)."""
    assessment = get_assessment_for_user(request, pk, write=True)
    # Only what the form needs: the item page is read (and scored) once, after the change.
    framework = assessment.framework.compiled()
    item = _item(framework, code)
    if fact not in item.facts:
        raise Http404("No such fact")
    form_class = record_form_classes(framework, assessment.unit.sections.all(), item, assessment.staff_counts)[fact]
    form = form_class(request.POST, prefix=fact)
    evidence_form = _evidence_form(request, fact)
    bound = {"fact": fact, "form": form, "evidence_form": evidence_form}
    if refused := upload_refusal(request):  # stopped at the size limit: the fields before the files are kept
        evidence_form.add_error(None, refused)
        evidence_form.add_error(None, _("Choose the files again: a browser never keeps them after a refusal."))
        return _after_change(request, assessment, code, bound=bound)
    if not (form.is_valid() and evidence_form.is_valid()):
        return _after_change(request, assessment, code, bound=bound)
    try:
        result = save_record_with_evidence(
            assessment,
            code,
            fact,
            **form.record_fields(),
            **evidence_form.new_evidence(),
            user=request.user,
            form_key=form.cleaned_data["form_key"],
        )
    except FormAlreadySaved as exc:
        # What the person typed stays in the form, with a way to the record this form made.
        url = reverse("workspace:record-edit", kwargs={"pk": assessment.pk, "record_pk": exc.record.pk})
        form.add_error(None, format_html('{} <a href="{}">{}</a>', exc.message, url, _("Open the saved record")))
        return _after_change(request, assessment, code, bound=bound)
    except UserError as exc:  # shown at the form the person is looking at
        _refuse_evidence(form, evidence_form, exc)
        return _after_change(request, assessment, code, bound=bound)
    if _is_htmx(request):
        return _after_change(request, assessment, code, saved=_saved_message(result), saved_record=result.record.pk)
    messages.success(request, _saved_message(result))
    return redirect(reverse("workspace:item", args=[assessment.pk, code]) + f"#record-{result.record.pk}")


@login_required
def record_edit(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """A record's fields, and new files and links for it, saved in one step."""
    assessment = get_assessment_for_user(request, pk, write=True)
    record = get_record_for_user(request, assessment, record_pk)
    workspace = load_workspace(assessment)
    item = _item(workspace.framework, record.item_code)
    form_classes = record_form_classes(workspace.framework, workspace.sections, item, assessment.staff_counts)
    form_class = form_classes[record.fact]
    if request.method != "POST":
        evidence_form = NewEvidenceForm(prefix=f"{record.fact}-evidence")
        form = form_class(initial=initial_for(record), prefix=record.fact)
        return _record_edit_page(request, workspace, record, form, evidence_form)
    form = form_class(request.POST, prefix=record.fact)
    evidence_form = _evidence_form(request, record.fact)
    if refused := upload_refusal(request):
        evidence_form.add_error(None, refused)
        evidence_form.add_error(None, _("Choose the files again: a browser never keeps them after a refusal."))
        return _record_edit_page(request, workspace, record, form, evidence_form, status=400)
    if not (form.is_valid() and evidence_form.is_valid()):
        return _record_edit_page(request, workspace, record, form, evidence_form, status=400)
    try:
        result = save_record_with_evidence(
            assessment,
            record.item_code,
            record.fact,
            **form.record_fields(),
            **evidence_form.new_evidence(),
            user=request.user,
            record=record,
            version=form.cleaned_data["version"],
        )
    except RecordConflict as exc:
        return _record_conflict(request, workspace, record, form, evidence_form, exc)
    except UserError as exc:
        _refuse_evidence(form, evidence_form, exc)
        error = None if isinstance(exc, EvidenceRejected) else exc
        return _record_edit_page(request, workspace, record, form, evidence_form, error=error, status=400)
    messages.success(request, _saved_message(result))
    url = reverse("workspace:item", args=[assessment.pk, record.item_code]) + f"#record-{record.pk}"
    if _is_htmx(request):  # the upload went with a progress bar: the browser loads the item page itself
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def _record_edit_page(
    request: HttpRequest,
    workspace: Workspace,
    record: Record,
    form: RecordForm,
    evidence_form: NewEvidenceForm,
    *,
    error: UserError | None = None,
    conflict: dict[str, Any] | None = None,
    status: int | None = None,
) -> HttpResponse:
    """The edit page: 409 after a conflicting change, 400 after any other refusal (200 for htmx,
    which swaps only 2xx answers)."""
    context = {
        "ws": workspace,
        "assessment": workspace.assessment,
        "item": workspace.framework.items_by_code[record.item_code],
        "record": record,
        "form": form,
        "evidence_form": evidence_form,
        "upload_rules": upload_rules(),
        "error": error,
        "conflict": conflict,
    }
    if status is None:
        status = 409 if conflict else 400 if error else 200
    if _is_htmx(request):
        status = 200
    return render(request, "assessments/record_edit.html", context, status=status)


def _record_conflict(
    request: HttpRequest,
    workspace: Workspace,
    record: Record,
    form: RecordForm,
    evidence_form: NewEvidenceForm,
    conflict: RecordConflict,
) -> HttpResponse:
    """409: who changed the record meanwhile, beside what this person typed. The form keeps what
    they typed and now carries the version saved: saving again is a deliberate choice to keep
    this person's values over the other change."""
    typed = request.POST.copy()
    typed[form.add_prefix("version")] = str(conflict.current.version)
    retyped = type(form)(typed, prefix=record.fact)
    if evidence_form.files:
        evidence_form.add_error(None, _("Choose the files again: a browser never keeps them after a refusal."))
    details = _conflict(conflict.current, form)
    return _record_edit_page(request, workspace, record, retyped, evidence_form, error=conflict, conflict=details)


def _conflict(saved: Record, typed: RecordForm) -> dict[str, Any]:
    """Who changed the record meanwhile, when, and its fields as saved beside those typed."""
    return {
        "change": AuditEntry.objects.for_object(saved).first(),
        "differences": compare_with_saved(typed, saved),
    }


def _change_record(
    request: HttpRequest, pk: int, record_pk: int, change: Callable[[Assessment, Record], object]
) -> HttpResponse:
    """The recipe of every change to a record and its evidence: check, change, show the item again."""
    assessment = get_assessment_for_user(request, pk, write=True)
    record = get_record_for_user(request, assessment, record_pk)
    try:
        change(assessment, record)
    except UserError as exc:  # shown on the record it is about
        return _after_change(request, assessment, record.item_code, error=exc, error_record=record.pk)
    return _after_change(request, assessment, record.item_code)


@login_required
@require_POST
def record_delete(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    return _change_record(request, pk, record_pk, lambda _, record: delete_record(record, user=request.user))


@login_required
@require_POST
def assign(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Give the item to one of the unit's people (or to nobody): the unit's officers and director."""
    assessment = get_assessment_for_user(request, pk, write=True)
    _item(assessment.framework.compiled(), code)
    form = AssignForm(request.POST)
    try:
        if not form.is_valid():
            raise WorkspaceError(_("Choose one of the unit's people."))
        assign_item(assessment, code, form.cleaned_data["assignee"], user=request.user)
    except UserError as exc:
        return _after_change(request, assessment, code, error=exc)
    messages.success(request, _("The assignment was saved."))
    return redirect("workspace:item", pk=assessment.pk, code=code)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A message in the item's thread from the unit's people (evaluators write from the review page too)."""
    assessment = get_assessment_for_user(request, pk)
    if not review_services.writes_in_thread(request.user, assessment.unit_id):
        raise PermissionDenied("Only the unit's people and the Evaluation Centre write in this thread")
    try:
        body = CommentForm(request.POST).cleaned()["body"]
        review_services.add_comment(assessment, code, body, user=request.user)
    except review_services.ReviewError as exc:
        return _after_change(request, assessment, code, error=exc)
    return redirect(reverse("workspace:item", args=[assessment.pk, code]) + "#comments")


# --------------------------------------------------------------------------- evidence


@login_required
@require_POST
def evidence_file(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    def upload(assessment: Assessment, record: Record) -> None:
        form = FileEvidenceForm(request.POST, request.FILES)
        if refused := upload_refusal(request):  # stopped at the size limit while it was read
            raise EvidenceRejected(refused)
        if not form.is_valid():
            raise WorkspaceError(_("Choose a file to upload."))
        data = form.cleaned_data
        add_files_evidence(assessment, data["file"], user=request.user, records=[record], title=data["title"])

    return _change_record(request, pk, record_pk, upload)


@login_required
@require_POST
def evidence_link(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    def link(assessment: Assessment, record: Record) -> None:
        form = LinkEvidenceForm(request.POST)
        if not form.is_valid():
            raise WorkspaceError(_("Enter the link."))
        data = form.cleaned_data
        add_link_evidence(assessment, data["url"], user=request.user, title=data["title"], records=[record])

    return _change_record(request, pk, record_pk, link)


@login_required
@require_POST
def evidence_attach(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    def attach(assessment: Assessment, record: Record) -> None:
        form = AttachEvidenceForm(request.POST)
        form.fields["evidence"].choices = list(assessment.evidence.values_list("pk", "pk"))
        if not form.is_valid():
            raise WorkspaceError(_("Choose evidence of this assessment."))
        attach_evidence(assessment.evidence.get(pk=form.cleaned_data["evidence"]), record, user=request.user)

    return _change_record(request, pk, record_pk, attach)


@login_required
@require_POST
def evidence_detach(request: HttpRequest, pk: int, record_pk: int, evidence_pk: int) -> HttpResponse:
    def detach(assessment: Assessment, record: Record) -> None:
        evidence = record.evidence.filter(pk=evidence_pk).first()
        if evidence is None:
            raise Http404("Not attached")
        detach_evidence(evidence, record, user=request.user)

    return _change_record(request, pk, record_pk, detach)


@login_required
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Asks first (GET), then deletes (POST): the file leaves storage for good."""
    assessment = get_assessment_for_user(request, pk, write=True)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment)
    item_code = request.GET.get("item", "")
    if item_code not in assessment.framework.compiled().items_by_code:
        item_code = ""
    back = reverse("workspace:item", args=[pk, item_code]) if item_code else reverse("workspace:home", args=[pk])
    if request.GET.get("from") == "library":
        back = reverse("workspace:evidence-library", args=[pk])
    error = None
    if request.method == "POST":
        try:
            delete_evidence(evidence, user=request.user)
        except UserError as exc:
            error = exc
        else:
            messages.success(request, _("The evidence was deleted."))
            return redirect(back)
    records = evidence.records.order_by("item_code", "date")
    context = {"assessment": assessment, "evidence": evidence, "records": records, "back": back, "error": error}
    return render(request, "assessments/evidence_delete.html", context, status=400 if error else 200)


@login_required
def evidence_library_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every file and link of the assessment and where each is used: the unit's people (who may
    reuse and delete) and the office-wide roles, read-only; anyone else gets a 404."""
    assessment = get_assessment_for_user(request, pk)
    kind = request.GET.get("kind", "")
    library = evidence_library(assessment, request.user, kind=kind if kind in LIBRARY_KINDS else "")
    return render(request, "assessments/evidence_library.html", {"library": library, "assessment": assessment})


@login_required
def evidence_reuse(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Let a piece of the library support another record: choose the record, save (the unit's own
    people, while that record may change)."""
    writing = request.method == "POST"
    assessment = get_assessment_for_user(request, pk, write=True)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment)
    choice = reuse_choice(assessment, evidence)
    form = ReuseEvidenceForm(request.POST if writing else None, choices=choice.choices)
    error = None
    if writing and form.is_valid():
        record = get_record_for_user(request, assessment, form.cleaned_data["record"])
        try:
            attach_evidence(evidence, record, user=request.user)
        except UserError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("%(evidence)s now supports the record of %(date)s, item %(item)s too.")
                % {"evidence": evidence, "date": bedate(record.date), "item": record.item_code},
            )
            return redirect(reverse("workspace:evidence-library", args=[assessment.pk]) + f"#evidence-{evidence.pk}")
    context = {"assessment": assessment, "choice": choice, "form": form, "error": error}
    return render(request, "assessments/evidence_reuse.html", context, status=400 if writing else 200)


def _serve(request: HttpRequest, evidence: Evidence, *, inline: bool) -> HttpResponse:
    """The file streamed from storage in chunks, after the caller's access check, and the
    download logged; a storage that does not answer is a 503 page, a file not there a 404."""
    try:
        stored = open_stored(evidence.file)
    except StorageUnavailable as exc:
        return storage_unavailable_page(request, exc)
    except FileNotFoundError as exc:
        raise Http404("The file is not in storage") from exc
    log_evidence_download(evidence, user=request.user, inline=inline)
    response = stored_file_response(
        stored,
        as_attachment=not inline,
        filename=evidence.original_name or f"evidence-{evidence.pk}",
        content_type=evidence.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; plugin-types application/pdf; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def evidence_download(request: HttpRequest, evidence_pk: int) -> HttpResponse:
    return _serve(request, get_evidence_for_user(request, evidence_pk), inline=False)


@login_required
def evidence_view(request: HttpRequest, evidence_pk: int) -> HttpResponse:
    """PDFs and images inline, for people allowed to see them; anything else downloads."""
    evidence = get_evidence_for_user(request, evidence_pk)
    return _serve(request, evidence, inline=evidence.previewable)


# --------------------------------------------------------------------------- submission


@login_required
def submit(request: HttpRequest, pk: int, round_code: str) -> HttpResponse:
    """The round's summary; the director submits it, the unit resubmits it after a return."""
    action = request.POST.get("action", "submit")
    writing = request.method == "POST"
    assessment = get_assessment_for_user(
        request, pk, write=writing and action == "resubmit", submit=writing and action != "resubmit"
    )
    workspace = load_workspace(assessment)
    if round_code not in workspace.scores.by_round:
        raise Http404("No such round")
    error = None
    if writing:
        try:
            _submit_step(request, assessment, round_code, action)
        except UserError as exc:
            error = exc
        else:
            messages.success(request, _("The round was submitted. The workspace is now read-only for it."))
            return redirect("workspace:home", pk=assessment.pk)
    access = access_for(request.user)
    status = workspace.locks.status(round_code)
    context = {
        "ws": workspace,
        "assessment": assessment,
        "result": workspace.scores.by_round[round_code],
        "unsupported": workspace.unsupported(round_code),
        "status": status,
        "can_submit": access.can_submit(assessment.unit_id),
        "can_resubmit": access.can_edit(assessment.unit_id),
        "notified": notifications.notified_people(
            assessment, "resubmit" if status.state == UnitRound.State.RETURNED else "submit"
        ),
        "error": error,
    }
    return render(request, "assessments/submit.html", context, status=400 if error else 200)


def _submit_step(request: HttpRequest, assessment: Assessment, round_code: str, action: str) -> None:
    if action not in ("submit", "resubmit"):
        raise Http404("No such step")
    if request.POST.get("confirm") != "yes":
        raise UserError(_("Tick the box to confirm the submission."))
    review_services.transition(assessment, round_code, action, user=request.user)


# --------------------------------------------------------------------------- import / export


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The assessment as a file: YAML or JSON (to keep or import again), or an Excel workbook of
    its records in Thai (to read, filter and print; ``reports.unit_records``)."""
    assessment = get_assessment_for_user(request, pk)
    verified_until = visibility.verified_values_visible_until(request.user, assessment)
    name = f"{assessment.unit.code}-{assessment.framework.code}"
    if fmt == "xlsx":
        response = HttpResponse(
            records_workbook(assessment, verified_until=verified_until), content_type=XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{name}-records.xlsx"'
        return response
    document = export_document(assessment, verified_until=verified_until)
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False, indent=2)
        content_type = "application/json; charset=utf-8"
    else:
        body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        content_type = "application/yaml; charset=utf-8"
    response = HttpResponse(body.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _import_assessment(request: HttpRequest, pk: int) -> tuple[Assessment, HttpResponse | None]:
    """The assessment for its own people who may change it (404/403 otherwise), and the refusal
    page (403) when it takes no import now: a round closed or submitted."""
    assessment = get_assessment_for_user(request, pk, write=True)
    refusal = import_refusal(assessment)
    if not refusal:
        return assessment, None
    context = {"assessment": assessment, "refusal": refusal, "back": reverse("workspace:home", args=[pk])}
    return assessment, render(request, "assessments/import.html", context, status=403)


@login_required
def import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a file to import: checked and kept for the preview (nothing changes yet)."""
    assessment, refused = _import_assessment(request, pk)
    if refused is not None:
        return refused
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            stage_import(assessment, form.cleaned_data["file"], user=request.user)
        except UserError as exc:
            error = exc
        else:
            return redirect("workspace:import-preview", pk=assessment.pk)
    context = {"assessment": assessment, "form": form, "error": error, "back": reverse("workspace:home", args=[pk])}
    return render(request, "assessments/import.html", context, status=400 if error else 200)


@login_required
def import_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What the uploaded file would add, change and remove; confirm (the import replaces the
    records) or cancel (nothing changes)."""
    assessment, refused = _import_assessment(request, pk)
    if refused is not None:
        return refused
    error = None
    if request.method == "POST":
        token = request.POST.get("token", "")
        if request.POST.get("action") == "cancel":
            cancel_import(assessment, user=request.user, token=token)
            messages.info(request, _("The import was cancelled: nothing was changed."))
            return redirect("workspace:home", pk=assessment.pk)
        try:
            result = confirm_import(
                assessment, user=request.user, token=token, fingerprint=request.POST.get("fingerprint", "")
            )
        except UserError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Imported %(records)d records (%(links)d links, %(files)d files matched).")
                % {"records": result.records, "links": result.links, "files": result.files_matched},
            )
            if result.files_missing:
                messages.warning(
                    request,
                    _("Files to upload again: %(names)s") % {"names": ", ".join(result.files_missing)},
                )
            return redirect("workspace:home", pk=assessment.pk)
    pending = pending_import(assessment, request.user)
    if pending is None:
        if error is None:
            messages.info(request, _("No file is waiting to be imported: upload one."))
        else:
            messages.error(request, error.message)
        return redirect("workspace:import", pk=assessment.pk)
    context = {
        "assessment": assessment,
        "preview": import_preview(assessment, pending),
        "error": error,
        "back": reverse("workspace:home", args=[pk]),
    }
    return render(request, "assessments/import_preview.html", context, status=400 if error else 200)


# --------------------------------------------------------------------------- a new year


@login_required
def open_year_view(request: HttpRequest) -> HttpResponse:
    """Opening a year, in two steps on one page: choose the framework and the units; then check
    and change the dates and staff counts, and confirm. Administrators only."""
    require_administrator(request)
    step = request.POST.get("step") if request.method == "POST" else None
    choice = OpenYearChoiceForm(request.POST if step else None)
    if step is None or not choice.is_valid():
        return render(request, "assessments/open_year.html", {"choice": choice}, status=400 if step else 200)
    framework, units = choice.cleaned_data["framework"], list(choice.cleaned_data["units"])
    plan = plan_opening(framework, units)
    form = OpenYearForm(request.POST if step == "confirm" else None, plan=plan)
    error = None
    if step == "confirm" and form.is_valid():
        try:
            result = open_year(framework, units, form.staff_counts(), form.schedules(), request.user)
        except UserError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("%(year)s was opened for %(count)d units.")
                % {"year": framework.year_label, "count": len(result.created)},
            )
            if result.skipped:
                messages.info(
                    request,
                    _("Skipped, as they have this framework already: %(units)s")
                    % {"units": ", ".join(u.name for u in result.skipped)},
                )
            return redirect("workspace:start")
    context = {"choice": choice, "plan": plan, "form": form, "error": error}
    status = 400 if step == "confirm" else 200
    return render(request, "assessments/open_year_confirm.html", context, status=status)


@login_required
def carry_over_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Last year's records, to copy into this year: the unit's own people only."""
    assessment = get_assessment_for_user(request, pk, write=True)
    page = carry_over_page(assessment)
    writing = request.method == "POST"
    form = CarryOverForm(request.POST if writing else None, rows=page.rows, today=timezone.localdate())
    error = None
    if writing and form.is_valid():
        try:
            copied = carry_over(assessment, form.picks(), user=request.user)
        except UserError as exc:
            error = exc
        else:
            messages.success(request, _("%(count)d records were copied from last year.") % {"count": len(copied)})
            return redirect("workspace:home", pk=assessment.pk)
    context = {"assessment": assessment, "page": page, "form": form, "error": error}
    return render(request, "assessments/carry_over.html", context, status=400 if writing else 200)
