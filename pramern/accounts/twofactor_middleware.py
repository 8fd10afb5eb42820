"""Two-factor before any page: a person who must use a second factor and has none is sent to
enrolment; a person with a confirmed device whose session is not verified is sent to the
verification step. Logging out, changing language, static files and the steps themselves stay open."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, get_script_prefix, resolve, reverse

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

    @staticmethod
    def is_open(path_info: str) -> bool:
        """Whether the page at ``path_info`` (the path without the site's script prefix) is open
        before the second factor: its resolved view name is one of OPEN_NAMES, or it is a static
        file. Names, not reversed paths, so that it holds under FORCE_SCRIPT_NAME (reverse() adds
        the prefix, path_info has none)."""
        static = urlsplit(settings.STATIC_URL).path
        script = get_script_prefix()
        if static.startswith(script):  # Django prefixes a relative STATIC_URL with the script name
            static = "/" + static[len(script) :]
        if path_info.startswith("/" + static.lstrip("/")):
            return True
        try:
            match = resolve(path_info)
        except Resolver404:
            return False
        return match.view_name in OPEN_NAMES
