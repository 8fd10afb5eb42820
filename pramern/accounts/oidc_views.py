"""OpenID Connect pages: the start of a login (to the provider), its return (the callback), the
page of a person whose account waits for approval, and logout (here, then at the provider)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.generic import TemplateView, View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from pramern.accounts import oidc


class LoginStartView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """The library's authorization request (state, nonce, PKCE S256 kept in the session), to the
    endpoint the issuer's metadata names."""

    get_settings = staticmethod(oidc.library_setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoint is read per login, in get(), where a failure can be shown

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.provider_metadata()["authorization_endpoint"]
        except oidc.LoginError as error:
            messages.error(request, error.message)
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = oidc.library_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


def callback(request: HttpRequest) -> HttpResponse:
    if not oidc.enabled():
        raise Http404
    try:
        return redirect(oidc.complete_login(request))
    except oidc.AwaitingApproval:
        return redirect("oidc_pending")
    except oidc.LoginError as error:
        messages.error(request, error.message)
        return redirect("login")


class PendingView(TemplateView):
    template_name = "registration/oidc_pending.html"


class LogoutView(auth_views.LogoutView):
    """Django's logout; then, for a person who logged in through OpenID Connect, a page that goes
    on to the provider's logout page (which comes back to the login page). Not a redirect: the
    Content-Security-Policy (form-action 'self') stops a form's redirect to another site."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at_provider = oidc.end_session_url(request)  # read before the session ends
        response = super().post(request, *args, **kwargs)
        if not at_provider:
            return response
        context = {"end_session_url": at_provider, "provider": settings.PRAMERN_OIDC_NAME}
        return render(request, "registration/oidc_logged_out.html", context)
