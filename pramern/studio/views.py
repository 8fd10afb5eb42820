"""The framework studio's pages (administrators and framework editors only): the drafts, a draft's
fields, rounds and tree with its validation and revisions, diffs, publishing, text patches."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pramern.errors import UserError
from pramern.frameworks import document as guideline_document
from pramern.frameworks.models import Framework
from pramern.frameworks.workbook import XLSX_CONTENT_TYPE
from pramern.organizations.permissions import require_framework_editor
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.studio import pages, services, yearshift
from pramern.studio.forms import (
    ApplyPatchForm,
    AssumptionFormSet,
    CloneForm,
    FrameworkFieldsForm,
    PatchForm,
    PublishForm,
    RoundFormSet,
    UploadForm,
)
from pramern.studio.models import FrameworkDraft
from pramern.ui.uploads import upload_refusal


def _draft_for(request: HttpRequest, pk: int) -> FrameworkDraft:
    """The draft, for administrators and framework editors (403 for anyone else, 404 if none)."""
    require_framework_editor(request)
    return get_object_or_404(FrameworkDraft.objects.select_related("based_on", "published", "created_by"), pk=pk)


# ---- the list of drafts and starting one ------------------------------------------------------


def _index(
    request: HttpRequest, clone: CloneForm, upload: UploadForm, error: UserError | None, status: int
) -> HttpResponse:
    context = {
        "rows": pages.draft_rows(),
        "frameworks": Framework.objects.newest_first(),
        "clone": clone,
        "upload": upload,
        "error": error,
    }
    return render(request, "studio/index.html", context, status=status)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require_framework_editor(request)
    return _index(request, CloneForm(), UploadForm(), None, 200)


@login_required
@require_POST
def start_clone(request: HttpRequest) -> HttpResponse:
    require_framework_editor(request)
    form = CloneForm(request.POST)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.start_draft(
                data["framework"],
                data["code"],
                data["version"],
                request.user,
                title_th=data["title_th"],
                title_en=data["title_en"],
                fiscal_year=data["fiscal_year"],
            )
        except UserError as exc:
            error = exc
        else:
            messages.success(request, _("The draft %(key)s was started.") % {"key": str(draft)})
            return redirect(draft)
    return _index(request, form, UploadForm(), error, 400)


@login_required
@require_POST
def start_upload(request: HttpRequest) -> HttpResponse:
    require_framework_editor(request)
    form = UploadForm(request.POST, request.FILES)
    refused = upload_refusal(request)
    error = UserError(refused) if refused else None
    if error is None and form.is_valid():
        upload = form.cleaned_data["file"]
        start = services.start_draft_from_workbook if form.is_workbook() else services.start_draft_from_text
        try:
            draft = start(upload.read(), upload.name, request.user)
        except UserError as exc:
            error = exc
        else:
            messages.success(request, _("The draft %(key)s was started.") % {"key": str(draft)})
            return redirect(draft)
    return _index(request, CloneForm(), form, error, 400)


# ---- a draft ----------------------------------------------------------------------------------


def _forms(document: dict[str, Any], data: Any = None, *, editable: bool = True) -> dict[str, Any]:
    """The draft page's forms: framework fields, rounds, assumptions (shown disabled once published)."""
    forms: dict[str, Any] = {
        "fields": FrameworkFieldsForm(data, initial=FrameworkFieldsForm.initial_from(document), prefix="fw"),
        "rounds": RoundFormSet(data, initial=RoundFormSet.initial_from(document), prefix="rounds"),
        "assumptions": AssumptionFormSet(data, initial=AssumptionFormSet.initial_from(document), prefix="assumptions"),
    }
    if not editable:
        forms["rounds"].extra = forms["assumptions"].extra = 0
        for each in [forms["fields"], *forms["rounds"].forms, *forms["assumptions"].forms]:
            for field in each.fields.values():
                field.disabled = True
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's framework-level fields, rounds and assumptions (saved together as one revision),
    its tree with links to the item editor, its validation and its revisions."""
    draft = _draft_for(request, pk)
    document = draft.document()
    if not isinstance(document, dict):
        document = {}
    error = None
    saved = None
    if request.method == "POST":
        forms = _forms(document, request.POST)
        summary = request.POST.get("summary", "").strip()[:300]
        if all(form.is_valid() for form in forms.values()):
            for form in forms.values():
                form.apply(document)
            try:
                saved = services.save_revision(
                    draft, document, request.user, summary or _("Framework fields"), base=_int(request.POST.get("base"))
                )
            except UserError as exc:
                error = exc
            else:
                draft.refresh_from_db()
                if not _is_htmx(request):
                    if saved.number == _int(request.POST.get("base")):
                        messages.info(request, _("Nothing was changed."))
                    else:
                        messages.success(request, _("Saved as revision %(number)d.") % {"number": saved.number})
                    return redirect(draft)
                forms = _forms(draft.document())
    else:
        forms = _forms(document, editable=draft.is_editable)
    invalid = request.method == "POST" and saved is None
    context = {
        "draft": draft,
        "forms": forms,
        "error": error,
        "saved": saved,
        "changed": saved is not None and saved.number != _int(request.POST.get("base")),
        "summary": request.POST.get("summary", "") if invalid else "",
        "base": draft.current_revision().number,
    }
    if _is_htmx(request):  # htmx swaps only 2xx answers: a form with errors comes back as 200 there
        response = render(request, "studio/_fields.html", context)
        if saved is not None:
            response["HX-Trigger"] = "draft-saved"
        return response
    context.update(
        tree=pages.flatten(pages.draft_tree(draft, document)),
        links=pages.draft_links(draft),
        check=services.check_draft(draft),
        revisions=pages.revisions_of(draft),
        year_mentions=yearshift.texts_mentioning_years(document) if draft.is_editable else [],
    )
    return render(request, "studio/draft.html", context, status=400 if invalid else 200)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """The validation panel of a draft (htmx refreshes it after every save)."""
    draft = _draft_for(request, pk)
    return render(request, "studio/_check.html", {"draft": draft, "check": services.check_draft(draft)})


@login_required
@require_GET
def revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """The revision list of a draft (htmx refreshes it after every save)."""
    draft = _draft_for(request, pk)
    return render(request, "studio/_revisions.html", {"draft": draft, "revisions": pages.revisions_of(draft)})


@login_required
@require_GET
def download(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The YAML text of one revision, as a file."""
    draft = _draft_for(request, pk)
    revision = get_object_or_404(draft.revisions, number=number)
    response = HttpResponse(revision.source, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{revision.filename}"'
    return response


@login_required
@require_GET
def workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's newest revision as an authoring workbook, to edit in Excel and upload again."""
    draft = _draft_for(request, pk)
    response = HttpResponse(services.draft_workbook(draft), content_type=XLSX_CONTENT_TYPE)
    name = f"{draft.code}-{draft.version}-r{draft.current_revision().number}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


#: The guideline document of a draft: how each format is made, and its content type.
GUIDELINES = {
    "pdf": (guideline_document.guideline_pdf, guideline_document.PDF_CONTENT_TYPE),
    "docx": (guideline_document.guideline_docx, guideline_document.DOCX_CONTENT_TYPE),
}


@login_required
@require_GET
def guideline(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The guideline document (PDF or Word) of the draft's newest revision, marked as a draft on
    every page; a page listing the problems instead while the draft does not compile."""
    draft = _draft_for(request, pk)
    check = services.check_draft(draft)
    if check.compiled is None:
        error = UserError(_("The guideline document is made once the draft has no problem:"), check.problems)
        return render(request, "studio/guideline_refused.html", {"draft": draft, "error": error}, status=400)
    make, content_type = GUIDELINES[fmt]
    note = guideline_document.DRAFT_NOTE if draft.is_editable else ""
    response = HttpResponse(make(check.compiled, note=note), content_type=content_type)
    name = guideline_document.file_name(check.compiled, fmt)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_GET
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two revisions (by default the newest and the one before it)."""
    draft = _draft_for(request, pk)
    newest = draft.current_revision()
    new_number = _int(request.GET.get("new")) or newest.number
    old_number = _int(request.GET.get("old")) or max(new_number - 1, 1)
    revisions = {r.number: r for r in draft.revisions.filter(number__in=[old_number, new_number])}
    if old_number not in revisions or new_number not in revisions:
        raise Http404("No such revision")
    context = {
        "draft": draft,
        "revdiff": pages.revision_diff(revisions[old_number], revisions[new_number]),
        "numbers": list(draft.revisions.values_list("number", flat=True)),
    }
    return render(request, "studio/diff.html", context)


@login_required
@require_GET
def compare_source(request: HttpRequest, pk: int) -> HttpResponse:
    """What the draft's newest revision changes against the framework it was copied from."""
    draft = _draft_for(request, pk)
    if draft.based_on is None:
        raise Http404("The draft was not copied from a framework")
    revision = draft.current_revision()
    context = {"draft": draft, "revision": revision, "diff": pages.source_diff(draft, revision)}
    return render(request, "studio/compare_source.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing, after a page that says what it does; refused with the problems while there are any."""
    draft = _draft_for(request, pk)
    form_class = ApplyPatchForm if draft.is_patch else PublishForm
    form = form_class(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            if draft.is_patch:
                services.apply_patch(draft, request.user, form.cleaned_data["reason"])
            else:
                framework = services.publish(draft, request.user)
        except UserError as exc:
            error = exc
        else:
            if draft.is_patch:
                messages.success(request, _("The correction to %(key)s was saved.") % {"key": str(draft.patch_of)})
                return redirect("studio:patch", code=draft.code, version=draft.version)
            messages.success(request, _("%(key)s was published.") % {"key": str(framework)})
            return redirect(draft)
    context = {"draft": draft, "form": form, "error": error, "check": services.check_draft(draft)}
    return render(request, "studio/publish.html", context, status=400 if request.method == "POST" else 200)


# ---- text patches to a published framework ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def patch(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """Correct the texts of a published framework: edit, preview the diff, save with a reason."""
    require_framework_editor(request)
    framework = get_object_or_404(Framework, code=code, version=version)
    saving = request.method == "POST" and "save" in request.POST
    form = PatchForm(
        request.POST if request.method == "POST" else None,
        initial={"source": dump_framework(load_text(framework.source, framework.source_name or "f.yaml"))},
        reason_required=saving,
    )
    error = preview = None
    if request.method == "POST" and form.is_valid():
        try:
            document = services.read_document(form.cleaned_data["source"], f"{framework}.yaml")
            if saving:
                services.patch_published(framework, document, request.user, form.cleaned_data["reason"])
            else:
                preview = services.preview_patch(framework, document)
        except UserError as exc:
            error = exc
        else:
            if saving:
                messages.success(request, _("The correction to %(key)s was saved.") % {"key": str(framework)})
                return redirect("studio:patch", code=code, version=version)
    context = {
        "framework": framework,
        "form": form,
        "error": error,
        "preview": preview,
        "preview_lines": pages.unified_lines(preview.diff) if preview else [],
        "patches": framework.patches.select_related("author"),
    }
    status = 400 if error or (request.method == "POST" and not form.is_valid()) else 200
    return render(request, "studio/patch.html", context, status=status)


@login_required
@require_POST
def start_patch(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """Open (or reopen) a text correction of a published framework as a draft in the studio."""
    require_framework_editor(request)
    framework = get_object_or_404(Framework, code=code, version=version)
    draft = services.start_patch(framework, request.user)
    return redirect(draft)
