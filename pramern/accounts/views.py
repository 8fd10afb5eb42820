"""Log-in lock page, password change, reset by e-mail and the invitation link: Django's views with
Pramern's templates, Thai e-mails, links to SITE_URL and an audit entry for every password set."""

from __future__ import annotations

import math
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from pramern.accounts.forms import LoginForm, PasswordResetForm
from pramern.accounts.sessions import ROW, end_all_sessions, end_other_sessions
from pramern.accounts.throttling import lock_ends
from pramern.accounts.tokens import invitation_token_generator
from pramern.audit.services import log_action


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page axes shows instead of a login while locked (AXES_LOCKOUT_CALLABLE): when to try
    again, as a time of day in Bangkok and in minutes."""
    ends = lock_ends(request, credentials)
    minutes = max(1, math.ceil((ends - timezone.now()).total_seconds() / 60))
    context = {"time": f"{timezone.localtime(ends):%H:%M}", "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class LoginView(auth_views.LoginView):
    """Django's login page with Pramern's form: a clear message for each way a login fails, and
    the organisation (directory) account named when directory login is on."""

    form_class = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(directory_login=settings.DIRECTORY_LOGIN, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        log_action("pramern.password.changed", form.user, actor=form.user)
        # Django's session hash already shuts the other devices out; their sessions go too.
        end_other_sessions(form.user, keep=self.request.session.get(ROW), actor=form.user, reason="password_changed")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        # Links point to SITE_URL, as in every other e-mail, never to the Host the request named.
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page a reset link opens; the password set is audited and clears a login lock."""

    audit_action = "pramern.password.reset"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        log_action(self.audit_action, form.user, actor=form.user)
        AxesProxyHandler.reset_attempts(username=form.user.get_username())
        end_all_sessions(form.user, actor=form.user, reason="password_reset")
        return response


class InvitationView(SetPasswordView):
    """The page an invitation link opens: the first password of an imported person."""

    token_generator = invitation_token_generator
    template_name = "registration/invitation_confirm.html"
    audit_action = "pramern.password.set_from_invitation"
    success_url = reverse_lazy("password_reset_complete")
