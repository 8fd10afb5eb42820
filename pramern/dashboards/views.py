"""Read-only dashboards: every unit's stored scores, ranked, mapped and compared."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pramern.assessments import years
from pramern.assessments.access import get_assessment_for_user
from pramern.dashboards import summary
from pramern.dashboards.forms import DashboardFilterForm
from pramern.organizations.permissions import require_office_wide


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Office-wide: the round's summary, then every unit ranked and mapped, a page at a time."""
    access = require_office_wide(request)
    choice = years.chosen_year(request)
    filters = DashboardFilterForm(request.GET, rounds=[r.code for r in choice.framework.compiled().rounds])
    if not filters.is_valid():
        raise BadRequest("Dashboard filters the page does not offer")
    screen = summary.dashboard_screen(request, choice, access, filters.query())
    return render(request, "dashboards/dashboard.html", {**vars(screen), "choice": choice})


@login_required
def year_over_year(request: HttpRequest) -> HttpResponse:
    """Office-wide: each dimension's mean points in the chosen year against the year before, and
    each unit's change (final rounds, self-assessed, units scored in both years)."""
    require_office_wide(request)
    choice = years.chosen_year(request)
    context = {**vars(years.office_comparison(choice)), "year_links": choice.links(request.GET)}
    return render(request, "dashboards/years.html", context)


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit: per-dimension points against the max, R6 -> R12, and what is still open."""
    assessment = get_assessment_for_user(request, pk)
    return render(request, "dashboards/scorecard.html", vars(summary.scorecard(assessment, request.user)))
