"""Framework files (YAML) -> ``Framework``, validated.

Every problem is reported with the file, the item (or dimension/round) code and the field,
e.g. ``oae-2567.yaml: item 1.2.2: lines[1].when: unknown name 'folowups' at column 7``.
All problems found are reported together; a framework with any problem is refused whole.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pramern.scoring.assessment import AssessmentError, parse_assessment
from pramern.scoring.model import (
    Assumption,
    Dimension,
    FactSpec,
    FieldSpec,
    Framework,
    Group,
    Item,
    Line,
    LineCase,
    Option,
    Previous,
    Round,
    Text,
)
from pramern.scoring.numbers import NumberProblem, parse_number
from pramern.scoring.rules import RuleError, compile_condition, compile_points
from pramern.scoring.yamlio import SyntaxProblem, load_file, load_text

FORMAT = "pramern-framework/1"
FACT_TYPES = ("event", "measurement", "choice", "periodic", "judgement")
FIELD_KINDS = ("flag", "choice", "section", "number", "text")
#: Names a record carries besides its declared fields; a declared field may not reuse them.
RESERVED_FIELDS = frozenset(
    {"date", "value", "option", "points", "covers", "claimed", "verified", "id", "title", "note", "evidence"}
)
RESERVED_NAMES = frozenset({"sections", "staff", "and", "or", "not", "where", "true", "false"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# The keys each part of the file may have: anything else is a typo worth refusing.
_ROOT_KEYS = frozenset(
    {"format", "code", "version", "title_th", "title_en", "total_points", "rounds", "assumptions", "dimensions",
     "max_records_per_fact", "previous"}
)  # fmt: skip
#: Records per fact of an item when a framework does not say (a fact rarely needs more than a few dozen).
DEFAULT_MAX_RECORDS_PER_FACT = 500
#: The most a framework may allow: beyond this an item page and its scoring stop being quick.
MAX_RECORDS_PER_FACT_LIMIT = 10_000
#: ``maximum: staff`` on a measurement: at most the staff count of the record's round.
STAFF_MAXIMUM = "staff"
_ROUND_KEYS = frozenset({"code", "title_th", "title_en", "starts", "cutoff"})
_TEXT_KEYS = frozenset({"th", "en"})
_ASSUMPTION_KEYS = frozenset({"id", "th", "en"})
_NODE_KEYS = frozenset({"code", "title_th", "title_en", "points", "items"})
_ITEM_KEYS = frozenset(
    {"code", "title_th", "title_en", "points", "guidance_th", "guidance_en", "evidence", "assumptions",
     "source_note", "facts", "lines"}
)  # fmt: skip
_FACT_KEYS = frozenset({"type", "th", "en", "help_th", "help_en", "fields", "options", "maximum", "step", "cumulative"})
_FIELD_KEYS = frozenset({"type", "th", "en", "required", "choices"})
_OPTION_KEYS = frozenset({"th", "en", "points", "points_if"})
_LINE_KEYS = frozenset(
    {"id", "round", "points", "points_from", "when", "assumed", "th", "en", "missing_th", "missing_en", "tests"}
)
_CASE_KEYS = frozenset({"name", "round", "staff_count", "sections", "records", "expect"})
_PREVIOUS_KEYS = frozenset({"code", "version", "items", "facts"})
#: A line test's unit has this many staff in every round unless the case says otherwise.
DEFAULT_CASE_STAFF = 40
#: Stands for the file name while a case's records are parsed, so that the assessment parser's
#: messages can be renamed to the case's own fields (``tests[0].records.followups[0].date``).
_CASE_FILE = "\x00line-test"


class FrameworkError(Exception):
    """A framework file that cannot be used; ``problems`` lists every message."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Problems:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.messages: list[str] = []

    def add(self, where: str, field: str, message: str) -> None:
        parts = [self.filename, where, field] if field else [self.filename, where]
        self.messages.append(": ".join(p for p in parts if p) + f": {message}")


def load_framework(path: str | Path) -> Framework:
    """Read and validate a framework file; raise ``FrameworkError`` listing every problem."""
    path = Path(path)
    try:
        data = load_file(path)
    except (OSError, SyntaxProblem) as exc:
        raise FrameworkError([f"{path.name}: {exc.strerror if isinstance(exc, OSError) else exc}"]) from None
    return build_framework(data, path.name)


def parse_framework(text: str, filename: str = "framework.yaml") -> Framework:
    """Like ``load_framework`` for text already in memory (e.g. read from the database)."""
    try:
        data = load_text(text, filename)
    except SyntaxProblem as exc:
        raise FrameworkError([f"{filename}: {exc}"]) from None
    return build_framework(data, filename)


def build_framework(data: Any, filename: str) -> Framework:
    problems = _Problems(filename)
    framework = _FrameworkBuilder(problems).build(data)
    if problems.messages or framework is None:
        raise FrameworkError(problems.messages or [f"{filename}: not a framework"])
    return framework


def build_facts(data: Any, where: str, filename: str = "framework.yaml") -> tuple[dict[str, FactSpec], list[str]]:
    """The facts an item's ``facts`` mapping declares, with the problems found in them: the studio
    checks a line's rule against its item's facts while the rest of a draft may still be invalid."""
    problems = _Problems(filename)
    facts = _FrameworkBuilder(problems).facts(data, where)
    return facts, problems.messages


class _FrameworkBuilder:
    def __init__(self, problems: _Problems) -> None:
        self.problems = problems
        self.rounds: dict[str, Round] = {}
        self.codes: set[str] = set()
        self.items: dict[str, Item] = {}
        self.max_records_per_fact = DEFAULT_MAX_RECORDS_PER_FACT

    # -- helpers ---------------------------------------------------------------------------

    def fail(self, where: str, field: str, message: str) -> None:
        self.problems.add(where, field, message)

    def mapping(
        self, value: Any, where: str, field: str, allowed: frozenset[str] | None = None
    ) -> Mapping[str, Any] | None:
        """``value`` if it is a mapping; with ``allowed``, an unknown key (a typo) is a problem too."""
        if not isinstance(value, dict):
            self.fail(where, field, f"expected a mapping (key: value), got {_kind(value)}")
            return None
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    known = ", ".join(sorted(allowed))
                    self.fail(where, f"{field}.{key}" if field else str(key), f"unknown key (expected one of: {known})")
        return value

    def text(self, data: Mapping[str, Any], where: str, key: str, *, field: str = "") -> str:
        """The text under ``key``; ``field`` says where ``data`` sits (e.g. ``lines[0].``)."""
        value = data.get(key)
        if value is None:
            self.fail(where, field + key, "is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(where, field + key, f"expected text, got {_kind(value)}")
            return ""
        return value.strip()

    def bilingual(self, data: Mapping[str, Any], where: str, prefix: str = "", *, field: str = "") -> Text:
        """``{prefix}th`` and ``{prefix}en`` of ``data`` (both required)."""
        th = self.text(data, where, f"{prefix}th", field=field)
        en = self.text(data, where, f"{prefix}en", field=field)
        return Text(th, en)

    def points(self, value: Any, where: str, field: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(where, field, f"expected a number of points, got {_kind(value)}")
            return None
        try:
            parse_number(value)  # refuses NaN, infinities and huge numerals before Decimal reads them
            points = Decimal(str(value))
        except (NumberProblem, InvalidOperation) as exc:
            reason = f" ({exc})" if isinstance(exc, NumberProblem) and str(exc) != "expected a number" else ""
            self.fail(where, field, f"expected a number of points, got {_shown(value)}{reason}")
            return None
        if not points.is_finite() or points < 0:
            self.fail(where, field, f"points must be zero or more, got {value!r}")
            return None
        return points

    def date(self, value: Any, where: str, field: str) -> dt.date | None:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(where, field, f"{value!r} is not a date: write YYYY-MM-DD (Christian era)")
        return None

    def claim_code(self, code: str, where: str) -> None:
        if code in self.codes:
            self.fail(where, "code", f"duplicate code {code!r}")
        self.codes.add(code)

    # -- framework ---------------------------------------------------------------------------

    def build(self, data: Any) -> Framework | None:
        root = self.mapping(data, "", "", _ROOT_KEYS)
        if root is None:
            return None
        fmt = root.get("format")
        if fmt != FORMAT:
            self.fail("", "format", f"expected {FORMAT!r}, got {fmt!r}")
        code = self.text(root, "", "code")
        version = root.get("version")
        if isinstance(version, (int, float)) and not isinstance(version, bool):
            version = str(version)
        if not isinstance(version, str) or not version.strip():
            self.fail("", "version", 'is required (text such as "2567.1")')
            version = ""
        title = self.bilingual(root, "", "title_")
        total = self.points(root.get("total_points"), "", "total_points")
        self.build_rounds(root.get("rounds"))
        assumptions = self.assumptions(root.get("assumptions", []), "framework")
        # Read before the items: a line test's records are held to the same limit as a unit's.
        max_records = self.max_records(root.get("max_records_per_fact", DEFAULT_MAX_RECORDS_PER_FACT))
        self.max_records_per_fact = max_records
        dimensions = self.build_dimensions(root.get("dimensions"))
        previous = self.previous(root.get("previous"), code, str(version).strip())
        if total is not None and dimensions:
            dims_total = sum((d.points for d in dimensions), Decimal(0))
            if dims_total != total:
                self.fail("", "total_points", f"the dimensions add up to {_fmt(dims_total)}, not {_fmt(total)}")
        if self.problems.messages:
            return None
        return Framework(
            code=code,
            version=str(version).strip(),
            title=title,
            total_points=total or Decimal(0),
            rounds=tuple(self.rounds.values()),
            dimensions=tuple(dimensions),
            assumptions=assumptions,
            items_by_code=dict(self.items),
            max_records_per_fact=max_records,
            previous=previous,
        )

    def max_records(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RECORDS_PER_FACT_LIMIT:
            self.fail(
                "",
                "max_records_per_fact",
                f"expected a whole number from 1 to {MAX_RECORDS_PER_FACT_LIMIT:,}, got {_shown(value)}",
            )
            return DEFAULT_MAX_RECORDS_PER_FACT
        return value

    def build_rounds(self, value: Any) -> None:
        if not isinstance(value, list) or not value:
            self.fail("", "rounds", "expected a list of rounds (R6, R12 ...)")
            return
        previous: Round | None = None
        for index, raw in enumerate(value):
            where = f"rounds[{index}]"
            data = self.mapping(raw, where, "", _ROUND_KEYS)
            if data is None:
                continue
            code = self.text(data, where, "code")
            where = f"round {code or index}"
            title = self.bilingual(data, where, "title_")
            starts = self.date(data.get("starts"), where, "starts")
            cutoff = self.date(data.get("cutoff"), where, "cutoff")
            if starts is None or cutoff is None or not code:
                continue
            if code in self.rounds:
                self.fail(where, "code", f"duplicate round {code!r}")
                continue
            if cutoff < starts:
                self.fail(where, "cutoff", f"the cut-off {cutoff} comes before the start {starts}")
            if previous is not None and cutoff <= previous.cutoff:
                self.fail(where, "cutoff", f"rounds are cumulative: the cut-off must come after {previous.code}'s")
            previous = Round(code, len(self.rounds), title, starts, cutoff)
            self.rounds[code] = previous

    def assumptions(self, value: Any, where: str) -> tuple[Assumption, ...]:
        if not isinstance(value, list):
            self.fail(where, "assumptions", "expected a list")
            return ()
        out = []
        for index, raw in enumerate(value):
            field = f"assumptions[{index}]"
            data = self.mapping(raw, where, field, _ASSUMPTION_KEYS)
            if data is None:
                continue
            ident = data.get("id", str(index + 1))
            out.append(Assumption(str(ident), self.bilingual(data, where, "", field=f"{field}.")))
        return tuple(out)

    def build_dimensions(self, value: Any) -> list[Dimension]:
        if not isinstance(value, list) or not value:
            self.fail("", "dimensions", "expected a list of dimensions")
            return []
        dimensions = []
        for index, raw in enumerate(value):
            data = self.mapping(raw, f"dimensions[{index}]", "", _NODE_KEYS)
            if data is None:
                continue
            code = _code(data.get("code"))
            where = f"dimension {code or index}"
            if not code:
                self.fail(where, "code", "is required")
                continue
            self.claim_code(code, where)
            title = self.bilingual(data, where, "title_")
            points = self.points(data.get("points"), where, "points")
            children = self.build_children(data.get("items"), code, code, None, where)
            if points is not None:
                self.check_sum(where, points, children)
            dimensions.append(Dimension(code, title, points or Decimal(0), tuple(children)))
        return dimensions

    def build_children(
        self, value: Any, parent: str, dimension: str, group: str | None, where: str
    ) -> list[Group | Item]:
        if not isinstance(value, list) or not value:
            self.fail(where, "items", "expected a list of items")
            return []
        children: list[Group | Item] = []
        for index, raw in enumerate(value):
            data = self.mapping(raw, where, f"items[{index}]")
            if data is None:
                continue
            code = _code(data.get("code"))
            if not code:
                self.fail(where, f"items[{index}].code", "is required")
                continue
            if not code.startswith(parent + "."):
                self.fail(f"item {code}", "code", f"must start with its parent's code {parent!r} and a dot")
            self.claim_code(code, f"item {code}")
            kind = "group" if "items" in data else "item"
            self.mapping(data, f"{kind} {code}", "", _NODE_KEYS if kind == "group" else _ITEM_KEYS)
            if "items" in data:
                if group is not None:
                    self.fail(f"group {code}", "items", "groups cannot be nested")
                    continue
                title = self.bilingual(data, f"group {code}", "title_")
                points = self.points(data.get("points"), f"group {code}", "points")
                items = self.build_children(data["items"], code, dimension, code, f"group {code}")
                if points is not None:
                    self.check_sum(f"group {code}", points, items)
                children.append(
                    Group(code, title, points or Decimal(0), tuple(i for i in items if isinstance(i, Item)))
                )
            else:
                item = self.build_item(data, code, dimension, group)
                if item is not None:
                    children.append(item)
                    self.items[code] = item
        return children

    def check_sum(self, where: str, points: Decimal, children: list[Group | Item]) -> None:
        total = sum((c.points if isinstance(c, Group) else c.max_points for c in children), Decimal(0))
        if children and total != points:
            self.fail(where, "points", f"its items add up to {_fmt(total)}, not {_fmt(points)}")

    # -- items -------------------------------------------------------------------------------

    def build_item(self, data: Mapping[str, Any], code: str, dimension: str, group: str | None) -> Item | None:
        where = f"item {code}"
        title = self.bilingual(data, where, "title_")
        max_points = self.points(data.get("points"), where, "points")
        guidance = self.bilingual(data, where, "guidance_")
        evidence = self.evidence(data.get("evidence"), where)
        assumptions = self.assumptions(data.get("assumptions", []), where)
        note = data.get("source_note")
        source_note = None
        if note is not None:
            note_data = self.mapping(note, where, "source_note", _TEXT_KEYS)
            source_note = self.bilingual(note_data, where, field="source_note.") if note_data else None
        facts = self.facts(data.get("facts"), where)
        if max_points is None:
            return None
        lines = self.lines(data.get("lines"), where, facts, max_points, code)
        if lines and len(lines) == len(data.get("lines") or ()):  # only when every line was understood
            potential = sum((ln.points for ln in lines), Decimal(0))
            if potential < max_points:
                self.fail(
                    where,
                    "lines",
                    f"the lines can give at most {_fmt(potential)} of the item's {_fmt(max_points)} points",
                )
        return Item(
            code=code,
            title=title,
            max_points=max_points,
            guidance=guidance,
            evidence=evidence,
            facts=facts,
            lines=tuple(lines),
            assumptions=assumptions,
            source_note=source_note,
            dimension_code=dimension,
            group_code=group,
        )

    def evidence(self, value: Any, where: str) -> tuple[Text, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(where, "evidence", "expected a list of {th, en}")
            return ()
        out = []
        for index, raw in enumerate(value):
            data = self.mapping(raw, where, f"evidence[{index}]", _TEXT_KEYS)
            if data is not None:
                out.append(self.bilingual(data, where, field=f"evidence[{index}]."))
        return tuple(out)

    def facts(self, value: Any, where: str) -> dict[str, FactSpec]:
        data = self.mapping(value, where, "facts")
        if data is None:
            return {}
        facts = {}
        for name, raw in data.items():
            field = f"facts.{name}"
            if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name) or name in RESERVED_NAMES:
                self.fail(where, field, "a fact's name must be a word of letters, digits and _ (not a keyword)")
                continue
            spec = self.mapping(raw, where, field, _FACT_KEYS)
            if spec is None:
                continue
            fact = self.fact(name, spec, where, field)
            if fact is not None:
                facts[name] = fact
        return facts

    def fact(self, name: str, data: Mapping[str, Any], where: str, field: str) -> FactSpec | None:
        kind = data.get("type")
        if kind not in FACT_TYPES:
            self.fail(where, f"{field}.type", f"unknown fact type {kind!r} (known: {', '.join(FACT_TYPES)})")
            return None
        label = self.bilingual(data, where, "", field=f"{field}.")
        help_text = None
        if "help_th" in data or "help_en" in data:
            help_text = self.bilingual(data, where, "help_", field=f"{field}.")
        fields = self.fields(data.get("fields", {}), where, f"{field}.fields")
        options: dict[str, Option] = {}
        maximum: Decimal | None = None
        step: Decimal | None = None
        if kind == "choice":
            options = self.options(data.get("options"), where, f"{field}.options", fields)
        elif "options" in data:
            self.fail(where, f"{field}.options", "only a choice fact has options")
        cumulative = data.get("cumulative", False)
        if not isinstance(cumulative, bool) or (cumulative and kind != "measurement"):
            self.fail(where, f"{field}.cumulative", "only a measurement can be cumulative (true or false)")
            cumulative = False
        at_most_staff = False
        if kind == "judgement":
            maximum = self.points(data.get("maximum"), where, f"{field}.maximum")
            step = self.points(data.get("step", "0.5"), where, f"{field}.step")
            if step is not None and step <= 0:
                self.fail(where, f"{field}.step", "must be more than zero")
        elif kind == "measurement" and "maximum" in data:
            maximum, at_most_staff = self.measurement_maximum(data["maximum"], where, f"{field}.maximum")
        elif "maximum" in data:
            self.fail(where, f"{field}.maximum", "only a measurement or a judgement has a maximum")
        return FactSpec(
            name=name,
            type=kind,
            label=label,
            help=help_text,
            fields=fields,
            options=options,
            maximum=maximum,
            step=step,
            cumulative=cumulative,
            at_most_staff=at_most_staff,
        )

    def measurement_maximum(self, value: Any, where: str, field: str) -> tuple[Decimal | None, bool]:
        """A measurement's declared upper bound: a number, or ``staff`` (the round's staff count)."""
        if value == STAFF_MAXIMUM:
            return None, True
        try:
            number = parse_number(value)
        except NumberProblem:
            number = None
        if number is None or number < 0:
            self.fail(where, field, f"expected a number (0 or more) or {STAFF_MAXIMUM!r}, got {_shown(value)}")
            return None, False
        return Decimal(number.numerator) / Decimal(number.denominator), False

    def fields(self, value: Any, where: str, prefix: str) -> dict[str, FieldSpec]:
        data = self.mapping(value, where, prefix)
        if data is None:
            return {}
        fields = {}
        for name, raw in data.items():
            field = f"{prefix}.{name}"
            if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name) or name in RESERVED_NAMES:
                self.fail(where, field, "a field's name must be a word of letters, digits and _ (not a keyword)")
                continue
            if name in RESERVED_FIELDS:
                self.fail(where, field, f"{name!r} is a built-in field of every record; choose another name")
                continue
            spec = self.mapping(raw, where, field, _FIELD_KEYS)
            if spec is None:
                continue
            kind = spec.get("type")
            if kind not in FIELD_KINDS:
                self.fail(where, f"{field}.type", f"unknown field type {kind!r} (known: {', '.join(FIELD_KINDS)})")
                continue
            choices: dict[str, Text] = {}
            if kind == "choice":
                raw_choices = self.mapping(spec.get("choices"), where, f"{field}.choices")
                for key, label in (raw_choices or {}).items():
                    label_data = self.mapping(label, where, f"{field}.choices.{key}", _TEXT_KEYS)
                    if label_data is not None:
                        choices[str(key)] = self.bilingual(label_data, where, field=f"{field}.choices.{key}.")
                if not choices and raw_choices is not None:
                    self.fail(where, f"{field}.choices", "a choice field needs at least one choice")
            required = spec.get("required", kind == "section")
            if not isinstance(required, bool):
                self.fail(where, f"{field}.required", "expected true or false")
                required = False
            fields[name] = FieldSpec(name, kind, self.bilingual(spec, where, "", field=f"{field}."), choices, required)
        if sum(1 for f in fields.values() if f.kind == "section") > 1:
            self.fail(where, prefix, "a fact can have at most one section field")
        return fields

    def options(self, value: Any, where: str, prefix: str, fields: Mapping[str, FieldSpec]) -> dict[str, Option]:
        data = self.mapping(value, where, prefix)
        if not data:
            if data is not None:
                self.fail(where, prefix, "a choice fact needs at least one option")
            return {}
        options = {}
        for code, raw in data.items():
            field = f"{prefix}.{code}"
            spec = self.mapping(raw, where, field, _OPTION_KEYS)
            if spec is None:
                continue
            points = self.points(spec.get("points"), where, f"{field}.points")
            points_if: dict[str, Decimal] = {}
            for flag, raw_points in (spec.get("points_if") or {}).items():
                if flag not in fields or fields[flag].kind != "flag":
                    self.fail(where, f"{field}.points_if.{flag}", f"{flag!r} is not a flag field of this fact")
                    continue
                flag_points = self.points(raw_points, where, f"{field}.points_if.{flag}")
                if flag_points is not None:
                    points_if[flag] = flag_points
            if points is not None:
                options[str(code)] = Option(
                    str(code), self.bilingual(spec, where, "", field=f"{field}."), points, points_if
                )
        return options

    def lines(
        self, value: Any, where: str, facts: Mapping[str, FactSpec], max_points: Decimal, code: str
    ) -> list[Line]:
        if not isinstance(value, list) or not value:
            self.fail(where, "lines", "expected a list of scoring lines")
            return []
        lines: list[Line] = []
        seen: set[str] = set()
        for index, raw in enumerate(value):
            field = f"lines[{index}]"
            data = self.mapping(raw, where, field, _LINE_KEYS)
            if data is None:
                continue
            ident = str(data.get("id", index + 1))
            if ident in seen:
                self.fail(where, f"{field}.id", f"duplicate line id {ident!r}")
            seen.add(ident)
            round_code = data.get("round")
            rnd = self.rounds.get(str(round_code))
            if rnd is None:
                known = ", ".join(self.rounds) or "none"
                self.fail(where, f"{field}.round", f"unknown round {round_code!r} (rounds: {known})")
            text = self.bilingual(data, where, "", field=f"{field}.")
            missing = self.bilingual(data, where, "missing_", field=f"{field}.")
            assumed = data.get("assumed", False)
            if not isinstance(assumed, bool):
                self.fail(where, f"{field}.assumed", "expected true or false")
                assumed = False
            line = self.line_rule(data, where, field, facts)
            if line is None or rnd is None:
                continue
            condition, points_from, points, source = line
            if points > max_points:
                self.fail(
                    where,
                    f"{field}.points",
                    f"the line can give {_fmt(points)}, more than the item's {_fmt(max_points)}",
                )
            tests = self.line_tests(data.get("tests"), where, f"{field} ({ident})", rnd, code, facts)
            lines.append(Line(ident, rnd, points, text, missing, condition, points_from, source, assumed, tests))
        return lines

    # -- line tests ----------------------------------------------------------------------------

    def line_tests(
        self, value: Any, where: str, field: str, line_round: Round, code: str, facts: Mapping[str, FactSpec]
    ) -> tuple[LineCase, ...]:
        """A line's ``tests``, each checked like an assessment file's records for the item.

        Whether a case passes is not checked here: a draft with a failing case still loads."""
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(where, f"{field}: tests", f"expected a list of cases, got {_kind(value)}")
            return ()
        host = self.case_framework(code, facts)
        cases = []
        for index, raw in enumerate(value):
            case = self.line_case(raw, where, f"{field}: tests[{index}]", index, line_round, code, host)
            if case is not None:
                cases.append(case)
        return tuple(cases)

    def case_framework(self, code: str, facts: Mapping[str, FactSpec]) -> Framework:
        """A framework holding only the rounds and this item's facts: what parsing a case's records needs."""
        empty = Text("", "")
        item = Item(code, empty, Decimal(0), empty, (), facts, ())
        return Framework(
            code="line-test",
            version="1",
            title=empty,
            total_points=Decimal(0),
            rounds=tuple(self.rounds.values()),
            dimensions=(),
            items_by_code={code: item},
            max_records_per_fact=self.max_records_per_fact,
        )

    def line_case(
        self, raw: Any, where: str, field: str, index: int, line_round: Round, code: str, host: Framework
    ) -> LineCase | None:
        data = self.mapping(raw, where, field, _CASE_KEYS)
        if data is None:
            return None
        problems = len(self.problems.messages)
        name = data.get("name", "")
        if not isinstance(name, str):
            self.fail(where, f"{field}.name", f"expected text, got {_kind(name)}")
            name = ""
        rnd = line_round
        if "round" in data:
            found = self.rounds.get(str(data["round"]))
            if found is None:
                known = ", ".join(self.rounds) or "none"
                self.fail(where, f"{field}.round", f"unknown round {_shown(data['round'])} (rounds: {known})")
            else:
                rnd = found
        if "expect" not in data:
            self.fail(where, f"{field}.expect", "is required: the points the line must give in the case's round")
            expect = None
        else:
            expect = self.points(data["expect"], where, f"{field}.expect")
        sections = self.case_sections(data.get("sections", []), where, f"{field}.sections")
        records = data.get("records", {})
        if records is None:
            records = {}
        if not isinstance(records, dict):
            self.fail(
                where, f"{field}.records", f"expected a mapping of fact name -> list of records, got {_kind(records)}"
            )
            records = {}
        document = {
            "format": "pramern-assessment/1",
            "framework": {"code": host.code, "version": host.version},
            "unit": {"code": "line-test", "name_th": "หน่วยงานทดสอบ"},
            "staff_count": data.get("staff_count", DEFAULT_CASE_STAFF),
            "sections": [{"code": section} for section in sections],
            "items": {code: records},
        }
        try:
            parsed = parse_assessment(document, host, _CASE_FILE)
        except AssessmentError as exc:
            for message in exc.problems:
                self.fail(where, *_case_problem(message, field, code))
            return None
        if expect is None or len(self.problems.messages) > problems:
            return None
        return LineCase(
            index=index,
            name=name.strip(),
            round=rnd,
            staff_count=dict(parsed.staff_count),
            sections=sections,
            records=dict(parsed.records.get(code, {})),
            expect=expect,
        )

    def case_sections(self, value: Any, where: str, field: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(where, field, f"expected a list of section codes, got {_kind(value)}")
            return ()
        out: list[str] = []
        for index, code in enumerate(value):
            if not isinstance(code, str) or not code.strip():
                self.fail(where, f"{field}[{index}]", f"expected a section code (text), got {_kind(code)}")
            elif code.strip() in out:
                self.fail(where, f"{field}[{index}]", f"duplicate section {code.strip()!r}")
            else:
                out.append(code.strip())
        return tuple(out)

    # -- the predecessor -------------------------------------------------------------------------

    def previous(self, value: Any, own_code: str, own_version: str) -> Previous | None:
        """``previous:``: the framework this one succeeds and where its items and facts went."""
        if value is None:
            return None
        where = "previous"
        data = self.mapping(value, where, "", _PREVIOUS_KEYS)
        if data is None:
            return None
        code = self.text(data, where, "code")
        version = data.get("version")
        if isinstance(version, (int, float)) and not isinstance(version, bool):
            version = str(version)
        if not isinstance(version, str) or not version.strip():
            self.fail(where, "version", 'is required (text such as "1")')
            version = ""
        version = version.strip()
        if code and (code, version) == (own_code, own_version):
            self.fail(where, "code", f"a framework cannot succeed itself ({code}@{version})")
        items, refused = self.previous_items(data.get("items"))
        facts = self.previous_facts(data.get("facts"), items, refused)
        return Previous(code, version, items, facts)

    def previous_items(self, value: Any) -> tuple[dict[str, str | None], set[str]]:
        """``previous.items`` (old code -> new code or None), and the old codes refused."""
        items: dict[str, str | None] = {}
        refused: set[str] = set()
        data = self.mapping(value, "previous", "items") if value is not None else None
        for old, new in (data or {}).items():
            field = f"items.{old}"
            if not isinstance(old, str) or not old.strip():
                self.fail("previous", field, f'write the old item code as quoted text ("{old}")')
                continue
            refused.add(old.strip())
            if new is not None and not isinstance(new, str):
                self.fail(
                    "previous",
                    field,
                    f"expected an item code of this framework as quoted text, or null; got {_shown(new)}",
                )
                continue
            target = new.strip() if isinstance(new, str) else None
            if target is not None and target not in self.items:
                self.fail("previous", field, f"{target!r} is not an item of this framework")
                continue
            refused.discard(old.strip())
            items[old.strip()] = target
        return items, refused

    def previous_facts(
        self, value: Any, items: Mapping[str, str | None], refused: set[str]
    ) -> dict[tuple[str, str], str | None]:
        """``previous.facts``: ("old item", "old fact") -> new fact of the item the old one continues, or None."""
        facts: dict[tuple[str, str], str | None] = {}
        data = self.mapping(value, "previous", "facts") if value is not None else None
        for key, new in (data or {}).items():
            field = f"facts.{key}"
            old_item, slash, old_fact = key.partition("/") if isinstance(key, str) else ("", "", "")
            old_item, old_fact = old_item.strip(), old_fact.strip()
            if not slash or not old_item or not old_fact or "/" in old_fact:
                self.fail("previous", field, 'expected "old item code/old fact name", e.g. "1.2.2/followups"')
                continue
            if new is not None and not isinstance(new, str):
                self.fail("previous", field, f"expected a fact name (text) or null, got {_shown(new)}")
                continue
            target = new.strip() if isinstance(new, str) else None
            if target is not None and old_item not in refused:  # a refused item entry is reported already
                new_item = items[old_item] if old_item in items else old_item if old_item in self.items else None
                if new_item is None:
                    self.fail(
                        "previous",
                        field,
                        f"item {old_item} has no successor in this framework, so its facts cannot continue",
                    )
                    continue
                if target not in self.items[new_item].facts:
                    known = ", ".join(self.items[new_item].facts) or "none"
                    self.fail("previous", field, f"{target!r} is not a fact of item {new_item} (its facts: {known})")
                    continue
            facts[(old_item, old_fact)] = target
        return facts

    def line_rule(
        self, data: Mapping[str, Any], where: str, field: str, facts: Mapping[str, FactSpec]
    ) -> tuple[Any, Any, Decimal, str] | None:
        has_points, has_from = "points" in data, "points_from" in data
        if has_points == has_from:
            self.fail(where, field, "give either points (with when) or points_from")
            return None
        condition = None
        source = ""
        when = data.get("when")
        if when is not None:
            if not isinstance(when, str):
                self.fail(where, f"{field}.when", f"expected a rule (text), got {_kind(when)}")
                return None
            try:
                condition = compile_condition(when, facts)
            except RuleError as exc:
                self.fail(where, f"{field}.when", str(exc))
                return None
            source = when
        elif has_points:
            self.fail(where, f"{field}.when", "is required with points")
            return None
        if has_points:
            points = self.points(data["points"], where, f"{field}.points")
            if points is None:
                return None
            if points == 0:
                self.fail(where, f"{field}.points", "a line must give more than zero points")
                return None
            return condition, None, points, source
        expression = data["points_from"]
        if not isinstance(expression, str):
            self.fail(where, f"{field}.points_from", f"expected a rule (text), got {_kind(expression)}")
            return None
        try:
            points_from, bound = compile_points(expression, facts)
        except RuleError as exc:
            self.fail(where, f"{field}.points_from", str(exc))
            return None
        source = f"{source} → {expression}" if source else expression
        return condition, points_from, bound, source


def _case_problem(message: str, field: str, code: str) -> tuple[str, str]:
    """An assessment-parser message about a case's unit, as (field, message) of the case:
    ``item 1.2.2: followups[0].date: …`` -> ``tests[0].records.followups[0].date``, ``…``."""
    rest = message.removeprefix(f"{_CASE_FILE}: ")
    prefix = f"{field}."
    if rest.startswith(f"item {code}: "):
        rest = rest.removeprefix(f"item {code}: ")
        prefix = f"{field}.records."
    path, _, text = rest.partition(": ")
    return (prefix + path, text) if text else (field, path)


def _code(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _shown(value: Any) -> str:
    """A value as a message quotes it: a huge one is cut short."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text)} characters)"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def format_points(points: Decimal) -> str:
    """``Decimal('2.50')`` -> ``'2.5'``, ``Decimal('4')`` -> ``'4'``."""
    return format(points.normalize(), "f")


_fmt = format_points
