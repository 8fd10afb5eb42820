"""The dry run page of the studio (administrators and framework editors only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pramern.organizations.permissions import require_framework_editor
from pramern.studio.dryrun import dry_run
from pramern.studio.dryrun_forms import DryRunForm
from pramern.ui.uploads import upload_refusal


@login_required
def dry_run_page(request: HttpRequest) -> HttpResponse:
    """Choose a draft and an installed framework; the result shows below the form."""
    require_framework_editor(request)
    if request.method != "POST":  # ?draft=<pk>: the draft page's link, that draft chosen
        form = DryRunForm(initial={"draft_studio": request.GET.get("draft", "")[:20]})
        return render(request, "studio/dry_run.html", {"form": form, "result": None})
    form = DryRunForm(request.POST, request.FILES)
    if refused := upload_refusal(request):  # stopped at the size limit while it was read
        form.add_error(None, refused)
    result = None
    if form.is_valid() and form.cleaned_data.get("draft") is not None:
        result = dry_run(form.cleaned_data["draft"], form.cleaned_data["against"])
    return render(
        request, "studio/dry_run.html", {"form": form, "result": result}, status=200 if form.is_valid() else 400
    )
