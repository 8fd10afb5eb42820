"""Thai first (the language is Thai unless the user chose English with the language switch), the
guard on request bodies, and the security headers of every response."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from pramern.ui import uploads


class ThaiFirstLocaleMiddleware:
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    Many government PCs run an English Windows; their users still expect the Thai system.
    Only the language cookie set by ``/i18n/setlang/`` switches to English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class UploadGuardMiddleware:
    """Turns away a multipart post from someone not logged in before anything reads its body
    (CsrfViewMiddleware reads ``request.POST`` in ``process_view``, which runs after every
    middleware's ``__call__``: this must come after AuthenticationMiddleware, that is all), and
    answers 413 when an upload stopped at the size limit and the view did not say so itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type == "multipart/form-data" and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        if uploads.refused_unshown(request):
            return render(request, "413.html", {"message": uploads.too_large_message()}, status=413)
        return response


class SecurityHeadersMiddleware:
    """Every response gets ``CONTENT_SECURITY_POLICY`` unless its view set its own (evidence files
    keep their sandbox); a response for a logged-in person, and any download, is marked
    ``private, no-store`` so no browser cache or proxy keeps a unit's data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.has_header("Content-Disposition"):
            patch_cache_control(response, private=True, no_store=True)
        return response
