"""Read-only dashboards: every unit's stored scores, ranked, mapped and compared."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from html import escape
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from pramern.assessments.access import get_assessment_for_user
from pramern.assessments.models import UnitRound
from pramern.assessments.workspace import load_workspace
from pramern.dashboards.forms import DashboardFilterForm
from pramern.frameworks.models import Framework
from pramern.organizations.models import Unit
from pramern.organizations.permissions import access_for
from pramern.reports.data import unit_totals
from pramern.review.visibility import verified_rounds_visible, verified_visible_in_state
from pramern.scoring import format_points
from pramern.ui.text import tr

BUCKET = 10  # points per bar of the distribution

#: Units drawn in the ranking and change charts (ranked first); more make the bars unreadable.
CHARTED_UNITS = 40


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not access.sees_all:
        raise PermissionDenied("The dashboard is for the office-wide roles")
    framework = Framework.objects.current_or_404()
    compiled = framework.compiled()
    codes = [r.code for r in compiled.rounds]
    filters = DashboardFilterForm(request.GET, rounds=codes)
    if not filters.is_valid():
        raise BadRequest("Dashboard filters the page does not offer")
    round_code = filters.cleaned_data["round"] or codes[-1]
    kinds = filters.cleaned_data["kind"]
    region = filters.cleaned_data["region"]
    state_labels = dict(UnitRound.State.choices)

    totals = unit_totals(framework, kinds=kinds or None, region=region)
    dimension_max = [(d.code, d.points) for d in compiled.dimensions]
    rows = []
    for by_round in totals.values():
        current = by_round.get(round_code)
        if current is None:
            continue
        unit = current.unit
        # The change from the first round to the chosen one (none when the first is chosen).
        first = by_round.get(codes[0]) if round_code != codes[0] else None
        shown = verified_visible_in_state(access, unit.unit_id, current.state)
        rows.append(
            {
                "unit": unit,
                "row": current,
                "state_label": state_labels.get(current.state, current.state),
                "self": current.self_total,
                "verified": current.verified_total if shown else None,
                "first": first.self_total if first else None,
                "last": current.self_total,
                "change": (current.self_total - first.self_total) if first else None,
                # pre-formatted heat-map cells: (points, share of the dimension's max in %)
                "heat": [
                    (format_points(p), int(100 * p / top) if top else 0)
                    for code, top in dimension_max
                    for p in [Decimal(current.self_dimensions.get(code, "0"))]
                ],
            }
        )
    rows.sort(key=lambda r: (-r["self"], r["unit"].code))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    top = max((d.points for d in compiled.dimensions), default=Decimal(1))
    buckets = [
        (low, min(low + BUCKET, int(compiled.total_points))) for low in range(0, int(compiled.total_points), BUCKET)
    ]
    distribution = [
        {
            "label": f"{low}–{high}",
            "self": sum(
                1
                for r in rows
                if low <= r["row"].self_total < high or (high == compiled.total_points and r["row"].self_total == high)
            ),
            "verified": sum(
                1
                for r in rows
                if r["verified"] is not None
                and (low <= r["verified"] < high or (high == compiled.total_points and r["verified"] == high))
            ),
        }
        for low, high in buckets
    ]
    states = Counter(r["row"].state for r in rows)
    progress = [(value, label, states.get(value, 0)) for value, label in UnitRound.State.choices]
    charted = rows[:CHARTED_UNITS]  # the tables list every unit; a chart of hundreds of bars reads as none
    context = {
        "ranking_rows": _ranking_rows(rows),
        "heatmap_rows": _heatmap_rows(rows),
        "framework": compiled,
        "round_code": round_code,
        "chosen_round": compiled.round(round_code),
        "rounds": compiled.rounds,
        "rows": rows,
        "dimensions": compiled.dimensions,
        "distribution": distribution,
        "progress": progress,
        "kinds": Unit.Kind.choices,
        "selected_kinds": kinds,
        "region": region,
        "regions": range(1, 13),
        "top": top,
        "charted": len(charted),
        "chart_height": f"{4 + 1.9 * len(charted):.1f}rem",  # a bar per unit, labels never skipped
        "chart_data": {
            "ranking": [[r["unit"].short_name or r["unit"].name_th, float(r["self"])] for r in charted],
            "distribution": [[d["label"], d["self"], d["verified"]] for d in distribution],
            "progress": [[str(label), count] for _value, label, count in progress],
            "change": [
                [r["unit"].short_name or r["unit"].name_th, float(r["first"] or 0), float(r["last"] or 0)]
                for r in charted
            ]
            if round_code != codes[0]
            else None,
            # labels as data (json_script), never typed into a script: a title with ' or & stays as it is
            "labels": {
                "self": gettext("Self-assessed"),
                "verified": gettext("Verified"),
                "units": gettext("Units"),
                "first": tr(compiled.rounds[0].title),
                "last": tr(compiled.round(round_code).title),
            },
        },
    }
    return render(request, "dashboards/dashboard.html", context)


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit: per-dimension points against the max, R6 -> R12, and what is still open."""
    assessment = get_assessment_for_user(request, pk)
    workspace = load_workspace(assessment, with_verified=True)
    assert workspace.verified is not None
    results = list(workspace.scores.by_round.values())
    # Verified columns for the rounds whose verified score this reader may see.
    visible = verified_rounds_visible(request.user, assessment, workspace.unit_rounds)
    verified = {code: v for code, v in workspace.verified.items() if code in visible}
    columns = [(r, verified.get(r.round.code)) for r in results]
    dimensions = [
        {
            "dimension": d,
            "by_round": [(r.round, r.dimensions[d.code].points) for r in results],
            "cells": [(r.dimensions[d.code].points, v.dimension_total(d.code) if v else None) for r, v in columns],
        }
        for d in workspace.framework.dimensions
    ]
    context = {
        "ws": workspace,
        "assessment": assessment,
        "results": results,
        "columns": [(r, v.total if v else None, v is not None) for r, v in columns],
        "dimensions": dimensions,
        "open_lines": workspace.scores.final.open_lines(),
        "chart_data": {
            # "ด้าน 1": the table under the chart has the dimensions' full titles
            "dimensions": [
                [f"{gettext('Dimension')} {d['dimension'].code}", float(d["dimension"].points)]
                + [float(p) for _r, p in d["by_round"]]
                for d in dimensions
            ],
            "rounds": [tr(r.round.title) for r in results],
            "labels": {"max": gettext("Full score")},
        },
    }
    return render(request, "dashboards/scorecard.html", context)


# The two tables have a row per unit (1,000 and more): built here with f-strings, because a
# template loop (or format_html per cell) costs more than the rest of the page. Text is escaped
# with html.escape; the other values are numbers formatted by us.


def _ranking_rows(rows: list[dict[str, Any]]) -> SafeString:
    out = []
    for r in rows:
        verified = format_points(r["verified"]) if r["verified"] is not None else "–"
        first = format_points(r["first"]) if r["first"] is not None else ""
        change = "" if r["change"] is None else ("+" if r["change"] > 0 else "") + format_points(r["change"])
        out.append(
            f'<tr><td class="num">{r["rank"]}</td><td><a href="/a/{int(r["unit"].assessment_id)}/scorecard/">'
            f'{escape(r["unit"].name_th)}</a></td><td class="num">{format_points(r["self"])}</td>'
            f'<td class="num">{verified}</td><td class="num">{first}</td><td class="num">{change}</td>'
            f'<td><span class="pill state-{escape(r["row"].state)}">{escape(str(r["state_label"]))}</span></td></tr>'
        )
    return mark_safe("\n".join(out))


def _heatmap_rows(rows: list[dict[str, Any]]) -> SafeString:
    out = []
    for r in rows:
        cells = "".join(
            # the share in steps of 5 % as a class (pramern.css): the CSP allows no style attribute
            f'<td class="num heat s{round(share / 5)}">{points}</td>'
            for points, share in r["heat"]
        )
        out.append(f"<tr><td>{escape(r['unit'].short_name or r['unit'].name_th)}</td>{cells}</tr>")
    return mark_safe("\n".join(out))
