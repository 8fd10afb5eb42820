"""The dashboards' read models: every unit's stored scores ranked, bucketed and counted for one
round (``dashboard_screen``: the summary first, the ranking and the heat map a page of units at a
time), and one unit's scorecard across the rounds. What a reader sees depends on who they are
(verified scores), so each builder takes the reader."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from pramern.assessments.models import Assessment, UnitRound
from pramern.assessments.rounds import state_label
from pramern.assessments.workspace import Workspace, load_workspace
from pramern.assessments.years import YearChoice, YearLink
from pramern.frameworks.models import Framework
from pramern.organizations.models import Unit
from pramern.organizations.permissions import Access
from pramern.reports import caching
from pramern.reports.data import TotalsRow, UnitRef, settled_figure, shared_ranks, unit_totals
from pramern.review import visibility
from pramern.review.visibility import verified_visible_in_state
from pramern.scoring import ScoreResult, format_points
from pramern.scoring.model import Dimension, Round
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.numbers import json_number
from pramern.search.text import normalise, terms
from pramern.ui.text import tr

T = TypeVar("T")

BUCKET = 10  # points per bar of the distribution

#: Units drawn in the ranking and change charts (ranked first); more make the bars unreadable.
CHARTED_UNITS = 40

#: Units per page of the ranking and the heat map: the page stays a few tens of KB at 1,000
#: units (every row: ``?page=all``, or the Excel/CSV download).
UNITS_PER_PAGE = 25

#: Units in the summary's lists of the highest and the lowest ranked.
SUMMARY_UNITS = 5


@dataclass(frozen=True)
class RankedUnit:
    """A unit's row in the ranking and the heat map, for the chosen round."""

    rank: int
    unit: UnitRef
    state: str  # the round's state (UnitRound.State)
    state_label: str
    self_total: Decimal
    verified_total: Decimal | None  # None: not shown to this reader (or its review has not begun)
    #: What the unit is ranked by: its verified total once the round is settled (verified or
    #: published) and this reader may see it, else its self-assessed total, marked unverified
    #: (``reports.data.settled_figure``). The heat map's points follow the same basis.
    score: Decimal
    verified_basis: bool
    #: The first round's total by the same rule (None when the first round is the chosen one),
    #: whether that figure is verified, and the change from it to ``score``.
    first: Decimal | None
    first_verified: bool
    change: Decimal | None
    #: per dimension: (points formatted, share of the dimension's max in steps of 5 %, 0-20: the
    #: heat map's class, pramern.css; the CSP allows no style attribute)
    heat: list[tuple[str, int]]


@dataclass(frozen=True)
class Bucket:
    """A bar of the distribution: how many units scored from ``label``'s low to its high."""

    label: str
    self_count: int
    verified_count: int


@dataclass(frozen=True)
class Dashboard:
    """The office-wide dashboard of one round; the field names are the template's."""

    framework: CompiledFramework
    round_code: str
    chosen_round: Round
    rounds: tuple[Round, ...]
    rows: list[RankedUnit]
    dimensions: tuple[Dimension, ...]
    distribution: list[Bucket]
    progress: list[tuple[str, str, int]]  # (state, label, units in it)
    kinds: list[tuple[str, str]]
    selected_kinds: list[str]
    region: int | None
    regions: range
    top: Decimal
    charted: int
    chart_height: str
    chart_data: dict[str, Any]
    mean_self: Decimal | None  # the units' mean self-assessed total (None: no unit)
    verified_basis_count: int  # units ranked by a verified total


@dataclass(frozen=True)
class DashboardQuery:
    """What a reader asked the dashboard for (its query string, read by ``DashboardFilterForm``)."""

    round_code: str | None  # None: the last round
    kinds: list[str]
    region: int | None
    search: str = ""  # words of a unit's name or code ("": every unit)
    page: str = ""  # a page number, "all" (every unit on one page) or "" (the first)


@dataclass(frozen=True)
class PageLink:
    """A link of the pagination: its text, its query string (the other filters kept), and
    whether it is the page shown (``aria-current``); ``href`` "" is a gap ("…")."""

    label: str
    href: str
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    """The units a page of the ranking and the heat map shows, and the links to the others."""

    first: int  # the first unit shown (1-based; 0: none)
    last: int
    count: int  # units matching the search
    showing_all: bool
    links: list[PageLink]
    previous: str  # the previous page's query string ("": none)
    next: str
    all_href: str  # every unit on one page (``?page=all``)
    paged_href: str  # back to pages of ``UNITS_PER_PAGE``
    without_search: str  # the first page of every unit

    @property
    def paginated(self) -> bool:
        """Whether there is more than one page (else no pagination is shown)."""
        return self.count > UNITS_PER_PAGE


@dataclass(frozen=True)
class DashboardPage:
    """What one page of the dashboard adds to the round's ``Dashboard``: the units of its page of
    the ranking and the heat map, and the summary's lists. The field names are the template's."""

    unit_count: int  # units with a card for the round (after the kind and region filters)
    leaders: list[RankedUnit]  # the highest ranked
    trailing: list[RankedUnit]  # the lowest ranked ([] when the leaders already show every unit)
    rows: list[RankedUnit]  # this page's units, in ranking order
    search: str
    pagination: Pagination


@dataclass(frozen=True)
class DashboardScreen:
    """The dashboard as a request gets it: the framework (its title), the links to the other
    years, and the content (the summary, then a page of the ranking and the heat map)."""

    framework: CompiledFramework
    year_links: list[YearLink]
    body: SafeString


def dashboard_screen(
    request: HttpRequest, choice: YearChoice, access: Access, query: DashboardQuery
) -> DashboardScreen:
    """The dashboard of ``choice``'s framework as ``access`` sees it, for ``query`` (read from
    ``request``'s query string, which the page's links keep).

    Its content is rendered once for each state of what it shows and then read from the cache:
    the year's score cards (``caching.scorecard_generation``: their figures, round states and
    units; a save that moves no score leaves it), the language, the reader's rule of verified
    scores (``visibility.rule_key``), the filters and the page (a search is made for each reading).
    Under it the round's whole ranking is cached too, per filters: another page or a search only
    picks from it. One query of its own when cached (the year's score cards' generation)."""
    framework = choice.framework
    compiled = framework.compiled()
    ranking_key = caching.key(
        "dashboard",
        caching.scorecard_generation(framework),
        get_language(),
        visibility.rule_key(access),
        query.round_code,
        ",".join(sorted(query.kinds)),
        query.region,
    )
    params = _params(request, query)

    def render(extra_context: dict[str, Any]) -> str:
        built = caching.cached(
            ranking_key,
            lambda: dashboard(framework, access, round_code=query.round_code, kinds=query.kinds, region=query.region),
            framework=compiled,
        )
        page = dashboard_page(built, query, params)
        context = {**vars(built), **vars(page), "choice": choice, **extra_context}
        return render_to_string("dashboards/_dashboard_body.html", context)

    # A page of the ranking is kept (in the process's memory too: the same for every reader with
    # the same rule); a search is made for each reading (its words could be anything).
    page = caching.page_key(query.page)
    key = f"{ranking_key}:page:{page}" if page and not query.search else None
    body = caching.cached_html(key, render, request, remember=True)
    return DashboardScreen(compiled, choice.links(request.GET, drop=("round", "page")), body)


def _params(request: HttpRequest, query: DashboardQuery) -> QueryDict:
    """The query string the dashboard reads, and nothing else: the pages' links keep these only
    (the cached content is the same whatever else a reader's address said)."""
    params = QueryDict(mutable=True)
    if request.GET.get("year"):
        params["year"] = request.GET["year"]  # a year offered (``years.chosen_year``: 404 otherwise)
    if query.round_code:
        params["round"] = query.round_code
    if query.kinds:
        params.setlist("kind", list(query.kinds))
    if query.region is not None:
        params["region"] = str(query.region)
    if query.search:
        params["q"] = query.search
    return params


def dashboard_page(built: Dashboard, query: DashboardQuery, params: QueryDict) -> DashboardPage:
    """The page of ``built``'s ranking ``query`` asks for (its search, its page); ``params``: the
    query string, which the pagination's links keep."""
    matching = _matching(built.rows, query.search)
    showing_all = query.page == "all"
    paginator = Paginator(matching, (len(matching) or 1) if showing_all else UNITS_PER_PAGE)
    page = paginator.get_page(1 if showing_all else query.page)
    return DashboardPage(
        unit_count=len(built.rows),
        leaders=built.rows[:SUMMARY_UNITS],
        trailing=built.rows[max(SUMMARY_UNITS, len(built.rows) - SUMMARY_UNITS) :],
        rows=list(page.object_list),
        search=query.search,
        pagination=Pagination(
            first=page.start_index() if matching else 0,
            last=page.end_index() if matching else 0,
            count=len(matching),
            showing_all=showing_all,
            links=[] if showing_all else _page_links(params, page.number, paginator.num_pages),
            previous=_with_page(params, page.number - 1) if not showing_all and page.has_previous() else "",
            next=_with_page(params, page.number + 1) if not showing_all and page.has_next() else "",
            all_href=_with_page(params, "all"),
            paged_href=_with_page(params, None),
            without_search=_with_page(params, None, drop=("q",)),
        ),
    )


def _matching(rows: list[RankedUnit], search: str) -> list[RankedUnit]:
    """The units whose Thai name, short name or code holds every word of ``search``."""
    words = [w.casefold() for w in terms(search)]
    if not words:
        return rows
    found = []
    for r in rows:
        text = normalise(f"{r.unit.name_th} {r.unit.short_name} {r.unit.code}").casefold()
        if all(w in text for w in words):
            found.append(r)
    return found


#: Pages linked on either side of the page shown (the first and the last always are).
PAGE_NEIGHBOURS = 2


def _page_links(params: Mapping[str, Any], number: int, pages: int) -> list[PageLink]:
    """Links to the first and last pages and to those near ``number``, with gaps ("…") between."""
    if pages <= 1:
        return []
    shown = sorted({1, pages, *range(max(1, number - PAGE_NEIGHBOURS), min(pages, number + PAGE_NEIGHBOURS) + 1)})
    links: list[PageLink] = []
    for n in shown:
        if links and n > int(links[-1].label) + 1:
            links.append(PageLink("…", ""))
        links.append(PageLink(str(n), _with_page(params, n), n == number))
    return links


def _with_page(params: Mapping[str, Any], page: int | str | None, *, drop: tuple[str, ...] = ()) -> str:
    """``params`` (less ``drop``) as a query string with ``page`` set (None: left out, the first page)."""
    items = params.lists() if isinstance(params, QueryDict) else ((k, [v]) for k, v in params.items())
    kept = [(name, str(v)) for name, values in items if name not in ("page", *drop) for v in values]
    if page is not None and page != 1:
        kept.append(("page", str(page)))
    return "?" + urlencode(kept)


def dashboard(
    framework: Framework, access: Access, *, round_code: str | None, kinds: list[str], region: int | None
) -> Dashboard:
    """Every unit's stored totals for ``round_code`` (the last round when None), filtered by kind
    and region, with the verified totals ``access`` may see. Reads the score cards: the query
    count does not grow with the units."""
    compiled = framework.compiled()
    codes = [r.code for r in compiled.rounds]
    round_code = round_code or codes[-1]
    rows = _ranked(compiled, access, unit_totals(framework, kinds=kinds or None, region=region), round_code)
    distribution = _distribution(compiled, rows)
    states = Counter(r.state for r in rows)
    progress = [(value, state_label(value), states.get(value, 0)) for value in UnitRound.State.values]
    charted = rows[:CHARTED_UNITS]  # the tables list every unit; a chart of hundreds of bars reads as none
    return Dashboard(
        framework=compiled,
        round_code=round_code,
        chosen_round=compiled.round(round_code),
        rounds=compiled.rounds,
        rows=rows,
        dimensions=compiled.dimensions,
        distribution=distribution,
        progress=progress,
        kinds=Unit.Kind.choices,
        selected_kinds=kinds,
        region=region,
        regions=range(1, 13),
        top=max((d.points for d in compiled.dimensions), default=Decimal(1)),
        charted=len(charted),
        chart_height=f"{4 + 1.9 * len(charted):.1f}rem",  # a bar per unit, labels never skipped
        chart_data={
            # [name, verified total or None, self-assessed (unverified) total or None]: two series
            "ranking": [
                [_name(r.unit), json_number(r.score), None]
                if r.verified_basis
                else [_name(r.unit), None, json_number(r.score)]
                for r in charted
            ],
            "distribution": [[d.label, d.self_count, d.verified_count] for d in distribution],
            "progress": [[str(label), count] for _value, label, count in progress],
            # [name, first verified, first unverified, chosen verified, chosen unverified]: each
            # round's bar is its verified total where settled and shown, else its claim, apart
            "change": [
                [_name(r.unit), *_split(r.first or Decimal(0), r.first_verified), *_split(r.score, r.verified_basis)]
                for r in charted
            ]
            if round_code != codes[0]
            else None,
            # labels as data (json_script), never typed into a script: a title with ' or & stays as it is
            "labels": {
                "self": gettext("Self-assessed"),
                "verified": gettext("Verified"),
                "unverified": gettext("Self-assessed, not verified yet"),
                "units": gettext("Units"),
                "first": tr(compiled.rounds[0].title),
                "last": tr(compiled.round(round_code).title),
            },
        },
        mean_self=(sum((r.self_total for r in rows), Decimal(0)) / len(rows)).quantize(Decimal("0.01"))
        if rows
        else None,
        verified_basis_count=sum(1 for r in rows if r.verified_basis),
    )


def _name(unit: UnitRef) -> str:
    return unit.short_name or unit.name_th


def _split(figure: Decimal, verified: bool) -> list[int | float | None]:
    """A figure as the charts' two series: [verified, None] or [None, self-assessed]."""
    return [json_number(figure), None] if verified else [None, json_number(figure)]


def _ranked(
    compiled: CompiledFramework, access: Access, totals: dict[int, dict[str, TotalsRow]], round_code: str
) -> list[RankedUnit]:
    """The units with a card for the round, highest first: by the verified total where the round
    is settled and the reader sees it, else by the self-assessed total (marked unverified). Units
    with the same figure share a rank."""
    first_code = compiled.rounds[0].code
    dimension_max = [(d.code, d.points) for d in compiled.dimensions]
    chosen = []
    for by_round in totals.values():
        current = by_round.get(round_code)
        if current is None:
            continue
        shown = verified_visible_in_state(access, current.unit.unit_id, current.state)
        score, verified_basis = settled_figure(current.state, current.self_total, _if(shown, current.verified_total))
        chosen.append(((by_round, current, shown), score, verified_basis, current.unit.code))
    rows = []
    for rank, (by_round, current, shown), score, verified_basis in shared_ranks(chosen):
        # The change from the first round to the chosen one (none when the first is chosen).
        first = by_round.get(first_code) if round_code != first_code else None
        first_figure, first_verified = (None, False) if first is None else _figure(access, first)
        # the heat map's points: by the rule the total follows (the basis is the same)
        dimensions, _basis = settled_figure(
            current.state, current.self_dimensions, _if(shown, current.verified_dimensions)
        )
        rows.append(
            RankedUnit(
                rank=rank,
                unit=current.unit,
                state=current.state,
                state_label=state_label(current.state),
                self_total=current.self_total,
                verified_total=current.verified_total if shown else None,
                score=score,
                verified_basis=verified_basis,
                first=first_figure,
                first_verified=first_verified,
                change=(score - first_figure) if first_figure is not None else None,
                heat=[
                    (format_points(p), round(int(100 * p / top) / 5) if top else 0)
                    for code, top in dimension_max
                    for p in [Decimal(dimensions.get(code, "0"))]
                ],
            )
        )
    return rows


def _if(shown: bool, value: T) -> T | None:
    return value if shown else None


def _figure(access: Access, row: TotalsRow) -> tuple[Decimal, bool]:
    """A round's total as the ranking shows it to ``access``, and whether it is verified."""
    shown = verified_visible_in_state(access, row.unit.unit_id, row.state)
    return settled_figure(row.state, row.self_total, _if(shown, row.verified_total))


def _distribution(compiled: CompiledFramework, rows: list[RankedUnit]) -> list[Bucket]:
    """Units per band of ``BUCKET`` points; the last band holds the full score too."""
    total = compiled.total_points
    buckets = [(low, min(low + BUCKET, int(total))) for low in range(0, int(total), BUCKET)]

    def within(points: Decimal, low: int, high: int) -> bool:
        return low <= points < high or (high == total and points == high)

    return [
        Bucket(
            label=f"{low}–{high}",
            self_count=sum(1 for r in rows if within(r.self_total, low, high)),
            verified_count=sum(1 for r in rows if r.verified_total is not None and within(r.verified_total, low, high)),
        )
        for low, high in buckets
    ]


@dataclass(frozen=True)
class DimensionRow:
    """A dimension of the scorecard: its points per round, and per column (self, verified or None)."""

    dimension: Dimension
    by_round: list[tuple[Round, Decimal]]
    cells: list[tuple[Decimal, Decimal | None]]


@dataclass(frozen=True)
class Scorecard:
    """One unit's scorecard: per-dimension points against the max, every round, what is still open."""

    ws: Workspace
    assessment: Assessment
    results: list[ScoreResult]
    columns: list[tuple[ScoreResult, Decimal | None, bool]]  # (self result, verified total, verified shown)
    dimensions: list[DimensionRow]
    open_lines: list[Any]
    chart_data: dict[str, Any]


def scorecard(assessment: Assessment, user: Any) -> Scorecard:
    """The scorecard as ``user`` sees it: verified columns only for the rounds whose verified
    score they may see."""
    workspace = load_workspace(assessment, with_verified=True)
    results = list(workspace.scores.by_round.values())
    verified = workspace.verified_visible_to(user)
    columns = [(r, verified.get(r.round.code)) for r in results]
    dimensions = [
        DimensionRow(
            dimension=d,
            by_round=[(r.round, r.dimensions[d.code].points) for r in results],
            cells=[(r.dimensions[d.code].points, v.dimension_total(d.code) if v else None) for r, v in columns],
        )
        for d in workspace.framework.dimensions
    ]
    return Scorecard(
        ws=workspace,
        assessment=assessment,
        results=results,
        columns=[(r, v.total if v else None, v is not None) for r, v in columns],
        dimensions=dimensions,
        open_lines=workspace.scores.final.open_lines(),
        chart_data={
            # "ด้าน 1": the table under the chart has the dimensions' full titles
            "dimensions": [
                [f"{gettext('Dimension')} {d.dimension.code}", json_number(d.dimension.points)]
                + [json_number(p) for _r, p in d.by_round]
                for d in dimensions
            ],
            "rounds": [tr(r.round.title) for r in results],
            "labels": {"max": gettext("Full score")},
        },
    )
