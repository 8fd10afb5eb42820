"""Read-only framework pages. The guideline is public, so these need no login."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from pramern.assessments import years
from pramern.frameworks import document
from pramern.frameworks.models import Framework
from pramern.frameworks.workbook import XLSX_CONTENT_TYPE, workbook_bytes
from pramern.scoring import Framework as CompiledFramework
from pramern.scoring.diff import diff_frameworks


def framework_list(request: HttpRequest) -> HttpResponse:
    """The installed frameworks of the current fiscal year (``?year=2567`` another, ``?year=all`` all)."""
    found = years.frameworks_by_year(request.GET.get("year", ""))
    return render(request, "frameworks/list.html", {"years": found, "frameworks": found.shown})


def _framework(code: str, version: str) -> Framework:
    """The framework a page or download is about (the same access for both: public), or 404."""
    return get_object_or_404(Framework.objects.defer("source"), code=code, version=version)


def framework_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    framework = _framework(code, version)
    compiled = framework.compiled()
    potentials = [(rnd, compiled.potential(rnd.code)) for rnd in compiled.rounds]
    # Links to compare with every other installed framework, the earlier one on the left.
    here = (framework.code, framework.version)
    others = [
        (other.label, reverse("frameworks:compare", args=[*min(key, here), *max(key, here)]))
        for other in Framework.objects.newest_first().exclude(pk=framework.pk).defer("source")
        for key in [(other.code, other.version)]
    ]
    return render(
        request,
        "frameworks/detail.html",
        {"framework": framework, "compiled": compiled, "potentials": potentials, "others": others},
    )


def framework_compare(request: HttpRequest, code: str, version: str, code2: str, version2: str) -> HttpResponse:
    """What changed from one installed framework to another (public, as the framework pages are)."""
    old, new = _framework(code, version), _framework(code2, version2)
    diff = diff_frameworks(old.compiled(), new.compiled())  # paired through the new one's previous:
    return render(request, "frameworks/compare.html", {"old": old, "new": new, "diff": diff})


@require_safe
def authoring_workbook(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """The framework as an authoring workbook (xlsx): public, as the framework page is."""
    framework = get_object_or_404(Framework, code=code, version=version)
    response = HttpResponse(workbook_bytes(framework.source, framework.source_name), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{framework.code}-{framework.version}-authoring.xlsx"'
    return response


#: The guideline's formats: how each is made, its content type and its file extension.
GUIDELINES: dict[str, tuple[Callable[[CompiledFramework], bytes], str]] = {
    "pdf": (document.guideline_pdf, document.PDF_CONTENT_TYPE),
    "docx": (document.guideline_docx, document.DOCX_CONTENT_TYPE),
}
#: Made guidelines by (content hash, format): an installed framework never changes, and printing
#: the PDF takes seconds. A handful of versions is all a site has.
_MADE: dict[tuple[str, str], bytes] = {}


def guideline(request: HttpRequest, code: str, version: str, fmt: str) -> HttpResponse:
    """คำอธิบายแนวทางการดำเนินงาน of the framework as PDF or Word, with its Thai file name."""
    framework = _framework(code, version)
    make, content_type = GUIDELINES[fmt]
    key = (framework.source_sha256, fmt)
    if key not in _MADE:
        if len(_MADE) >= 8:
            _MADE.pop(next(iter(_MADE)))
        _MADE[key] = make(framework.compiled())
    response = HttpResponse(_MADE[key], content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.file_name(framework.compiled(), fmt))
    return response
