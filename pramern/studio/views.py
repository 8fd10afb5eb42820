"""The framework studio's pages (administrators and framework editors only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pramern.frameworks.models import Framework
from pramern.organizations.permissions import require_framework_editor


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require_framework_editor(request)
    return render(request, "studio/index.html", {"frameworks": Framework.objects.newest_first()})
