"""Read-only dashboards: every unit's stored scores, ranked, mapped and compared."""

from __future__ import annotations

from html import escape
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pramern.assessments import years
from pramern.assessments.access import get_assessment_for_user
from pramern.dashboards import summary
from pramern.dashboards.forms import DashboardFilterForm
from pramern.organizations.permissions import require_office_wide
from pramern.reports import caching
from pramern.review import visibility
from pramern.scoring import format_points


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    access = require_office_wide(request)
    choice = years.chosen_year(request)
    framework = choice.framework
    compiled = framework.compiled()
    filters = DashboardFilterForm(request.GET, rounds=[r.code for r in compiled.rounds])
    if not filters.is_valid():
        raise BadRequest("Dashboard filters the page does not offer")
    round_code, kinds, region = (
        filters.cleaned_data["round"] or None,
        filters.cleaned_data["kind"],
        filters.cleaned_data["region"],
    )

    def page() -> dict[str, Any]:
        built = summary.dashboard(framework, access, round_code=round_code, kinds=kinds, region=region)
        return {
            **vars(built),
            "rows": None,  # the two tables below are its rows, ready: the cache keeps no 1,000 objects
            "unit_count": len(built.rows),
            "ranking_rows": _ranking_rows(built.rows),
            "heatmap_rows": _heatmap_rows(built.rows),
        }

    # The same for every reader with the same rule of verified scores (visibility.rule_key), in
    # the same language, until any unit of the year changes (caching.generation).
    key = caching.key(
        "dashboard",
        caching.generation(framework),
        get_language(),
        visibility.rule_key(access),
        round_code,
        sorted(kinds),
        region,
    )
    context = {
        **caching.cached(key, page, framework=compiled),
        "choice": choice,
        "year_links": choice.links(request.GET),
    }
    return render(request, "dashboards/dashboard.html", context)


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


# The two tables have a row per unit (1,000 and more): built here with f-strings, because a
# template loop (or format_html per cell) costs more than the rest of the page. Text is escaped
# with html.escape; the other values are numbers formatted by us.


def _figure(text: str, verified: bool, unverified: str) -> str:
    """A figure as the ranking shows it: as it is when verified, else with the marker the legend
    explains ("*") and, for screen readers, the words "not verified yet" (``unverified``, escaped)."""
    if verified:
        return text
    marker = '<span class="unverified" aria-hidden="true">*</span>'
    return f'{text}{marker}<span class="visually-hidden"> ({unverified})</span>'


def _ranking_rows(rows: list[summary.RankedUnit]) -> SafeString:
    unverified = escape(_("not verified yet"))
    out = []
    for r in rows:
        verified = format_points(r.verified_total) if r.verified_total is not None else "–"
        first = "" if r.first is None else _figure(format_points(r.first), r.first_verified, unverified)
        change = "" if r.change is None else ("+" if r.change > 0 else "") + format_points(r.change)
        basis = "basis verified" if r.verified_basis else "basis"
        score = f'<td class="num {basis}">{_figure(format_points(r.score), r.verified_basis, unverified)}</td>'
        out.append(
            f'<tr><td class="num">{r.rank}</td><td><a href="/a/{int(r.unit.assessment_id)}/scorecard/">'
            f'{escape(r.unit.name_th)}</a></td>{score}<td class="num">{format_points(r.self_total)}</td>'
            f'<td class="num">{verified}</td><td class="num">{first}</td><td class="num">{change}</td>'
            f'<td><span class="pill state-{escape(r.row.state)}">{escape(r.state_label)}</span></td></tr>'
        )
    return mark_safe("\n".join(out))


def _heatmap_rows(rows: list[summary.RankedUnit]) -> SafeString:
    """Each unit's points per dimension on the ranking's basis. Self-assessed points carry the
    ranking's marker as a class (its "*" drawn by pramern.css, a few bytes a cell on a page of
    1,000 rows) and the unit's name the words "not verified yet" for screen readers, once a row."""
    unverified = escape(_("not verified yet"))
    out = []
    for r in rows:
        mark, words = (
            ("", "")
            if r.verified_basis
            else (" unverified-cell", f'<span class="visually-hidden"> ({unverified})</span>')
        )
        cells = "".join(
            # the share in steps of 5 % as a class (pramern.css): the CSP allows no style attribute
            f'<td class="num heat s{round(share / 5)}{mark}">{points}</td>'
            for points, share in r.heat
        )
        out.append(f"<tr><td>{escape(r.unit.short_name or r.unit.name_th)}{words}</td>{cells}</tr>")
    return mark_safe("\n".join(out))
