"""The inbox behind the bell, marking notifications read, and which kinds also come by email.

A notification is its recipient's only: anyone else's is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pramern.notifications import services
from pramern.notifications.forms import EmailChoicesForm
from pramern.notifications.inbox import Bell, inbox_page


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = inbox_page(request.user)
    # the header's bell shows the count the page has read already
    return render(request, "notifications/inbox.html", {"inbox": page, "bell": Bell(request.user, unread=page.unread)})


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; ``open`` follows its link as well."""
    found = services.mark_read(request.user, pk)
    if found is None:
        raise Http404("No such notification")
    if "open" in request.POST and found.link and url_has_allowed_host_and_scheme(found.link, allowed_hosts=None):
        return redirect(found.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
        % {"count": count},
    )
    return redirect("notifications:inbox")


@login_required
def email_settings(request: HttpRequest) -> HttpResponse:
    current = services.email_choices(request.user)
    form = EmailChoicesForm(request.POST or None, initial_choices=current)
    if request.method == "POST" and form.is_valid():
        services.set_email_choices(request.user, form.choices())
        messages.success(request, _("Your email settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form, "has_email": bool(request.user.email)})
