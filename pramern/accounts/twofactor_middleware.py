"""Two-factor before any page: a person who must use a second factor and has none is sent to
enrolment; a person with a confirmed device whose session is not verified is sent to the
verification step. Logging out, changing language, static files and the steps themselves stay open."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from pramern.accounts import twofactor

#: URL names a person may open before passing the second factor.
OPEN_NAMES = (
    "logout",
    "admin:logout",
    "login",
    "set_language",
    "two_factor:setup",
    "two_factor:verify",
    "two_factor:codes",
    "two_factor:codes-download",
)
STEP_NAMES = {"enrol": "two_factor:setup", "verify": "two_factor:verify"}


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        if self._open is None:  # reversed on first use: the URLconf is not loaded at start-up
            self._open = frozenset(reverse(name) for name in OPEN_NAMES)
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated or self.is_open(request.path_info):
            return self.get_response(request)
        step = twofactor.step_needed(request)
        if not step:
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            # A fragment (the bell's count) asked for by a step page: nothing until the step is done.
            return HttpResponse(status=204)
        target = reverse(STEP_NAMES[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)

    def is_open(self, path: str) -> bool:
        return path in self.open_paths() or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
