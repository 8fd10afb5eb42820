"""The scoring engine: a unit's records + a framework + a round -> points, explained line by line.

Semantics (the seed's FAQ and ``docs/scoring.md``):
- a round counts records dated from its start to its cut-off, inclusive; rounds are cumulative;
- a round's score evaluates the lines that open in that round or earlier, so a line missed
  in R6 can still be earned in R12, and R12 is the final score;
- an item never gives more than its max; points are Decimal, never float.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from pramern.scoring.loader import format_points
from pramern.scoring.model import Assessment, Framework, Item, Line, Record, Round
from pramern.scoring.numbers import json_number
from pramern.scoring.rules import EvalContext

SELF, VERIFIED = "self", "verified"
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class LineResult:
    line: Line
    open: bool  # the line counts in this round
    earned: bool
    points: Decimal
    explanation_th: str
    explanation_en: str

    @property
    def missing_points(self) -> Decimal:
        return self.line.points - self.points if self.open else _ZERO


@dataclass(frozen=True, slots=True)
class ItemResult:
    item: Item
    points: Decimal
    potential: Decimal  # the most this item can give in this round
    lines: tuple[LineResult, ...]
    capped: bool  # the lines earned more than the item's max

    @property
    def max_points(self) -> Decimal:
        return self.item.max_points


@dataclass(frozen=True, slots=True)
class Total:
    code: str
    points: Decimal
    max_points: Decimal
    potential: Decimal


@dataclass(frozen=True, slots=True)
class ScoreResult:
    framework: Framework
    assessment: Assessment
    round: Round
    basis: str
    items: Mapping[str, ItemResult]
    groups: Mapping[str, Total]
    dimensions: Mapping[str, Total]
    total: Decimal
    max_points: Decimal
    potential: Decimal

    @property
    def available(self) -> Decimal:
        """Points still open to the unit in this round."""
        return self.potential - self.total

    def open_lines(self) -> list[tuple[ItemResult, LineResult]]:
        """Open lines with points still to gain, the most valuable first ("what to do next").

        A line that gave part of its points (a lower award, a judgement below the maximum)
        is listed too: a better record would still raise the score.
        """
        pending = [
            (item, line)
            for item in self.items.values()
            for line in item.lines
            if line.missing_points > 0 and item.points < item.max_points
        ]
        return sorted(pending, key=lambda pair: -min(pair[1].missing_points, pair[0].max_points - pair[0].points))

    def as_json(self) -> dict[str, object]:
        """The ``pramern score --json`` object (points as JSON numbers)."""
        return {
            "framework": self.framework.key,
            "unit": self.assessment.unit.code,
            "round": self.round.code,
            "total": json_number(self.total),
            "max": json_number(self.max_points),
            "dimensions": {code: json_number(t.points) for code, t in self.dimensions.items()},
            "items": {
                code: {
                    "points": json_number(result.points),
                    "max": json_number(result.max_points),
                    "lines": [
                        {
                            "points": json_number(line.points),
                            "earned": line.earned,
                            "explanation_th": line.explanation_th,
                            "explanation_en": line.explanation_en,
                        }
                        for line in result.lines
                    ],
                }
                for code, result in self.items.items()
            },
        }


def score(
    framework: Framework, assessment: Assessment, round_code: str | None = None, basis: str = SELF
) -> ScoreResult:
    """Score ``assessment`` in a round (the final round by default).

    ``basis`` "self" scores the unit's own claims; "verified" uses evaluators' values for
    judgement items (records should already be limited to accepted ones by the caller).
    """
    rnd = framework.round(round_code) if round_code else framework.final_round
    context = EvalContext(
        round=rnd,
        sections=tuple(s.code for s in assessment.sections),
        staff=assessment.staff_for(rnd.code),
        basis=basis,
        records={},
    )
    items: dict[str, ItemResult] = {}
    for item in framework.items_by_code.values():
        context.records = _window(assessment.records.get(item.code), rnd)
        items[item.code] = _score_item(item, rnd, context)

    groups: dict[str, Total] = {}
    dimensions: dict[str, Total] = {}
    for dimension in framework.dimensions:
        for group in dimension.groups:
            groups[group.code] = _total(group.code, group.points, [items[i.code] for i in group.items])
        dimensions[dimension.code] = _total(dimension.code, dimension.points, [items[i.code] for i in dimension.items])
    total = sum((d.points for d in dimensions.values()), _ZERO)
    potential = sum((d.potential for d in dimensions.values()), _ZERO)
    return ScoreResult(
        framework, assessment, rnd, basis, items, groups, dimensions, total, framework.total_points, potential
    )


def _window(facts: Mapping[str, Sequence[Record]] | None, rnd: Round) -> dict[str, Sequence[Record]]:
    if not facts:
        return {}
    starts, cutoff = rnd.starts, rnd.cutoff
    return {name: [r for r in records if starts <= r.date <= cutoff] for name, records in facts.items()}


def _score_item(item: Item, rnd: Round, context: EvalContext) -> ItemResult:
    results = []
    earned_total = _ZERO
    for line in item.lines:
        fixed = _fixed_results(line)
        if line.round.index > rnd.index:
            results.append(fixed.not_open)
            continue
        if line.condition is not None and not line.condition(context):
            results.append(fixed.missed)
            continue
        if line.points_from is None:
            results.append(fixed.earned)
            earned_total += line.points
            continue
        points = _decimal(line.points_from(context))
        if points > 0:
            results.append(fixed.earned if points == line.points else _earned(line, points))
            earned_total += points
        else:
            results.append(fixed.missed)
    capped = earned_total > item.max_points
    return ItemResult(item, min(earned_total, item.max_points), _potential(item, rnd), tuple(results), capped)


@dataclass(frozen=True, slots=True)
class _FixedResults:
    earned: LineResult
    missed: LineResult
    not_open: LineResult


# What a line gives when earned in full, missed or not open never depends on the unit:
# built once per line (lines compare by identity) and shared by every result. Weak keys:
# entries go when a framework does.
_FIXED: weakref.WeakKeyDictionary[Line, _FixedResults] = weakref.WeakKeyDictionary()
_POTENTIAL: weakref.WeakKeyDictionary[Item, tuple[Decimal, ...]] = weakref.WeakKeyDictionary()


def _fixed_results(line: Line) -> _FixedResults:
    fixed = _FIXED.get(line)
    if fixed is None:
        fixed = _FIXED[line] = _FixedResults(_earned(line, line.points), _missed(line), _not_open(line))
    return fixed


def _potential(item: Item, rnd: Round) -> Decimal:
    potentials = _POTENTIAL.get(item)
    if potentials is None or len(potentials) <= rnd.index:
        potentials = _POTENTIAL[item] = tuple(item.potential(index) for index in range(rnd.index + 1))
    return potentials[rnd.index]


def _total(code: str, max_points: Decimal, results: list[ItemResult]) -> Total:
    points = sum((r.points for r in results), _ZERO)
    potential = sum((r.potential for r in results), _ZERO)
    return Total(code, points, max_points, potential)


def _decimal(value: int | Fraction) -> Decimal:
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(value.numerator) / Decimal(value.denominator)


# Explanations. A line's texts come from the framework file; these only frame them.


def _earned(line: Line, points: Decimal) -> LineResult:
    shown = format_points(points)
    return LineResult(
        line,
        True,
        True,
        points,
        f"ได้ {shown} คะแนน: {line.text.th}",
        f"Earned {shown} point{'s' if points != 1 else ''}: {line.text.en}",
    )


def _missed(line: Line) -> LineResult:
    shown = format_points(line.points)
    return LineResult(
        line,
        True,
        False,
        _ZERO,
        f"ยังไม่ได้ {shown} คะแนน ({line.text.th}): {line.missing.th}",
        f"Not yet earned, {shown} point{'s' if line.points != 1 else ''} ({line.text.en}): {line.missing.en}",
    )


def _not_open(line: Line) -> LineResult:
    return LineResult(
        line,
        False,
        False,
        _ZERO,
        f"เริ่มนับใน{line.round.title.th}: {line.text.th}",
        f"Counts from the {line.round.title.en}: {line.text.en}",
    )
