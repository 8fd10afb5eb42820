"""Error pages that need the request (the header shows who is logged in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 400 in Thai with the site around it (Django's own renders without the request)."""
    return render(request, "400.html", status=400)
