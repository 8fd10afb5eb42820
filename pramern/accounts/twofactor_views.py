"""Two-factor pages: a person's account page, enrolment (QR code and the secret as text), the
verification step after a login, recovery codes shown once, turning off, and the administrators'
list of people with a reset. The work is in pramern/accounts/twofactor.py."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pramern.accounts import twofactor
from pramern.accounts.qr import qr_data_uri
from pramern.organizations.permissions import access_for, require_administrator


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}),
    )


def _next(request: HttpRequest) -> str:
    """Where to go after the step: the page asked for (on this site), or the start page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@login_required
def account(request: HttpRequest) -> HttpResponse:
    context = {"status": twofactor.status(request.user), "is_administrator": access_for(request.user).is_administrator}
    return render(request, "two_factor/account.html", context)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    replace = bool(request.GET.get("replace") or request.POST.get("replace"))
    if twofactor.has_second_factor(request.user) and not (replace and twofactor.may_replace(request)):
        return redirect(next_url)
    device = twofactor.pending_authenticator(request.user)
    error = ""
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                codes = twofactor.enrol(request, device, form.cleaned_data["code"])
            except twofactor.TwoFactorError as exc:
                error = exc.message
            else:
                request.session[twofactor.CODES_SESSION_KEY] = codes
                return redirect(_with_next("two_factor:codes", next_url))
        else:
            error = _("Type the six-digit code your authenticator app shows.")
    context = {
        "form": CodeForm(),  # a wrong code is not shown again
        "error": error,
        "qr": qr_data_uri(device.config_url),
        "secret": twofactor.secret_text(device),
        "required": twofactor.is_required(request.user),
        "replace": replace,
        "next": next_url,
    }
    return render(request, "two_factor/setup.html", context)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    if twofactor.session_passed(request) or not twofactor.has_second_factor(request.user):
        return redirect(next_url)
    error = ""
    if request.method == "POST":
        try:
            done = twofactor.verify(request, request.POST.get("code", ""))
        except twofactor.TwoFactorError as exc:
            error = exc.message
        else:
            if done.method == "recovery_code":
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)d are left. Make new ones on your two-factor page.")
                    % {"left": done.recovery_codes_left},
                )
            return redirect(next_url)
    return render(request, "two_factor/verify.html", {"form": CodeForm(), "error": error, "next": next_url})


@login_required
def codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, until the person says they have kept them (then never again)."""
    next_url = _next(request)
    if request.method == "POST":
        request.session.pop(twofactor.CODES_SESSION_KEY, None)
        return redirect(next_url)
    pending = request.session.get(twofactor.CODES_SESSION_KEY)
    if not pending:
        messages.info(request, _("Recovery codes are shown only once. Make new ones if you lost them."))
        return redirect("two_factor:account")
    return render(request, "two_factor/codes.html", {"codes": pending, "next": next_url})


@login_required
def codes_download(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(twofactor.CODES_SESSION_KEY)
    if not pending:
        return redirect("two_factor:account")
    lines = [_("Pramern recovery codes for %(user)s (each works once)") % {"user": request.user.get_username()}, ""]
    response = HttpResponse("\n".join(lines + pending) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pramern-recovery-codes.txt"'
    return response


@login_required
@require_POST
def codes_new(request: HttpRequest) -> HttpResponse:
    try:
        request.session[twofactor.CODES_SESSION_KEY] = twofactor.renew_recovery_codes(request.user)
    except twofactor.TwoFactorError as exc:
        messages.error(request, exc.message)
        return redirect("two_factor:account")
    return redirect(_with_next("two_factor:codes", reverse("two_factor:account")))


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    try:
        twofactor.turn_off(request)
    except twofactor.TwoFactorError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("two_factor:account")


@login_required
def people(request: HttpRequest) -> HttpResponse:
    require_administrator(request)
    query = request.GET.get("q", "")
    return render(request, "two_factor/people.html", {"people": twofactor.people(query), "q": query})


@login_required
@require_POST
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    require_administrator(request)
    person = get_object_or_404(get_user_model(), pk=pk)
    removed = twofactor.reset(person, request.user)
    name = person.get_full_name() or person.get_username()
    if removed:
        messages.success(request, _("The second factor of %(name)s was reset; they were told.") % {"name": name})
    else:
        messages.info(request, _("%(name)s had no second factor.") % {"name": name})
    return redirect(f"{reverse('two_factor:people')}?{urlencode({'q': request.POST.get('q', '')})}")
