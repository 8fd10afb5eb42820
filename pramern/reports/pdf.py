"""PDF reports in Thai: what a unit's score card and the consolidated report show, laid out by
the templates under ``templates/reports/`` and printed by ``reports.printing`` (Chromium).

Fonts come from ``static/pramern/fonts`` through absolute ``file://`` URLs: nothing is fetched.
These functions render what they are given; checking who may see verified scores is the
caller's job.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from pramern.assessments.models import Assessment, UnitRound
from pramern.assessments.rounds import state_label
from pramern.frameworks.models import Framework
from pramern.reports.data import (
    UNVERIFIED_LEGEND_TH,
    UNVERIFIED_MARK,
    RoundRow,
    rank_units,
    unit_scores,
    without_verified,
)
from pramern.reports.models import ScoreCard
from pramern.reports.printing import TIMEOUT, PdfError, html_to_pdf
from pramern.reports.scorecards import refresh
from pramern.scoring import Framework as CompiledFramework

ORGANIZATION = "สำนักงานเศรษฐกิจการเกษตร"
#: 1,000 units (1,028 pages, when each unit had a page) took about 20 s on the loaded 2-core
#: reference machine: leave room.
SECONDS_PER_UNIT = 0.1


def fonts_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "pramern" / "fonts"


def css_string(text: str) -> SafeString:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element (for ``content:``)."""
    escaped = "".join(
        "\\" + ch if ch in '\\"' else f"\\{ord(ch):X} " if ch == "<" or ord(ch) < 0x20 or ord(ch) == 0x7F else ch
        for ch in text
    )
    return mark_safe(f'"{escaped}"')  # every character that could end the string or the element is escaped


def base_context(page_header: str, *, title: str = "") -> dict[str, Any]:
    """What ``reports/pdf_base.html`` needs: fonts as file URLs, the running header, today's date."""
    fonts = fonts_dir()
    return {
        "title": title or page_header,
        "page_header": css_string(page_header),
        "font_regular": (fonts / "Sarabun-Regular.ttf").as_uri(),
        "font_bold": (fonts / "Sarabun-Bold.ttf").as_uri(),
        "today": timezone.localdate(),
    }


def render_pdf(template: str, context: dict[str, Any], *, timeout: float = TIMEOUT) -> bytes:
    """A Thai template (extending ``reports/pdf_base.html``) printed to PDF."""
    with translation.override("th"):
        html = render_to_string(template, context)
    return html_to_pdf(html, timeout=timeout)


# -- one unit's score card ------------------------------------------------------------------


@dataclass(frozen=True)
class RoundColumn:
    code: str
    title: str
    state: str


@dataclass(frozen=True)
class ScoreRow:
    """A line of a score table: its maximum and (self-assessed, verified) points per round."""

    code: str
    title: str
    max_points: Decimal
    cells: list[tuple[Decimal | None, Decimal | None]]


@dataclass(frozen=True)
class DimensionTable:
    code: str
    title: str
    rows: list[ScoreRow]
    total: ScoreRow


@dataclass(frozen=True)
class OpenItem:
    """An item that has not yet earned all it can in the last round, with what it still needs."""

    code: str
    title: str
    points: Decimal
    potential: Decimal
    missing: list[str]


def _state_label(row: RoundRow | None) -> str:
    return state_label(row.state if row else str(UnitRound.State.DRAFT))


def _round_columns(compiled: CompiledFramework, rows: dict[str, RoundRow]) -> list[RoundColumn]:
    return [RoundColumn(r.code, r.title.th, _state_label(rows.get(r.code))) for r in compiled.rounds]


def _item_cells(by_round: list[RoundRow | None], code: str) -> list[tuple[Decimal | None, Decimal | None]]:
    return [(r.self_items.get(code), r.verified_items.get(code)) if r else (None, None) for r in by_round]


def _dimension_cells(by_round: list[RoundRow | None], code: str) -> list[tuple[Decimal | None, Decimal | None]]:
    return [(r.self_dimensions.get(code), r.verified_dimensions.get(code)) if r else (None, None) for r in by_round]


def _dimension_tables(compiled: CompiledFramework, rows: dict[str, RoundRow]) -> list[DimensionTable]:
    by_round = [rows.get(r.code) for r in compiled.rounds]
    tables = []
    for dimension in compiled.dimensions:
        items = [
            ScoreRow(item.code, item.title.th, item.max_points, _item_cells(by_round, item.code))
            for item in dimension.items
        ]
        total = ScoreRow(
            dimension.code,
            f"รวมด้านที่ {dimension.code}",
            dimension.points,
            _dimension_cells(by_round, dimension.code),
        )
        tables.append(DimensionTable(dimension.code, dimension.title.th, items, total))
    return tables


def _open_items(compiled: CompiledFramework, row: RoundRow | None, round_index: int) -> list[OpenItem]:
    """The lines a unit has not earned in its self-assessment, as ``explain()`` marks them ✗."""
    if row is None:
        return []
    out = []
    for item in compiled.items:
        points = row.self_items.get(item.code, Decimal(0))
        potential = item.potential(round_index)
        flags = row.self_lines.get(item.code, [])
        missing = [
            line.missing.th
            for line, earned in zip(item.lines, flags, strict=False)
            if not earned and line.round.index <= round_index
        ]
        if missing and points < potential:
            out.append(OpenItem(item.code, item.title.th, points, potential, missing))
    return out


def _cards(assessment: Assessment) -> dict[str, RoundRow]:
    cards = list(ScoreCard.objects.filter(assessment=assessment))
    if not cards:
        cards = refresh(assessment)
    return {card.round_code: RoundRow.from_card(card) for card in cards}


def unit_scorecard_context(assessment: Assessment, *, verified_rounds: Collection[str] | None = None) -> dict[str, Any]:
    """Everything ``reports/scorecard_pdf.html`` shows about one unit's assessment.

    ``verified_rounds``: the rounds whose verified scores the reader may see (None: all)."""
    framework = assessment.framework
    compiled = framework.compiled()
    rows = _cards(assessment)
    if verified_rounds is not None:
        rows = {code: row if code in verified_rounds else without_verified(row) for code, row in rows.items()}
    last = compiled.rounds[-1]
    totals = ScoreRow(
        "",
        "คะแนนรวมทั้งหมด",
        compiled.total_points,
        [(r.self_total, r.verified_total) if r else (None, None) for r in (rows.get(x.code) for x in compiled.rounds)],
    )
    unit = assessment.unit
    return {
        **base_context(f"{ORGANIZATION} · {unit.name_th}", title=f"ผลการประเมิน {unit.name_th}"),
        "organization": ORGANIZATION,
        "framework_title": compiled.title.th,
        "framework_key": f"{framework.code}@{framework.version}",
        "unit": unit,
        "rounds": _round_columns(compiled, rows),
        "dimensions": _dimension_tables(compiled, rows),
        "totals": totals,
        "last_round": last.title.th,
        "open_items": _open_items(compiled, rows.get(last.code), last.index),
    }


def unit_scorecard_pdf(assessment: Assessment, *, verified_rounds: Collection[str] | None = None) -> bytes:
    """One unit's A4 score card: every item's points per round, totals and what is left to do."""
    with translation.override("th"):  # state labels are translated while the context is built
        context = unit_scorecard_context(assessment, verified_rounds=verified_rounds)
    return render_pdf("reports/scorecard_pdf.html", context)


# -- every unit of a round ------------------------------------------------------------------


#: Where a job reports its progress: ``progress(percent, stage)``, stage a ``ReportJob.Stage`` value.
Progress = Callable[[int, str], None]

#: Percent of a consolidated PDF done when each step ends: reading (and scoring units never
#: scored) and laying out take little of the time; Chromium's printing most of it (1,000 units:
#: ~1 s of data, ~20 s of printing); saving the file the rest. Progress is reported as the real
#: work is done (units scored, units laid out, the PDF printed), never by the clock.
READ_DONE, LAYOUT_DONE, PRINT_DONE = 5, 15, 95


@dataclass(frozen=True)
class RankedUnit:
    rank: int | None  # None: no score card for the round
    name: str
    code: str
    score: Decimal | None  # the figure the unit is ranked by (verified where settled and shown)
    verified_basis: bool
    self_total: Decimal | None
    verified_total: Decimal | None
    state: str
    dimensions: list[Decimal | None]  # the ranked figure's points per dimension


def _steps(progress: Progress | None, start: int, end: int, total: int, stage: str) -> Callable[[int], None]:
    """Reports ``done`` of ``total`` pieces of work as ``start..end`` percent, once per whole percent."""
    last = [-1]

    def report(done: int) -> None:
        percent = start + (end - start) * done // max(total, 1)
        if progress is not None and percent != last[0]:
            progress(percent, stage)
            last[0] = percent

    return report


def consolidated_context(
    framework: Framework,
    round_code: str,
    progress: Progress | None = None,
    *,
    verified_shown: Callable[[str, int], bool] | None = None,
) -> dict[str, Any]:
    """Everything ``reports/consolidated_pdf.html`` shows; ``progress`` hears the reading (units
    scored for the first time) and the layout (units laid out) as they are done."""
    compiled = framework.compiled()
    rounds = {r.code: r for r in compiled.rounds}
    if round_code not in rounds:
        raise PdfError(f"{framework} has no round {round_code!r}")
    if progress is not None:
        progress(0, "reading")
    scores = unit_scores(framework, verified_shown=verified_shown, items=False)
    missing = [s.assessment for s in scores if not s.rounds]
    if missing:  # never scored since they were created: score them now, as the score card does
        scored = _steps(progress, 0, READ_DONE, len(missing), "reading")
        for done, assessment in enumerate(missing, start=1):
            refresh(assessment)
            scored(done)
        scores = unit_scores(framework, verified_shown=verified_shown, items=False)
    ranked = rank_units(scores, round_code)
    laid_out = _steps(progress, READ_DONE, LAYOUT_DONE, len(ranked), "layout")
    laid_out(0)
    units = []
    for done, entry in enumerate(ranked, start=1):
        row = entry.row
        if row is None:
            dimensions: list[Decimal | None] = [None] * len(compiled.dimensions)
        else:
            points = row.verified_dimensions if entry.verified_basis else row.self_dimensions
            dimensions = [points.get(d.code) for d in compiled.dimensions]
        unit = entry.scores.unit
        units.append(
            RankedUnit(
                rank=entry.rank,
                name=unit.name_th,
                code=unit.code,
                score=entry.score,
                verified_basis=entry.verified_basis,
                self_total=row.self_total if row else None,
                verified_total=row.verified_total if row else None,
                state=_state_label(row),
                dimensions=dimensions,
            )
        )
        laid_out(done)
    chosen = rounds[round_code]
    return {
        **base_context(f"{ORGANIZATION} · ผลการประเมิน {chosen.title.th}", title=f"ผลการประเมิน {chosen.title.th}"),
        "organization": ORGANIZATION,
        "framework_title": compiled.title.th,
        "framework_key": f"{framework.code}@{framework.version}",
        "round_title": chosen.title.th,
        "total_points": compiled.total_points,
        "dimensions": [(d.code, d.title.th, d.points) for d in compiled.dimensions],
        "units": units,
        "unverified_mark": UNVERIFIED_MARK,
        "legend": UNVERIFIED_LEGEND_TH,
        "unverified_count": sum(1 for u in units if u.score is not None and not u.verified_basis),
    }


def consolidated_pdf(
    framework: Framework,
    round_code: str,
    progress: Progress | None = None,
    *,
    verified_shown: Callable[[str, int], bool] | None = None,
) -> bytes:
    """Every unit of a round on a few landscape pages: one ranked table, a row per unit with its
    points per dimension, the figure it is ranked by (marked "*" when self-assessed, not
    verified) and its state; the dimensions' titles in a key.

    One Chromium run for the whole document; ``progress`` hears each step as its work is done:
    reading, layout, printing (``LAYOUT_DONE`` until Chromium has printed: its progress cannot be
    read), then ``PRINT_DONE`` with the stage "saving" once the PDF exists.
    """
    with translation.override("th"):  # state labels are translated while the context is built
        context = consolidated_context(framework, round_code, progress, verified_shown=verified_shown)
        html = render_to_string("reports/consolidated_pdf.html", context)
    if progress is not None:
        progress(LAYOUT_DONE, "printing")
    pdf = html_to_pdf(html, timeout=TIMEOUT + SECONDS_PER_UNIT * len(context["units"]))
    if progress is not None:
        progress(PRINT_DONE, "saving")
    return pdf
