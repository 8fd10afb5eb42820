"""Read-only framework pages. The guideline is public, so these need no login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from pramern.frameworks.models import Framework
from pramern.frameworks.workbook import XLSX_CONTENT_TYPE, workbook_bytes


def framework_list(request: HttpRequest) -> HttpResponse:
    return render(request, "frameworks/list.html", {"frameworks": Framework.objects.newest_first()})


def framework_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    framework = get_object_or_404(Framework.objects.defer("source"), code=code, version=version)
    compiled = framework.compiled()
    potentials = [(rnd, compiled.potential(rnd.code)) for rnd in compiled.rounds]
    return render(
        request,
        "frameworks/detail.html",
        {"framework": framework, "compiled": compiled, "potentials": potentials},
    )


@require_safe
def authoring_workbook(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """The framework as an authoring workbook (xlsx): public, as the framework page is."""
    framework = get_object_or_404(Framework, code=code, version=version)
    response = HttpResponse(workbook_bytes(framework.source, framework.source_name), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{framework.code}-{framework.version}-authoring.xlsx"'
    return response
