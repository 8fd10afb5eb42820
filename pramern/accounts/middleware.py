"""The idle timeout and a session's last use, checked on every request without a query: the
session (loaded anyway to know who is logged in) holds when it was last noted in use, and only
once a minute is that written back, with the session's ``last_seen``."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from pramern.accounts.sessions import ROW, SEEN, TOUCH_SECONDS, follow_key, note_use


class SessionActivityMiddleware:
    """After PRAMERN_IDLE_MINUTES without a request the person is logged out and sent to the
    log-in page (which says why, and returns them where they were); otherwise the session's use
    is noted at most every TOUCH_SECONDS. Comes after MessageMiddleware (its message)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        user_id = session.get(SESSION_KEY)
        if user_id is None:
            return self.get_response(request)
        now = time.time()
        seen = session.get(SEEN)
        noted = isinstance(seen, int | float)
        if settings.IDLE_MINUTES and noted and now - seen > settings.IDLE_MINUTES * 60:
            return self.signed_out_idle(request)
        if not noted or now - seen >= TOUCH_SECONDS:
            note_use(request, user_id, now)
        row, key = session.get(ROW), session.session_key
        response = self.get_response(request)
        if row and session.get(ROW) == row and session.session_key not in (key, None):
            follow_key(row, session.session_key)
        return response

    def signed_out_idle(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        messages.info(
            request,
            _("You were logged out after %(minutes)s minutes without activity. Log in again to continue.")
            % {"minutes": settings.IDLE_MINUTES},
        )
        where = _back_to(request)
        login_page = redirect_to_login(where)["Location"] if where else resolve_url(settings.LOGIN_URL)
        if request.headers.get("HX-Request"):  # htmx: the whole page goes to the log-in page
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_page
            return response
        return HttpResponseRedirect(login_page)


def _back_to(request: HttpRequest) -> str:
    """Where the log-in should return: the page asked for, or for a form sent (which cannot be
    repeated by a GET) the page it was sent from; "" for the log-out itself."""
    if request.method in ("GET", "HEAD"):
        return "" if request.path == reverse("logout") else request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""
