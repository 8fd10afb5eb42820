"""A dry run: a draft framework scored against real assessments before anyone is held to it.

``dry_run(draft, against)`` takes every assessment of an installed framework (``against``, e.g.
FY2567) and the example files in ``examples/``, carries each unit's records over to the draft
through the item mapping (the draft's ``previous:`` when it names ``against``, else same codes;
records of an item or fact with no successor are dropped and counted, and so are records the
draft cannot read) and scores them under the draft in every round. The result says per scoring
line how many units earn it, how totals spread in each round, and which units' totals change
most from their score under ``against``.

Last year's records are dated last year, and a new year's rounds and rule literals (months,
deadlines) are this year's: records move by the whole number of years between the two
frameworks' first rounds (FY2567 starts 1 Aug 2023; a draft starting 1 Aug 2026 moves them by
three years), as if the same work had been done in the draft's year. A draft whose literals were
not updated then shows the lines nobody can earn, which is what a dry run is for.

Fast by construction: four queries whatever the number of units (assessments with their units,
records, sections, stored score cards), compiled frameworks reused (``Framework.compiled()``
and a cache of draft texts), and the score under ``against`` read from the stored score cards
(recomputed only for an assessment without them).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pramern.assessments.models import Assessment, Record
from pramern.frameworks.models import Framework as InstalledFramework
from pramern.organizations.models import Section
from pramern.reports.models import ScoreCard
from pramern.scoring import Framework, parse_framework, score
from pramern.scoring.assessment import FORMAT, AssessmentError, parse_stored_assessment, read_assessment_data
from pramern.scoring.mapping import ItemMapping, mapping_for
from pramern.scoring.model import Item, Line, Round

#: The shipped example assessments (``examples/*.yaml``), scored with the database's.
EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
#: Width of a bucket of the distribution of totals, in points.
BUCKET = 10
#: How many units the "changes most" list shows.
TOP = 10


@dataclass(frozen=True)
class UnitRun:
    """One unit's totals: under the source framework (stored or recomputed) and under the draft."""

    code: str
    name: str
    origin: str  # "database" or the example file's name
    old: Mapping[str, Decimal]  # source round code -> total
    new: Mapping[str, Decimal]  # draft round code -> total
    old_final: Decimal
    new_final: Decimal

    @property
    def delta(self) -> Decimal:
        return self.new_final - self.old_final

    @property
    def from_file(self) -> bool:
        return self.origin != "database"


@dataclass(frozen=True)
class LineCount:
    """How many units earn a line of the draft in each round it is open in (None: not open yet)."""

    item: Item
    line: Line
    earned: Mapping[str, int | None]


@dataclass(frozen=True)
class ItemCounts:
    item: Item
    lines: tuple[LineCount, ...]


@dataclass(frozen=True)
class Bucket:
    low: Decimal
    high: Decimal
    count: int
    share: int  # percent of the units, for the bar (0..100, in steps of 5)

    @property
    def step(self) -> int:
        """The bar's width class (``w0``..``w20``: steps of 5 %, the CSP allows no style attribute)."""
        return self.share // 5


@dataclass(frozen=True)
class RoundSpread:
    """Totals of every unit in one round of the draft."""

    round: Round
    potential: Decimal
    units: int
    minimum: Decimal | None
    median: Decimal | None
    maximum: Decimal | None
    buckets: tuple[Bucket, ...]


@dataclass(frozen=True)
class DryRun:
    draft: Framework
    source: Framework
    units: int  # assessments from the database
    files: int  # example files
    years: int  # records moved by this many years
    rounds: tuple[RoundSpread, ...]
    items: tuple[ItemCounts, ...]
    changes: tuple[UnitRun, ...]  # the units whose final total changes most, largest change first
    unmapped: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (item, fact) -> records dropped
    refused: int = 0  # records the draft cannot read (a field or option it no longer has, a value it refuses)
    skipped: tuple[str, ...] = ()  # example files not of the source framework

    @property
    def scored(self) -> int:
        return self.units + self.files

    @property
    def dropped(self) -> int:
        return sum(self.unmapped.values())

    @property
    def lines(self) -> tuple[LineCount, ...]:
        return tuple(line for item in self.items for line in item.lines)


def dry_run(
    draft: Framework | str,
    against: InstalledFramework,
    *,
    mapping: ItemMapping | None = None,
    examples: Iterable[Path] | None = None,
    top: int = TOP,
) -> DryRun:
    """Score ``draft`` (compiled, or its YAML text) against every assessment of ``against`` and
    the example files (default: ``examples/*.yaml``); raise ``FrameworkError`` for a bad text."""
    compiled = draft_framework(draft) if isinstance(draft, str) else draft
    source = against.compiled()
    mapping = mapping or mapping_for(source, compiled)
    years = compiled.rounds[0].starts.year - source.rounds[0].starts.year
    tally = _Tally(compiled, source, mapping, years)
    for unit in _stored_units(against):
        tally.add(unit)
    files = sorted(EXAMPLES.glob("*.yaml")) if examples is None else list(examples)
    skipped = []
    counted_files = 0
    for path in files:
        unit = _file_unit(path, source)
        if unit is None:
            skipped.append(path.name)
        else:
            tally.add(unit)
            counted_files += 1
    return tally.result(units=tally.count - counted_files, files=counted_files, skipped=tuple(skipped), top=top)


@functools.lru_cache(maxsize=8)
def draft_framework(text: str) -> Framework:
    """A draft's text compiled once (a studio page may dry-run the same text again)."""
    return parse_framework(text, "draft.yaml")


# -- reading ---------------------------------------------------------------------------------


@dataclass
class _Unit:
    code: str
    name: str
    origin: str
    staff: Mapping[str, int]
    sections: list[dict[str, str]]
    items: dict[str, dict[str, list[dict[str, Any]]]]
    old: dict[str, Decimal] | None  # stored totals under the source, None: recompute


def _stored_units(against: InstalledFramework) -> list[_Unit]:
    """Every assessment of ``against`` as file-format records: four queries in all."""
    rows = list(
        Assessment.objects.filter(framework=against)
        .order_by("unit__code")
        .values_list("pk", "unit_id", "unit__code", "unit__name_th", "staff_counts")
    )
    units = {pk: _Unit(code, name, "database", staff or {}, [], {}, None) for pk, _, code, name, staff in rows}
    by_unit = {unit_id: units[pk] for pk, unit_id, *_ in rows}
    records = Record.objects.filter(assessment__framework=against).order_by()
    for assessment_id, item_code, fact, date, data in records.values_list(
        "assessment_id", "item_code", "fact", "date", "data"
    ):
        facts = units[assessment_id].items.setdefault(item_code, {})
        facts.setdefault(fact, []).append({"date": date.isoformat(), **data})
    sections = Section.objects.filter(unit_id__in=list(by_unit)).order_by("unit_id", "position", "code")
    for unit_id, code, name in sections.values_list("unit_id", "code", "name_th"):
        by_unit[unit_id].sections.append({"code": code, "name": name})
    cards = ScoreCard.objects.filter(assessment__framework=against).values_list(
        "assessment_id", "round_code", "self_total"
    )
    for assessment_id, round_code, total in cards:
        stored = units[assessment_id].old
        if stored is None:
            stored = units[assessment_id].old = {}
        stored[round_code] = total
    return list(units.values())


def _file_unit(path: Path, source: Framework) -> _Unit | None:
    """An example file of the source framework (None for a file of another framework)."""
    try:
        data = read_assessment_data(path)
    except AssessmentError:
        return None
    ref = data.get("framework") if isinstance(data, dict) else None
    if not isinstance(ref, dict) or (ref.get("code"), str(ref.get("version"))) != (source.code, source.version):
        return None
    unit = data.get("unit") if isinstance(data.get("unit"), dict) else {}
    items = data.get("items") if isinstance(data.get("items"), dict) else {}
    return _Unit(
        code=str(unit.get("code", path.stem)),
        name=str(unit.get("name_th", path.stem)),
        origin=path.name,
        staff=data.get("staff_count") or {},
        sections=list(data.get("sections") or []),
        items={str(code): facts for code, facts in items.items() if isinstance(facts, dict)},
        old=None,
    )


# -- scoring ---------------------------------------------------------------------------------


class _Tally:
    def __init__(self, draft: Framework, source: Framework, mapping: ItemMapping, years: int) -> None:
        self.draft = draft
        self.source = source
        self.mapping = mapping
        self.years = years
        self.count = 0
        self.runs: list[UnitRun] = []
        self.totals: dict[str, list[Decimal]] = {rnd.code: [] for rnd in draft.rounds}
        self.earned: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.unmapped: Counter[tuple[str, str]] = Counter()
        self.refused = 0

    def add(self, unit: _Unit) -> None:
        self.count += 1
        items, given = self.translate(unit.items)
        document = self.document(unit, items, self.draft, self.draft_staff(unit.staff))
        engine_view, _problems = parse_stored_assessment(document, self.draft, unit.origin)
        self.refused += given - sum(len(r) for facts in engine_view.records.values() for r in facts.values())
        new: dict[str, Decimal] = {}
        for rnd in self.draft.rounds:
            result = score(self.draft, engine_view, rnd.code)
            new[rnd.code] = result.total
            self.totals[rnd.code].append(result.total)
            for item_result in result.items.values():
                for line_result in item_result.lines:
                    if line_result.earned:
                        self.earned[(item_result.item.code, line_result.line.id)][rnd.code] += 1
        old = unit.old if unit.old and self.source.final_round.code in unit.old else self.recompute(unit)
        self.runs.append(
            UnitRun(
                unit.code,
                unit.name,
                unit.origin,
                old,
                new,
                old.get(self.source.final_round.code, Decimal(0)),
                new[self.draft.final_round.code],
            )
        )

    def recompute(self, unit: _Unit) -> dict[str, Decimal]:
        document = self.document(unit, unit.items, self.source, unit.staff)
        try:
            engine_view, _problems = parse_stored_assessment(document, self.source, unit.origin)
        except AssessmentError:
            return {}
        return {rnd.code: score(self.source, engine_view, rnd.code).total for rnd in self.source.rounds}

    def translate(self, items: Mapping[str, Mapping[str, list[dict[str, Any]]]]) -> tuple[dict[str, Any], int]:
        """The records under the draft's item and fact names, moved by ``years``; and their number."""
        out: dict[str, dict[str, list[dict[str, Any]]]] = {}
        given = 0
        for old_code, facts in items.items():
            new_code = self.mapping.new_item(old_code)
            for fact, records in facts.items():
                if not isinstance(records, list):
                    continue
                new_fact = self.mapping.new_fact(old_code, fact) if new_code is not None else None
                if new_code is None or new_fact is None:
                    self.unmapped[(old_code, fact)] += len(records)
                    continue
                moved = records if not self.years else [_moved(r, self.years) for r in records]
                out.setdefault(new_code, {}).setdefault(new_fact, []).extend(moved)
                given += len(records)
        return out, given

    def draft_staff(self, staff: Mapping[str, int] | int) -> Mapping[str, int] | int:
        """Staff counts under the draft's round codes (a round of another code: the same position's)."""
        if not isinstance(staff, Mapping):
            return staff
        out: dict[str, int] = {}
        for index, rnd in enumerate(self.draft.rounds):
            count = staff.get(rnd.code)
            if count is None and index < len(self.source.rounds):
                count = staff.get(self.source.rounds[index].code)
            if count is not None:
                out[rnd.code] = count
        return out

    @staticmethod
    def document(
        unit: _Unit, items: Mapping[str, Any], framework: Framework, staff: Mapping[str, int] | int
    ) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "framework": {"code": framework.code, "version": framework.version},
            "unit": {"code": unit.code, "name_th": unit.name},
            "staff_count": dict(staff) if isinstance(staff, Mapping) else staff,
            "sections": unit.sections,
            "items": items,
        }

    def result(self, *, units: int, files: int, skipped: tuple[str, ...], top: int) -> DryRun:
        items = []
        for item in self.draft.items:
            lines = []
            for line in item.lines:
                counts = self.earned.get((item.code, line.id), Counter())
                earned = {
                    rnd.code: (counts[rnd.code] if line.round.index <= rnd.index else None) for rnd in self.draft.rounds
                }
                lines.append(LineCount(item, line, earned))
            items.append(ItemCounts(item, tuple(lines)))
        changes = sorted(self.runs, key=lambda run: (-abs(run.delta), run.code))[:top]
        return DryRun(
            draft=self.draft,
            source=self.source,
            units=units,
            files=files,
            years=self.years,
            rounds=tuple(self.spread(rnd) for rnd in self.draft.rounds),
            items=tuple(items),
            changes=tuple(run for run in changes if run.delta),
            unmapped=dict(self.unmapped),
            refused=self.refused,
            skipped=skipped,
        )

    def spread(self, rnd: Round) -> RoundSpread:
        totals = self.totals[rnd.code]
        potential = self.draft.potential(rnd.code)
        return RoundSpread(
            round=rnd,
            potential=potential,
            units=len(totals),
            minimum=min(totals) if totals else None,
            median=Decimal(statistics.median(totals)) if totals else None,
            maximum=max(totals) if totals else None,
            buckets=_buckets(totals, potential),
        )


def _buckets(totals: Sequence[Decimal], potential: Decimal) -> tuple[Bucket, ...]:
    """Totals counted in buckets of ``BUCKET`` points from 0 to the round's potential (the last
    bucket holds its upper end: 120 is counted in 110–120)."""
    count = max(1, math.ceil(potential / BUCKET))
    counts = [0] * count
    for total in totals:
        counts[min(int(total // BUCKET), count - 1)] += 1
    every = max(len(totals), 1)
    return tuple(
        Bucket(
            Decimal(i * BUCKET), Decimal(min((i + 1) * BUCKET, max(potential, BUCKET))), n, round(n * 20 / every) * 5
        )
        for i, n in enumerate(counts)
    )


def _moved(record: Mapping[str, Any], years: int) -> dict[str, Any]:
    """A record dated ``years`` later (29 February becomes the 28th), its covered month too."""
    out = dict(record)
    date = record.get("date")
    if isinstance(date, str):
        try:
            out["date"] = _add_years(dt.date.fromisoformat(date), years).isoformat()
        except ValueError:
            pass  # a bad date stays as it is: the draft's parser refuses it and it is counted
    covers = record.get("covers")
    if isinstance(covers, str) and len(covers) == 7 and covers[:4].isdigit():
        out["covers"] = f"{int(covers[:4]) + years:04d}{covers[4:]}"
    return out


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)
