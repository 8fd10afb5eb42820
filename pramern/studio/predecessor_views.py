"""The predecessor page of a draft (administrators and framework editors only): which installed
framework it succeeds and where that framework's items and facts went, saved as the draft's
``previous:`` through ``item_views.save_edit`` (a new revision, audited) like every other edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pramern.errors import UserError
from pramern.studio import edits
from pramern.studio.item_views import editable_draft, save_edit
from pramern.studio.predecessor import predecessor_page


@login_required
@require_http_methods(["GET", "POST"])
def predecessor(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the predecessor and map its items and facts (GET ``?framework=code@version`` shows
    another one's rows; POST ``action=save`` saves, any other POST shows the rows again)."""
    draft = editable_draft(request, pk)
    posted = request.method == "POST"
    source = request.POST if posted else request.GET
    page = predecessor_page(draft, draft.document(), source.get("framework"), request.POST if posted else None)
    error = None
    if posted and request.POST.get("action") == "save":
        if page.problems:
            error = UserError(
                _("Nothing was saved: %(count)d choices need correcting (marked below).") % {"count": page.problems}
            )
        else:
            entry = page.entry()
            summary = (
                _("Predecessor %(key)s and its item mapping") % {"key": page.key} if entry else _("No predecessor")
            )
            error = save_edit(request, draft, summary, lambda doc: edits.set_previous(doc, entry))
            if error is None:
                return redirect("studio:predecessor", pk=draft.pk)
    context = {"draft": draft, "page": page, "error": error, "base": draft.current_revision().number}
    return render(request, "studio/predecessor.html", context, status=400 if error else 200)
