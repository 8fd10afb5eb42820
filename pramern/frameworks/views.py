"""Read-only framework pages. The guideline is public, so these need no login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from pramern.frameworks.models import Framework
from pramern.scoring.diff import diff_frameworks


def framework_list(request: HttpRequest) -> HttpResponse:
    return render(request, "frameworks/list.html", {"frameworks": Framework.objects.newest_first()})


def framework_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    framework = get_object_or_404(Framework.objects.defer("source"), code=code, version=version)
    compiled = framework.compiled()
    potentials = [(rnd, compiled.potential(rnd.code)) for rnd in compiled.rounds]
    # Links to compare with every other installed framework, the earlier one on the left.
    here = (framework.code, framework.version)
    others = [
        ("@".join(key), reverse("frameworks:compare", args=[*min(key, here), *max(key, here)]))
        for key in Framework.objects.newest_first().exclude(pk=framework.pk).values_list("code", "version")
    ]
    return render(
        request,
        "frameworks/detail.html",
        {"framework": framework, "compiled": compiled, "potentials": potentials, "others": others},
    )


def framework_compare(request: HttpRequest, code: str, version: str, code2: str, version2: str) -> HttpResponse:
    """What changed from one installed framework to another (public, as the framework pages are)."""
    old = get_object_or_404(Framework.objects.defer("source"), code=code, version=version)
    new = get_object_or_404(Framework.objects.defer("source"), code=code2, version=version2)
    diff = diff_frameworks(old.compiled(), new.compiled())  # paired through the new one's previous:
    return render(request, "frameworks/compare.html", {"old": old, "new": new, "diff": diff})
