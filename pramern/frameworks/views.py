"""Read-only framework pages. The guideline is public, so these need no login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from pramern.assessments import years
from pramern.frameworks.models import Framework


def framework_list(request: HttpRequest) -> HttpResponse:
    """The installed frameworks of the current fiscal year (``?year=2567`` another, ``?year=all`` all)."""
    found = years.frameworks_by_year(request.GET.get("year", ""))
    return render(request, "frameworks/list.html", {"years": found, "frameworks": found.shown})


def framework_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    framework = get_object_or_404(Framework.objects.defer("source"), code=code, version=version)
    compiled = framework.compiled()
    potentials = [(rnd, compiled.potential(rnd.code)) for rnd in compiled.rounds]
    return render(
        request,
        "frameworks/detail.html",
        {"framework": framework, "compiled": compiled, "potentials": potentials},
    )
