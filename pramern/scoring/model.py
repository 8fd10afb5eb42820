"""The framework and assessment data the engine works on: plain, immutable dataclasses.

Nothing here knows about YAML, Django or scoring rules; ``loader`` builds a ``Framework``,
``assessment`` builds an ``Assessment`` and ``engine`` scores one against the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

#: Numbers inside rules are exact: ints and Fractions, never floats.
Number = int | Fraction

#: A compiled rule: takes an ``EvalContext`` (line rules) or a ``Record`` (filters).
Compiled = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Thai and English."""

    th: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.th


@dataclass(frozen=True, slots=True)
class Assumption:
    """A reading of the source that the source itself does not settle, shown with the item."""

    id: str
    text: Text


@dataclass(frozen=True, slots=True)
class Round:
    """A cumulative round: records dated ``starts``..``cutoff`` (inclusive) count in it."""

    code: str
    index: int
    title: Text
    starts: dt.date
    cutoff: dt.date


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a ``choice`` fact, with the points it carries.

    ``points_if`` maps a flag of the record to the points when that flag is set
    (the award matrix: an award related to the unit's mission is worth more).
    """

    code: str
    label: Text
    points: Decimal
    points_if: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def max_points(self) -> Decimal:
        return max([self.points, *self.points_if.values()])


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field a unit fills in on each record of a fact (besides the date)."""

    name: str
    kind: str  # flag | choice | section | number | text
    label: Text
    choices: Mapping[str, Text] = field(default_factory=dict)
    required: bool = False


@dataclass(frozen=True, slots=True)
class FactSpec:
    """A typed fact a unit records for an item: a list of dated records of one kind."""

    name: str
    type: str  # event | measurement | choice | periodic | judgement
    label: Text
    help: Text | None = None
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    options: Mapping[str, Option] = field(default_factory=dict)
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None
    step: Decimal | None = None
    #: A measurement of a count that only grows (staff who answered so far): later readings
    #: may not be lower than earlier ones.
    cumulative: bool = False
    #: A measurement of staff (``maximum: staff``): a value may not exceed the staff count of
    #: the round the record is dated in (``Framework.round_for``).
    at_most_staff: bool = False

    def section_field(self) -> str | None:
        return next((f.name for f in self.fields.values() if f.kind == "section"), None)


@dataclass(frozen=True, slots=True)
class LineCase:
    """An example attached to a line (``tests:`` in the file): a synthetic unit with a few records
    for the line's item, and the points the line must give in ``round``.

    ``records`` are already checked and parsed as an assessment file's ``items[code]`` would be;
    a case that does not give ``expect`` is a failing test, not a broken framework.
    """

    index: int  # its position in the line's ``tests`` list
    name: str  # optional text ("" when the file gives none)
    round: Round  # default: the line's own round
    staff_count: Mapping[str, int]  # round code -> staff (default 40 in every round)
    sections: tuple[str, ...]  # the synthetic unit's section codes (default: none)
    records: Mapping[str, tuple[Record, ...]]  # fact -> records, sorted by date
    expect: Decimal  # the points the line must give, compared exactly

    @property
    def label(self) -> str:
        """``tests[0]`` or ``tests[0] (two follow-ups)``: how messages name the case."""
        return f"tests[{self.index}] ({self.name})" if self.name else f"tests[{self.index}]"


@dataclass(frozen=True, slots=True)
class Previous:
    """The framework this one succeeds (``previous:`` in the file) and how its items continue.

    ``items``: old item code -> new item code, or ``None`` (no successor); an old code not listed
    continues the item with the same code. ``facts``: (old item code, old fact) -> new fact name,
    or ``None``. The new codes are checked against this framework; the old ones cannot be.
    """

    code: str
    version: str
    items: Mapping[str, str | None] = field(default_factory=dict)
    facts: Mapping[tuple[str, str], str | None] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.code}@{self.version}"


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class Line:
    """One scoring line of an item: ``points`` when ``condition`` holds, from ``round`` on.

    A line with ``points_from`` awards a computed number of points (the best award,
    an evaluator's judgement) bounded by ``points``. Lines compare by identity: the
    engine caches per line what never changes between units.
    """

    id: str
    round: Round
    points: Decimal
    text: Text
    missing: Text
    condition: Compiled | None
    points_from: Compiled | None
    source: str
    assumed: bool = False
    #: The line's example cases (``tests:``), run by ``scoring.linetests``.
    tests: tuple[LineCase, ...] = ()


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class Item:
    """An assessed item (e.g. 1.2.2): its texts, the facts it records and its lines (by identity)."""

    code: str
    title: Text
    max_points: Decimal
    guidance: Text
    evidence: tuple[Text, ...]
    facts: Mapping[str, FactSpec]
    lines: tuple[Line, ...]
    assumptions: tuple[Assumption, ...] = ()
    source_note: Text | None = None
    dimension_code: str = ""
    group_code: str | None = None

    def potential(self, round_index: int) -> Decimal:
        """The most this item can give in the round with the given index."""
        total = sum((ln.points for ln in self.lines if ln.round.index <= round_index), Decimal(0))
        return min(total, self.max_points)


@dataclass(frozen=True, slots=True)
class Group:
    """A sub-dimension (e.g. 1.1) holding items."""

    code: str
    title: Text
    points: Decimal
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Dimension:
    """A dimension (ด้าน) holding sub-dimensions and items, in the source's order."""

    code: str
    title: Text
    points: Decimal
    children: tuple[Group | Item, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        out: list[Item] = []
        for child in self.children:
            out.extend(child.items if isinstance(child, Group) else (child,))
        return tuple(out)

    @property
    def groups(self) -> tuple[Group, ...]:
        return tuple(c for c in self.children if isinstance(c, Group))


@dataclass(frozen=True, slots=True)
class Framework:
    """A fiscal year's framework, identified by ``code`` and ``version``."""

    code: str
    version: str
    title: Text
    total_points: Decimal
    rounds: tuple[Round, ...]
    dimensions: tuple[Dimension, ...]
    assumptions: tuple[Assumption, ...] = ()
    items_by_code: Mapping[str, Item] = field(default_factory=dict)
    #: The most records one fact of one item may hold (``max_records_per_fact``).
    max_records_per_fact: int = 500
    #: The framework this one succeeds and its item/fact mapping (``previous:``), if the file says.
    previous: Previous | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(self.items_by_code.values())

    def round_for(self, day: dt.date) -> Round:
        """The round a record dated ``day`` is first counted in (the last round for later dates)."""
        return next((rnd for rnd in self.rounds if day <= rnd.cutoff), self.rounds[-1])

    @property
    def key(self) -> str:
        return f"{self.code}@{self.version}"

    def has_round(self, code: str) -> bool:
        return any(rnd.code == code for rnd in self.rounds)

    def round(self, code: str) -> Round:
        for rnd in self.rounds:
            if rnd.code == code:
                return rnd
        known = ", ".join(r.code for r in self.rounds)
        raise KeyError(f"unknown round {code!r} (this framework has {known})")

    @property
    def final_round(self) -> Round:
        return self.rounds[-1]

    def potential(self, round_code: str) -> Decimal:
        """The most a unit can score in a round: every line open by then, items capped."""
        index = self.round(round_code).index
        return sum((item.potential(index) for item in self.items), Decimal(0))


@dataclass(frozen=True, slots=True)
class Record:
    """One dated record of a fact, with its typed field values.

    ``fields`` holds what rules read (flags, choices, section, value, covered month,
    option points...). ``extra`` keeps what the engine ignores (id, title, note,
    evidence) so that files round-trip.
    """

    date: dt.date
    fields: Mapping[str, Any]
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Section:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name_th: str
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class Assessment:
    """One unit's data for one framework: staff counts, sections and records per item/fact."""

    framework_code: str
    framework_version: str
    unit: Unit
    staff_count: Mapping[str, int]  # round code -> number of staff
    sections: tuple[Section, ...]
    records: Mapping[str, Mapping[str, tuple[Record, ...]]]  # item -> fact -> records by date

    def staff_for(self, round_code: str) -> int:
        return self.staff_count.get(round_code, 0)
