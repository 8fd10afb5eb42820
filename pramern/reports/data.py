"""What reports and dashboards read: every unit's stored score cards, as plain rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from pramern.assessments.models import Assessment, UnitRound
from pramern.frameworks.models import Framework
from pramern.organizations.models import Unit
from pramern.reports.models import ScoreCard
from pramern.scoring.model import Item

T = TypeVar("T")


@dataclass(frozen=True)
class RoundRow:
    """One unit's scores in one round."""

    round_code: str
    state: str
    self_total: Decimal
    verified_total: Decimal | None  # None: not shown to this reader
    potential: Decimal
    self_dimensions: dict[str, Decimal]
    verified_dimensions: dict[str, Decimal]
    self_items: dict[str, Decimal]
    verified_items: dict[str, Decimal]
    self_lines: dict[str, list[bool]]
    verified_lines: dict[str, list[bool]]

    @classmethod
    def from_card(cls, card: ScoreCard, *, items: bool = True) -> RoundRow:
        """The card as a row; ``items=False``: without the per-item detail (not read from the database)."""

        def decimals(values: dict[str, Any]) -> dict[str, Decimal]:
            return {k: Decimal(str(v)) for k, v in values.items()}

        if not items:
            return cls(
                round_code=card.round_code,
                state=card.state,
                self_total=card.self_total,
                verified_total=card.verified_total,
                potential=card.potential,
                self_dimensions=decimals(card.self_dimensions),
                verified_dimensions=decimals(card.verified_dimensions),
                self_items={},
                verified_items={},
                self_lines={},
                verified_lines={},
            )

        return cls(
            round_code=card.round_code,
            state=card.state,
            self_total=card.self_total,
            verified_total=card.verified_total,
            potential=card.potential,
            self_dimensions=decimals(card.self_dimensions),
            verified_dimensions=decimals(card.verified_dimensions),
            self_items={c: Decimal(v["points"]) for c, v in card.self_items.items()},
            verified_items={c: Decimal(v["points"]) for c, v in card.verified_items.items()},
            self_lines={c: list(v["lines"]) for c, v in card.self_items.items()},
            verified_lines={c: list(v["lines"]) for c, v in card.verified_items.items()},
        )


@dataclass(frozen=True)
class UnitScores:
    """A unit and its rows per round (rounds with no stored card are missing)."""

    assessment: Assessment
    rounds: dict[str, RoundRow] = field(default_factory=dict)

    @property
    def unit(self) -> Unit:
        return self.assessment.unit


def without_verified(row: RoundRow) -> RoundRow:
    """The row as someone who may not see its verified scores yet sees it ("–")."""
    return dataclasses.replace(
        row,
        verified_total=None,
        verified_items={},
        verified_dimensions={},
        verified_lines={},
    )


def unit_scores(
    framework: Framework,
    *,
    kinds: list[str] | None = None,
    region: int | None = None,
    verified_shown: Callable[[str, int], bool] | None = None,
    items: bool = True,
) -> list[UnitScores]:
    """Every unit of a framework with its stored cards, ordered by unit code: two queries.
    ``items=False`` leaves the per-item detail unread (totals and dimensions only: much less to parse).

    ``verified_shown(state, unit_id)`` says whether the reader may see verified scores of a round
    of this unit in that state (``review.visibility.verified_visible_in_state``); rows it refuses
    carry none. None: all.

    The assessments come with their unit only: use ``framework`` (the argument) rather than
    ``assessment.framework``, whose source would be read once per unit."""
    assessments = Assessment.objects.filter(framework=framework).select_related("unit").order_by("unit__code")
    if kinds:
        assessments = assessments.filter(unit__kind__in=kinds)
    if region is not None:
        assessments = assessments.filter(unit__region=region)
    by_id = {a.pk: UnitScores(a) for a in assessments}
    cards = ScoreCard.objects.filter(assessment_id__in=list(by_id))
    if not items:
        cards = cards.defer("self_items", "verified_items")
    for card in cards:
        row = RoundRow.from_card(card, items=items)
        if verified_shown is not None and not verified_shown(row.state, by_id[card.assessment_id].assessment.unit_id):
            row = without_verified(row)
        by_id[card.assessment_id].rounds[card.round_code] = row
    return list(by_id.values())


#: How a figure the ranking did not get from the Evaluation Centre is marked, in every report.
UNVERIFIED_MARK = "*"
VERIFIED_BASIS_TH = "ตรวจรับรองแล้ว"
UNVERIFIED_BASIS_TH = "ประเมินตนเอง ยังไม่ผ่านการตรวจรับรอง"
UNVERIFIED_LEGEND_TH = (
    "* คะแนนประเมินตนเอง ยังไม่ผ่านการตรวจรับรองของศูนย์ประเมินผล: หน่วยงานจัดลำดับตามคะแนนตรวจรับรอง"
    "เมื่อรอบนั้นตรวจรับรองแล้ว มิฉะนั้นตามคะแนนประเมินตนเอง"
)


def settled_figure(state: str, self_value: T, verified_value: T | None) -> tuple[T, bool]:
    """(the figure reports show, whether it is verified): the verified figure once the round is
    settled (verified or published) and the reader may see it (``verified_value`` is not None),
    else the self-assessed one, which reports mark as not verified. The one rule for every
    figure shown under it: totals, dimensions, items, the lines an explanation reads."""
    if verified_value is not None and state in UnitRound.SETTLED:
        return verified_value, True
    return self_value, False


def ranking_basis(row: RoundRow) -> tuple[Decimal, bool]:
    """(the figure a unit is ranked by, whether it is verified): ``settled_figure`` of its totals."""
    return settled_figure(row.state, row.self_total, row.verified_total)


@dataclass(frozen=True)
class RankedScores:
    """A unit in a round's ranking; ``rank`` None: no score card for the round."""

    scores: UnitScores
    row: RoundRow | None
    rank: int | None
    score: Decimal | None
    verified_basis: bool


def rank_units(scores: list[UnitScores], round_code: str) -> list[RankedScores]:
    """Units by ``ranking_basis``, highest first (a verified figure before an unverified one of
    the same value; equal figures share a rank), then units without a card for the round."""
    scored = []
    for unit_scores_ in scores:
        row = unit_scores_.rounds.get(round_code)
        if row is not None:
            score, verified = ranking_basis(row)
            scored.append((unit_scores_, row, score, verified))
    scored.sort(key=lambda t: (-t[2], not t[3], t[0].unit.code))
    out = []
    previous: Decimal | None = None
    rank = 0
    for position, (unit_scores_, row, score, verified) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = position, score
        out.append(RankedScores(unit_scores_, row, rank, score, verified))
    out.extend(RankedScores(s, None, None, None, False) for s in scores if round_code not in s.rounds)
    return out


def explain(item: Item, flags: list[bool], *, language: str = "th", round_index: int | None = None) -> str:
    """The lines of an item as one text: ✓ earned, ✗ what is missing (· not open in the round)."""
    parts = []
    for line, earned in zip(item.lines, flags, strict=False):
        if round_index is not None and line.round.index > round_index:
            parts.append(f"· {line.text.get(language)}")
        elif earned:
            parts.append(f"✓ {line.text.get(language)}")
        else:
            parts.append(f"✗ {line.missing.get(language)}")
    return "\n".join(parts)


@dataclass(frozen=True)
class UnitRef:
    """A unit as lists show it (read with values_list: no model instances for 1,000 rows)."""

    assessment_id: int
    code: str
    name_th: str
    short_name: str
    unit_id: int


@dataclass(frozen=True)
class TotalsRow:
    """What the dashboard needs of one unit in one round: totals and dimensions, no items."""

    unit: UnitRef
    state: str
    self_total: Decimal
    verified_total: Decimal
    self_dimensions: dict[str, str]
    verified_dimensions: dict[str, str]


def unit_totals(
    framework: Framework, *, kinds: list[str] | None = None, region: int | None = None
) -> dict[int, dict[str, TotalsRow]]:
    """assessment id -> round code -> totals; two light queries, none of the per-item detail."""
    assessments = Assessment.objects.filter(framework=framework)
    if kinds:
        assessments = assessments.filter(unit__kind__in=kinds)
    if region is not None:
        assessments = assessments.filter(unit__region=region)
    units = {
        pk: UnitRef(pk, code, name, short, unit_id)
        for pk, code, name, short, unit_id in assessments.values_list(
            "pk", "unit__code", "unit__name_th", "unit__short_name", "unit_id"
        )
    }
    out: dict[int, dict[str, TotalsRow]] = {pk: {} for pk in units}
    cards = ScoreCard.objects.filter(assessment__in=assessments).values_list(
        "assessment_id", "round_code", "state", "self_total", "verified_total", "self_dimensions", "verified_dimensions"
    )
    for assessment_id, code, state, self_total, verified_total, self_dims, verified_dims in cards:
        out[assessment_id][code] = TotalsRow(
            units[assessment_id], state, self_total, verified_total, self_dims, verified_dims
        )
    return out
