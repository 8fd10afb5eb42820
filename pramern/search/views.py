"""The search page (and the search box in every page's header)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pramern.organizations.permissions import access_for
from pramern.search.finder import LIMIT, MIN_LENGTH, search


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """Results within what the person may see: their unit's, or every unit's for the office-wide roles."""
    query = request.GET.get("q", "")[:200]
    results = search(query, access_for(request.user)) if query.strip() else None
    return render(
        request, "search/results.html", {"q": query, "results": results, "limit": LIMIT, "min_length": MIN_LENGTH}
    )
