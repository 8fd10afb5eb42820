"""The sessions page: a person's devices, ending one of them or all but this one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pramern.accounts.session_page import session_of, sessions_page
from pramern.accounts.sessions import ROW, end_other_sessions, end_session


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    return render(request, "account/sessions.html", {"page": sessions_page(request)})


@require_POST
@login_required
def end(request: HttpRequest, pk: int) -> HttpResponse:
    row = session_of(request.user, pk)
    if row is None:
        raise Http404
    if row.pk == request.session.get(ROW):  # this device: that is a log-out
        logout(request)
        return redirect("login")
    end_session(row, actor=request.user)
    messages.success(request, _("That device is logged out."))
    return redirect("sessions")


@require_POST
@login_required
def end_others(request: HttpRequest) -> HttpResponse:
    count = end_other_sessions(request.user, keep=request.session.get(ROW), actor=request.user)
    messages.success(
        request,
        ngettext("%(count)d other device is logged out.", "%(count)d other devices are logged out.", count)
        % {"count": count},
    )
    return redirect("sessions")
