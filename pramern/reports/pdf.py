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
from pramern.reports.data import RoundRow, UnitScores, unit_scores, without_verified
from pramern.reports.models import ScoreCard
from pramern.reports.printing import TIMEOUT, PdfError, html_to_pdf
from pramern.reports.scorecards import refresh
from pramern.scoring import Framework as CompiledFramework

ORGANIZATION = "สำนักงานเศรษฐกิจการเกษตร"
#: 1,000 units (1,028 pages) took about 20 s on the loaded 2-core reference machine: leave room.
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


@dataclass(frozen=True)
class RankedUnit:
    rank: int | None  # None: no score card for the round
    name: str
    code: str
    self_total: Decimal | None
    verified_total: Decimal | None
    state: str
    dimensions: list[ScoreRow]


def _ranked(scores: list[UnitScores], round_code: str) -> list[tuple[UnitScores, RoundRow | None, int | None]]:
    """Units by self-assessed total, as the dashboard ranks them, then verified total where the
    reader sees it (equal pairs share a rank); unscored last."""
    scored = [(s, s.rounds[round_code]) for s in scores if round_code in s.rounds]
    scored.sort(key=lambda pair: (-pair[1].self_total, -(pair[1].verified_total or 0), pair[0].unit.code))
    out: list[tuple[UnitScores, RoundRow | None, int | None]] = []
    previous: tuple[Decimal, Decimal] | None = None
    rank = 0
    for position, (unit_score, row) in enumerate(scored, start=1):
        key = (row.self_total, row.verified_total)
        if key != previous:
            rank, previous = position, key
        out.append((unit_score, row, rank))
    out.extend((s, None, None) for s in scores if round_code not in s.rounds)
    return out


def consolidated_context(
    framework: Framework,
    round_code: str,
    progress: Callable[[int], None] | None = None,
    *,
    verified_shown: Callable[[str, int], bool] | None = None,
) -> dict[str, Any]:
    """Everything ``reports/consolidated_pdf.html`` shows; ``progress`` hears 0..90 as units are laid out."""
    compiled = framework.compiled()
    rounds = {r.code: r for r in compiled.rounds}
    if round_code not in rounds:
        raise PdfError(f"{framework} has no round {round_code!r}")
    scores = unit_scores(framework, verified_shown=verified_shown)
    missing = [s.assessment for s in scores if not s.rounds]
    if missing:  # never scored since they were created: score them now, as the score card does
        for assessment in missing:
            refresh(assessment)
        scores = unit_scores(framework, verified_shown=verified_shown)
    report = progress or (lambda percent: None)
    report(0)
    ranked = _ranked(scores, round_code)
    units = []
    last_percent = 0
    for done, (unit_score, row, rank) in enumerate(ranked, start=1):
        dimensions = [
            ScoreRow(d.code, d.title.th, d.points, _dimension_cells([row], d.code)) for d in compiled.dimensions
        ]
        unit = unit_score.unit
        units.append(
            RankedUnit(
                rank,
                unit.name_th,
                unit.code,
                row.self_total if row else None,
                row.verified_total if row else None,
                _state_label(row),
                dimensions,
            )
        )
        percent = 90 * done // len(ranked)
        if percent != last_percent:
            report(percent)
            last_percent = percent
    chosen = rounds[round_code]
    return {
        **base_context(f"{ORGANIZATION} · ผลการประเมิน {chosen.title.th}", title=f"ผลการประเมิน {chosen.title.th}"),
        "organization": ORGANIZATION,
        "framework_title": compiled.title.th,
        "framework_key": f"{framework.code}@{framework.version}",
        "round_title": chosen.title.th,
        "total_points": compiled.total_points,
        "units": units,
    }


def consolidated_pdf(
    framework: Framework,
    round_code: str,
    progress: Callable[[int], None] | None = None,
    *,
    verified_shown: Callable[[str, int], bool] | None = None,
) -> bytes:
    """Every unit of a round: a ranking, then a page per unit with its points per dimension.

    One Chromium run for the whole document; ``progress`` gets 0..90 while units are laid out
    and 100 once the PDF is printed.
    """
    with translation.override("th"):  # state labels are translated while the context is built
        context = consolidated_context(framework, round_code, progress, verified_shown=verified_shown)
    pdf = render_pdf(
        "reports/consolidated_pdf.html", context, timeout=TIMEOUT + SECONDS_PER_UNIT * len(context["units"])
    )
    if progress is not None:
        progress(100)
    return pdf
