"""Fiscal years across pages: which years the database holds, which one is current, the year a
request chose, a unit's history across years and the year-over-year change per dimension.

**A framework's fiscal year** is the Thai fiscal year that holds the cut-off of its final round.
Fiscal year N (Buddhist era) runs from 1 October of N-544 to 30 September of N-543 (CE), so
FY2567 is 1 Oct 2023 – 30 Sep 2024. The cut-off, not the start, decides: FY2567's rounds count
work from 1 Aug 2023 (still FY2566) to 31 Jul 2024, and the year a programme is named after is
the one its results close in.

**The years offered** are those of the installed frameworks that have assessments, newest first
(by fiscal year, then code and version). **The current year** is the newest of them; with no
assessment anywhere, the newest installed framework. A year is chosen with ``?year=2567``; when
two frameworks of the same fiscal year both have assessments (a new version), the newest answers
to ``2567`` and the other to its ``code@version`` (``?year=oae-2567@1``), which is accepted for any
offered framework. An unknown year is a 404.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext

from pramern.assessments.models import Assessment
from pramern.frameworks.models import Framework
from pramern.organizations.models import Unit
from pramern.organizations.permissions import Access
from pramern.reports.data import UnitRef, unit_totals
from pramern.reports.models import ScoreCard
from pramern.review.visibility import verified_visible_in_state
from pramern.scoring.mapping import mapping_for
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.model import Round, Text
from pramern.thaidates import BUDDHIST_ERA_OFFSET, fiscal_year_of

# ----------------------------------------------------------------------------- the rule


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of fiscal year ``year`` (Buddhist era), in the common era."""
    start = year - BUDDHIST_ERA_OFFSET - 1
    return dt.date(start, 10, 1), dt.date(start + 1, 9, 30)


def framework_fiscal_year(compiled: CompiledFramework) -> int:
    """The fiscal year of a framework: the one holding its final round's cut-off."""
    return fiscal_year_of(compiled.final_round.cutoff)


def year_label(year: int) -> str:
    """ "ปีงบประมาณ 2567" (Fiscal year 2567 in English)."""
    return gettext("Fiscal year %(year)s") % {"year": year}


# ----------------------------------------------------------------------------- the years


@dataclass(frozen=True)
class FiscalYear:
    """A fiscal year as pages offer it: the framework it is run under and the key that chooses it."""

    number: int
    framework: Framework
    key: str  # "2567", or "oae-2567@1" for an older framework of a year that has two
    assessed: bool  # some unit has an assessment under this framework

    @property
    def compiled(self) -> CompiledFramework:
        return self.framework.compiled()

    @property
    def label(self) -> str:
        if self.key == str(self.number):
            return year_label(self.number)
        return f"{year_label(self.number)} ({gettext('version %(version)s') % {'version': self.framework.version}})"

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return fiscal_year_bounds(self.number)


def _version_key(version: str) -> list[tuple[int, int, str]]:
    """Versions compared as people read them: 10 after 9, 1.2 after 1.1."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", version)]


def _years(frameworks: Iterable[tuple[Framework, bool]]) -> list[FiscalYear]:
    """Frameworks as fiscal years, newest first; the newest framework of a year gets its number as key."""
    found = [(framework_fiscal_year(f.compiled()), f, assessed) for f, assessed in frameworks]
    found.sort(key=lambda t: (t[0], t[1].code, _version_key(t[1].version)), reverse=True)
    seen: set[int] = set()
    years = []
    for number, framework, assessed in found:
        key = str(number) if number not in seen else f"{framework.code}@{framework.version}"
        seen.add(number)
        years.append(FiscalYear(number, framework, key, assessed))
    return years


def installed_years() -> list[FiscalYear]:
    """Every installed framework as a fiscal year, newest first, each marked with whether it has
    assessments: one query (and a framework's source once per process, to compile it)."""
    frameworks = Framework.objects.defer("source").annotate(
        assessed=Exists(Assessment.objects.filter(framework=OuterRef("pk")))
    )
    return _years((f, f.assessed) for f in frameworks)


def offered(installed: list[FiscalYear]) -> list[FiscalYear]:
    """The years pages offer: those with assessments (keyed among themselves), else the newest installed."""
    assessed = _years((y.framework, True) for y in installed if y.assessed)
    return assessed or installed[:1]


def fiscal_years() -> list[FiscalYear]:
    """The fiscal years available: one per installed framework with assessments, newest first."""
    return [y for y in offered(installed_years()) if y.assessed]


class NoFramework(Http404):
    """No framework is installed: there is no year to show (a 404 unless the page says so)."""


def current_year() -> FiscalYear:
    """The newest year with assessments, else the newest installed framework; 404 when none is installed."""
    years = offered(installed_years())
    if not years:
        raise NoFramework("No framework installed")
    return years[0]


def find_year(years: list[FiscalYear], key: str) -> FiscalYear | None:
    """The year ``key`` names among ``years``: its number, or a framework's ``code@version``."""
    key = key.strip()
    for year in years:
        if key in (year.key, f"{year.framework.code}@{year.framework.version}"):
            return year
    return None


@dataclass(frozen=True)
class YearChoice:
    """The fiscal year a page shows, and the others it offers."""

    year: FiscalYear
    years: list[FiscalYear]

    @property
    def framework(self) -> Framework:
        return self.year.framework

    @property
    def current(self) -> FiscalYear:
        return self.years[0]

    @property
    def is_current(self) -> bool:
        return self.year == self.current

    @property
    def previous(self) -> FiscalYear | None:
        """The year before the chosen one among those offered (the next older), if any."""
        older = [y for y in self.years if y.number < self.year.number]
        return older[0] if older else None

    @property
    def query(self) -> str:
        """``year=2567``: what a link from the page adds to carry the year."""
        return urlencode({"year": self.year.key})

    def links(self, query: QueryDict | Mapping[str, Any], *, drop: Iterable[str] = ("round",)) -> list[YearLink]:
        """A link per year keeping the page's other filters; ``drop`` names the filters whose
        values belong to one framework (rounds, dimensions), left out when the year changes."""
        return [YearLink(y, _with_year(query, y.key, drop), y == self.year) for y in self.years]


@dataclass(frozen=True)
class YearLink:
    year: FiscalYear
    href: str  # "?kind=bureau&year=2567"
    selected: bool


def _with_year(query: QueryDict | Mapping[str, Any], key: str, drop: Iterable[str]) -> str:
    kept: list[tuple[str, str]] = []
    skipped = {"year", *drop}
    items = query.lists() if isinstance(query, QueryDict) else ((k, [v]) for k, v in query.items())
    for name, values in items:
        if name not in skipped:
            kept.extend((name, str(v)) for v in values)
    kept.append(("year", key))
    return "?" + urlencode(kept)


def chosen_year(request: HttpRequest, *, value: str | None = None) -> YearChoice:
    """The fiscal year ``request`` chose (``?year=``, or a POST's ``year``, or ``value`` from the
    path), the current year when it chose none; 404 for a year that is not offered. One query."""
    if value is None:
        value = request.POST.get("year") if request.method == "POST" else None
        value = value or request.GET.get("year", "")
    years = offered(installed_years())
    if not years:
        raise NoFramework("No framework installed")
    if not value:
        return YearChoice(years[0], years)
    found = find_year(years, value)
    if found is None:
        raise Http404("No such fiscal year")
    return YearChoice(found, years)


def year_of(framework: Framework) -> int:
    """The fiscal year of an installed framework (its compiled rounds are cached per process)."""
    return framework_fiscal_year(framework.compiled())


# ----------------------------------------------------------------------------- year over year


@dataclass(frozen=True)
class DimensionChange:
    """A dimension both years have (the same code): its points each year and the difference."""

    code: str
    title: Text
    last_title: Text
    max_points: Decimal
    last_max_points: Decimal
    this_year: Decimal | None  # None: no score card that year
    last_year: Decimal | None
    #: Its items are not the same as last year's (through the item mapping): the points are
    #: compared by the dimension's code all the same, and the page says so.
    items_changed: bool

    @property
    def difference(self) -> Decimal | None:
        if self.this_year is None or self.last_year is None:
            return None
        return self.this_year - self.last_year


@dataclass(frozen=True)
class DimensionAlone:
    """A dimension only one of the two years has: listed apart, never merged into another."""

    code: str
    title: Text
    max_points: Decimal
    points: Decimal | None


@dataclass(frozen=True)
class YearComparison:
    """Each dimension's points this year against last year, matched by dimension code."""

    this_year: FiscalYear
    last_year: FiscalYear
    matched: list[DimensionChange]
    only_this_year: list[DimensionAlone]
    only_last_year: list[DimensionAlone]
    this_total: Decimal | None
    last_total: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.this_total is None or self.last_total is None:
            return None
        return self.this_total - self.last_total


def compare_years(
    this_year: FiscalYear,
    last_year: FiscalYear,
    this_points: Mapping[str, Decimal] | None,
    last_points: Mapping[str, Decimal] | None,
) -> YearComparison:
    """Dimension points of two years side by side. Dimensions are matched by code; whether a
    matched dimension holds the same items is read from ``scoring.mapping.mapping_for``: the
    ``previous:`` mapping this year's framework declares from last year's, else same item codes.
    ``*_points``: dimension code -> points (None: no score that year)."""
    new, old = this_year.compiled, last_year.compiled
    mapping = mapping_for(old, new)
    old_dims = {d.code: d for d in old.dimensions}
    new_codes = {d.code for d in new.dimensions}
    matched = []
    for dim in new.dimensions:
        before = old_dims.get(dim.code)
        if before is None:
            continue
        carried = {mapping.new_item(item.code) for item in before.items}
        matched.append(
            DimensionChange(
                code=dim.code,
                title=dim.title,
                last_title=before.title,
                max_points=dim.points,
                last_max_points=before.points,
                this_year=_points(this_points, dim.code),
                last_year=_points(last_points, dim.code),
                items_changed=carried != {item.code for item in dim.items},
            )
        )
    return YearComparison(
        this_year=this_year,
        last_year=last_year,
        matched=matched,
        only_this_year=[
            DimensionAlone(d.code, d.title, d.points, _points(this_points, d.code))
            for d in new.dimensions
            if d.code not in old_dims
        ],
        only_last_year=[
            DimensionAlone(d.code, d.title, d.points, _points(last_points, d.code))
            for d in old.dimensions
            if d.code not in new_codes
        ],
        this_total=sum(this_points.values(), Decimal(0)) if this_points is not None else None,
        last_total=sum(last_points.values(), Decimal(0)) if last_points is not None else None,
    )


def _points(points: Mapping[str, Decimal] | None, code: str) -> Decimal | None:
    if points is None:
        return None
    return points.get(code, Decimal(0))


def _decimals(values: Mapping[str, Any]) -> dict[str, Decimal]:
    return {code: Decimal(str(v)) for code, v in values.items()}


# ----------------------------------------------------------------------------- a unit's history


@dataclass(frozen=True)
class RoundScores:
    """A round of one year's assessment as the history lists it."""

    round: Round
    self_total: Decimal | None  # None: no score card yet
    verified_total: Decimal | None  # None: not shown to this reader (or no review begun)
    potential: Decimal | None
    state: str


@dataclass(frozen=True)
class YearOfUnit:
    year: FiscalYear
    assessment: Assessment
    rounds: list[RoundScores]


@dataclass(frozen=True)
class UnitHistory:
    """A unit's assessments across fiscal years, newest first, and the change per dimension from
    the chosen year (the newest by default) to the year before it (self-assessed, final rounds)."""

    unit: Unit
    years: list[YearOfUnit]
    chosen: YearOfUnit | None
    comparison: YearComparison | None
    verified_comparison: YearComparison | None  # only when the reader sees both years' verified scores


def unit_history(unit: Unit, access: Access, *, year: str = "") -> UnitHistory:
    """The unit's years from its stored score cards: two queries, whatever the years and rounds
    (and a framework's source once per process, to compile it). 404 for a ``year`` it has not."""
    assessments = list(Assessment.objects.filter(unit=unit).select_related("framework").defer("framework__source"))
    cards: dict[int, dict[str, ScoreCard]] = {a.pk: {} for a in assessments}
    for card in ScoreCard.objects.filter(assessment__in=[a.pk for a in assessments]):
        cards[card.assessment_id][card.round_code] = card
    by_framework = {a.framework_id: a for a in assessments}
    years = []
    for fiscal in _years((a.framework, True) for a in assessments):
        assessment = by_framework[fiscal.framework.pk]
        years.append(YearOfUnit(fiscal, assessment, _round_scores(fiscal, cards[assessment.pk], access, unit.pk)))
    chosen = years[0] if years else None
    if year:
        found = find_year([y.year for y in years], year)
        if found is None:
            raise Http404("No such fiscal year for this unit")
        chosen = next(y for y in years if y.year == found)
    comparison = verified = None
    if chosen is not None:
        older = [y for y in years if y.year.number < chosen.year.number]
        if older:
            last = older[0]
            this_card = cards[chosen.assessment.pk].get(chosen.year.compiled.final_round.code)
            last_card = cards[last.assessment.pk].get(last.year.compiled.final_round.code)
            comparison = compare_years(
                chosen.year,
                last.year,
                _decimals(this_card.self_dimensions) if this_card else None,
                _decimals(last_card.self_dimensions) if last_card else None,
            )
            if (
                this_card
                and last_card
                and verified_visible_in_state(access, unit.pk, this_card.state)
                and verified_visible_in_state(access, unit.pk, last_card.state)
            ):
                verified = compare_years(
                    chosen.year,
                    last.year,
                    _decimals(this_card.verified_dimensions),
                    _decimals(last_card.verified_dimensions),
                )
    return UnitHistory(unit, years, chosen, comparison, verified)


def _round_scores(fiscal: FiscalYear, cards: dict[str, ScoreCard], access: Access, unit_id: int) -> list[RoundScores]:
    out = []
    for rnd in fiscal.compiled.rounds:
        card = cards.get(rnd.code)
        shown = card is not None and verified_visible_in_state(access, unit_id, card.state)
        out.append(
            RoundScores(
                round=rnd,
                self_total=card.self_total if card else None,
                verified_total=card.verified_total if card and shown else None,
                potential=card.potential if card else None,
                state=card.state if card else "draft",
            )
        )
    return out


# ----------------------------------------------------------------------------- office-wide


@dataclass(frozen=True)
class UnitChange:
    """A unit with a final-round score card in both years: its totals and per-dimension changes."""

    unit: UnitRef
    this_total: Decimal
    last_total: Decimal
    changes: list[Decimal | None]  # per matched dimension, in the comparison's order

    @property
    def difference(self) -> Decimal:
        return self.this_total - self.last_total


@dataclass(frozen=True)
class OfficeComparison:
    """The dashboard's year-over-year view: the office's mean points per dimension (units scored
    in both years' final rounds, self-assessed) and each such unit's change."""

    choice: YearChoice
    comparison: YearComparison | None  # None: no year before the chosen one
    units: list[UnitChange]
    only_this_year: int  # units scored this year only
    only_last_year: int


def office_comparison(choice: YearChoice) -> OfficeComparison:
    """Reads two years' stored totals: four queries, whatever the units."""
    last = choice.previous
    if last is None:
        return OfficeComparison(choice, None, [], 0, 0)
    this_rows = _final_rows(choice.year)
    last_rows = _final_rows(last)
    both = sorted(set(this_rows) & set(last_rows), key=lambda u: this_rows[u].unit.code)

    def mean(rows: dict[int, Any], keys: list[int]) -> dict[str, Decimal] | None:
        if not keys:
            return None
        sums: dict[str, Decimal] = {}
        for key in keys:
            for code, value in _decimals(rows[key].self_dimensions).items():
                sums[code] = sums.get(code, Decimal(0)) + value
        return {code: (value / len(keys)).quantize(Decimal("0.01")) for code, value in sums.items()}

    comparison = compare_years(choice.year, last, mean(this_rows, both), mean(last_rows, both))
    units = []
    for unit_id in both:
        now, before = _decimals(this_rows[unit_id].self_dimensions), _decimals(last_rows[unit_id].self_dimensions)
        units.append(
            UnitChange(
                unit=this_rows[unit_id].unit,
                this_total=this_rows[unit_id].self_total,
                last_total=last_rows[unit_id].self_total,
                changes=[now.get(d.code, Decimal(0)) - before.get(d.code, Decimal(0)) for d in comparison.matched],
            )
        )
    units.sort(key=lambda u: (-u.difference, u.unit.code))
    return OfficeComparison(
        choice,
        comparison,
        units,
        only_this_year=len(set(this_rows) - set(last_rows)),
        only_last_year=len(set(last_rows) - set(this_rows)),
    )


def _final_rows(year: FiscalYear) -> dict[int, Any]:
    """unit id -> the unit's final-round totals row of ``year`` (units without that card left out)."""
    final = year.compiled.final_round.code
    return {
        by_round[final].unit.unit_id: by_round[final]
        for by_round in unit_totals(year.framework).values()
        if final in by_round
    }


# ----------------------------------------------------------------------------- the landing


@dataclass(frozen=True)
class Landing:
    """Where a person lands: one assessment to open, or the chosen year's list of those they see."""

    open: Assessment | None
    #: a query not yet read for the office-wide roles (a cached overview reads none of them)
    assessments: list[Assessment] | QuerySet[Assessment]


def landing(access: Access, choice: YearChoice, *, asked: bool) -> Landing:
    """A person of one unit opens that unit's assessment of the chosen year (the current year
    unless ``asked``); when the unit has none that year and none was asked for, its newest. Anyone
    else gets the chosen year's assessments they may see. 404 for a year asked of a unit without it."""
    visible = Assessment.objects.for_units(access.visible_units).with_unit()
    if not access.sees_all:
        own = list(visible)  # a unit's people: a few assessments, one per year
        if len({a.unit_id for a in own}) == 1:
            chosen = [a for a in own if a.framework_id == choice.framework.pk]
            if chosen:
                return Landing(chosen[0], [])
            if asked:
                raise Http404("The unit has no assessment in this fiscal year")
            newest = _years((a.framework, True) for a in own)[0]
            return Landing(next(a for a in own if a.framework_id == newest.framework.pk), [])
        return Landing(None, [a for a in own if a.framework_id == choice.framework.pk])
    return Landing(None, visible.filter(framework=choice.framework).order_by("unit__code"))


# ----------------------------------------------------------------------------- the frameworks list


@dataclass(frozen=True)
class FrameworksByYear:
    """The installed frameworks of one fiscal year (or of all), and the years that have any."""

    shown: list[FiscalYear]
    numbers: list[int]  # fiscal years with an installed framework, newest first
    selected: int | None  # None: every year

    @property
    def links(self) -> list[tuple[str, str, bool]]:
        """(label, href, selected) per year, then "all years"."""
        out = [(year_label(n), f"?year={n}", n == self.selected) for n in self.numbers]
        return [*out, (gettext("All years"), "?year=all", self.selected is None)]


def frameworks_by_year(value: str) -> FrameworksByYear:
    """``value``: a fiscal year ("2567"), "all", or "" for the current year. 404 for a year
    without an installed framework. One query."""
    installed = installed_years()
    numbers = sorted({y.number for y in installed}, reverse=True)
    if value == "all" or not installed:
        return FrameworksByYear(installed, numbers, None)
    if value:
        if not (value.isascii() and value.isdigit()) or int(value) not in numbers:  # "²" is a digit to isdigit
            raise Http404("No framework of this fiscal year")
        selected = int(value)
    else:
        selected = offered(installed)[0].number
    return FrameworksByYear([y for y in installed if y.number == selected], numbers, selected)
