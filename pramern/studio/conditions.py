"""The condition builder: common shapes of a scoring rule ↔ rule text, and checking a rule.

``build(shape)`` writes the rule text of a shape (docs/rules.md), ``recognise(text)`` gives the
shape of a text the builder can show again (``None`` for anything else: the text stays editable),
and ``check(text, facts, ...)`` type-checks a rule against an item's facts as the loader does,
with the message in the user's language, the column of the problem and the line's maximum.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from pramern.scoring.model import FactSpec
from pramern.scoring.rules import (
    Binary,
    Call,
    Literal,
    Name,
    Node,
    RuleError,
    Unary,
    Where,
    compile_condition,
    compile_points,
    parse,
)

Number = int | Fraction
#: The longest rule the studio checks (FY2567's longest is ~190 characters).
MAX_RULE_LENGTH = 2000
COMPARISONS = (">=", ">", "==", "<=", "<", "!=")


@dataclass(frozen=True)
class Term:
    """One test on a record: a flag (``not`` when ``negated``) or ``field == "value"``."""

    field: str
    value: str | None = None
    negated: bool = False


@dataclass(frozen=True)
class Count:
    """``count(fact where terms) op n``: how many records with these flags/choices."""

    fact: str
    terms: tuple[Term, ...] = ()
    op: str = ">="
    n: Number = 1


@dataclass(frozen=True)
class Latest:
    """``latest(measurement) op n``."""

    fact: str
    op: str = ">="
    n: Number = 1


@dataclass(frozen=True)
class PercentOfStaff:
    """``percent_of_staff(measurement) > p`` (or ``>=``)."""

    fact: str
    op: str = ">"
    percent: Number = 50


@dataclass(frozen=True)
class EveryMonth:
    """``every_month(periodic, "YYYY-MM", "YYYY-MM")``."""

    fact: str
    first: str
    last: str


@dataclass(frozen=True)
class EveryQuarter:
    """``every_quarter(periodic, "YYYY-MM", "YYYY-MM")``."""

    fact: str
    first: str
    last: str


@dataclass(frozen=True)
class EverySection:
    """``sections > 0 and sections_with(fact where terms, n) == sections``: every section has n records."""

    fact: str
    n: Number = 1
    terms: tuple[Term, ...] = ()
    guard: bool = True  # ``sections > 0 and``: a unit without sections does not earn it


@dataclass(frozen=True)
class Best:
    """``best(choice)`` as a line's ``points_from``: the points of the best option recorded."""

    fact: str


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Shape, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Shape, ...] = field(default_factory=tuple)


Shape = Count | Latest | PercentOfStaff | EveryMonth | EveryQuarter | EverySection | Best | AllOf | AnyOf
SHAPES = {
    "count": Count,
    "latest": Latest,
    "percent": PercentOfStaff,
    "every_month": EveryMonth,
    "every_quarter": EveryQuarter,
    "every_section": EverySection,
    "best": Best,
}


# --------------------------------------------------------------------------- build


def build(shape: Shape) -> str:
    """The rule text of ``shape``."""
    if isinstance(shape, Count):
        return f"count({_records(shape.fact, shape.terms)}) {_op(shape.op)} {_number(shape.n)}"
    if isinstance(shape, Latest):
        return f"latest({shape.fact}) {_op(shape.op)} {_number(shape.n)}"
    if isinstance(shape, PercentOfStaff):
        if shape.op not in (">", ">="):
            raise ValueError(f"percent of staff compares with > or >=, not {shape.op}")
        return f"percent_of_staff({shape.fact}) {shape.op} {_number(shape.percent)}"
    if isinstance(shape, EveryMonth | EveryQuarter):
        name = "every_month" if isinstance(shape, EveryMonth) else "every_quarter"
        return f'{name}({shape.fact}, "{_month(shape.first)}", "{_month(shape.last)}")'
    if isinstance(shape, EverySection):
        core = f"sections_with({_records(shape.fact, shape.terms)}, {_number(shape.n)}) == sections"
        return f"sections > 0 and {core}" if shape.guard else core
    if isinstance(shape, Best):
        return f"best({shape.fact})"
    if isinstance(shape, AllOf | AnyOf):
        if not shape.parts:
            raise ValueError("a combination needs at least one part")
        joiner = " and " if isinstance(shape, AllOf) else " or "
        return joiner.join(_part(part, inside_and=isinstance(shape, AllOf)) for part in shape.parts)
    raise TypeError(f"not a shape: {shape!r}")


def combine(first: str, second: str, op: str) -> str:
    """Two rule texts joined with ``and``/``or``, each in brackets where the other operator needs it."""
    if op not in ("and", "or"):
        raise ValueError(op)
    parts = []
    for text in (first.strip(), second.strip()):
        if not text:
            continue
        parts.append(f"({text})" if _top_operator(text) not in (None, op) else text)
    return f" {op} ".join(parts)


def _part(shape: Shape, *, inside_and: bool) -> str:
    text = build(shape)
    needs_brackets = isinstance(shape, AnyOf) if inside_and else (
        isinstance(shape, AllOf) or (isinstance(shape, EverySection) and shape.guard)
    )  # fmt: skip
    return f"({text})" if needs_brackets and (not isinstance(shape, AllOf | AnyOf) or len(shape.parts) > 1) else text


def _records(fact: str, terms: Sequence[Term]) -> str:
    if not terms:
        return fact
    return f"{fact} where " + " and ".join(_term(term) for term in terms)


def _term(term: Term) -> str:
    if term.value is not None:
        return f'{term.field} {"!=" if term.negated else "=="} "{term.value}"'
    return f"not {term.field}" if term.negated else term.field


def _op(op: str) -> str:
    if op not in COMPARISONS:
        raise ValueError(f"not a comparison: {op}")
    return op


def _number(value: Number | str) -> str:
    exact = Fraction(str(value)) if isinstance(value, str) else Fraction(value)
    if exact.denominator == 1:
        return str(exact.numerator)
    return format((Decimal(exact.numerator) / Decimal(exact.denominator)).normalize(), "f")


def _month(value: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}", value):
        raise ValueError(f"not a month: {value}")
    return value


def _top_operator(text: str) -> str | None:
    try:
        tree = parse(text)
    except (RuleError, RecursionError):
        return "?"
    return tree.op if isinstance(tree, Binary) and tree.op in ("and", "or") else None


# --------------------------------------------------------------------------- recognise


def recognise(text: str) -> Shape | None:
    """The shape whose ``build`` gives ``text`` (spacing aside), or ``None``."""
    try:
        tree = parse(text)
        shape = _shape(tree)
    except (RuleError, RecursionError):
        return None
    if shape is None:
        return None
    try:
        same = " ".join(build(shape).split()) == " ".join(text.split())
    except (ValueError, TypeError):
        return None
    return shape if same else None


def _shape(node: Node) -> Shape | None:
    if isinstance(node, Binary) and node.op in ("and", "or"):
        operands = _flatten(node, node.op)
        parts: list[Shape] = []
        index = 0
        while index < len(operands):
            operand = operands[index]
            if node.op == "and" and _is_sections_guard(operand) and index + 1 < len(operands):
                every = _every_section(operands[index + 1])
                if every is not None:
                    parts.append(EverySection(every.fact, every.n, every.terms, guard=True))
                    index += 2
                    continue
            part = _shape(operand)
            if part is None:
                return None
            parts.append(part)
            index += 1
        if len(parts) == 1:
            return parts[0]
        return AllOf(tuple(parts)) if node.op == "and" else AnyOf(tuple(parts))
    if isinstance(node, Call) and node.name == "best" and len(node.args) == 1 and isinstance(node.args[0], Name):
        return Best(node.args[0].name)
    if isinstance(node, Call) and node.name in ("every_month", "every_quarter") and len(node.args) == 3:
        fact, first, last = node.args
        if isinstance(fact, Name) and _is_string(first) and _is_string(last):
            cls = EveryMonth if node.name == "every_month" else EveryQuarter
            return cls(fact.name, str(first.value), str(last.value))  # type: ignore[attr-defined]
        return None
    if isinstance(node, Binary) and node.op in COMPARISONS:
        every = _every_section(node)
        if every is not None:
            return every
        left, right = node.left, node.right
        if not (isinstance(left, Call) and _is_number(right) and len(left.args) == 1):
            return None
        n = right.value  # type: ignore[attr-defined]
        arg = left.args[0]
        if left.name == "count":
            records = _records_of(arg)
            return Count(records[0], records[1], node.op, n) if records else None
        if left.name == "latest" and isinstance(arg, Name):
            return Latest(arg.name, node.op, n)
        if left.name == "percent_of_staff" and isinstance(arg, Name) and node.op in (">", ">="):
            return PercentOfStaff(arg.name, node.op, n)
    return None


def _flatten(node: Node, op: str) -> list[Node]:
    if isinstance(node, Binary) and node.op == op:
        return _flatten(node.left, op) + _flatten(node.right, op)
    return [node]


def _is_number(node: Node) -> bool:
    return isinstance(node, Literal) and isinstance(node.value, int | Fraction) and not isinstance(node.value, bool)


def _is_string(node: Node) -> bool:
    return isinstance(node, Literal) and isinstance(node.value, str)


def _is_sections_guard(node: Node) -> bool:
    return (
        isinstance(node, Binary)
        and node.op == ">"
        and isinstance(node.left, Name)
        and node.left.name == "sections"
        and isinstance(node.right, Literal)
        and node.right.value == 0
    )


def _every_section(node: Node) -> EverySection | None:
    if not (isinstance(node, Binary) and node.op == "==" and isinstance(node.right, Name)):
        return None
    left = node.left
    if node.right.name != "sections" or not isinstance(left, Call) or left.name != "sections_with":
        return None
    if len(left.args) != 2 or not _is_number(left.args[1]):
        return None
    records = _records_of(left.args[0])
    if records is None:
        return None
    return EverySection(records[0], left.args[1].value, records[1], guard=False)  # type: ignore[attr-defined]


def _records_of(node: Node) -> tuple[str, tuple[Term, ...]] | None:
    if isinstance(node, Name):
        return node.name, ()
    if not isinstance(node, Where):
        return None
    terms = []
    for operand in _flatten(node.condition, "and"):
        term = _term_of(operand)
        if term is None:
            return None
        terms.append(term)
    return node.fact.name, tuple(terms)


def _term_of(node: Node) -> Term | None:
    if isinstance(node, Name):
        return Term(node.name)
    if isinstance(node, Unary) and node.op == "not" and isinstance(node.operand, Name):
        return Term(node.operand.name, negated=True)
    if isinstance(node, Binary) and node.op in ("==", "!=") and isinstance(node.left, Name) and _is_string(node.right):
        return Term(node.left.name, str(node.right.value), negated=node.op == "!=")  # type: ignore[attr-defined]
    return None


# --------------------------------------------------------------------------- what a fact offers


def shapes_for(fact: FactSpec) -> list[str]:
    """The builder's shapes that apply to a fact of this type."""
    names = ["count"]
    if fact.type == "measurement":
        names += ["latest", "percent"]
    if fact.type == "periodic":
        names += ["every_month", "every_quarter"]
    if fact.section_field() is not None:
        names.append("every_section")
    if fact.type == "choice":
        names.append("best")
    return names


def terms_for(fact: FactSpec) -> list[Term]:
    """Every term the builder offers for a fact: each flag, each choice of each choice field."""
    terms = [Term(spec.name) for spec in fact.fields.values() if spec.kind == "flag"]
    for spec in fact.fields.values():
        if spec.kind == "choice":
            terms += [Term(spec.name, choice) for choice in spec.choices]
    terms += [Term("option", option) for option in fact.options]
    return terms


# --------------------------------------------------------------------------- check


@dataclass(frozen=True)
class Check:
    """What checking a rule found: ``ok``, or a message at ``column`` (1-based), and what it names
    that the item does not have; the most the line can give."""

    source: str
    ok: bool
    message: str = ""
    column: int | None = None
    unknown: tuple[str, ...] = ()
    maximum: Decimal | None = None
    notes: tuple[str, ...] = ()

    @property
    def maximum_text(self) -> str:
        return _fmt(self.maximum) if self.maximum is not None else ""

    @property
    def before(self) -> str:
        """The text before the problem's column (the marker goes under the next character)."""
        return self.source[: (self.column or 1) - 1]

    @property
    def at(self) -> str:
        return self.source[(self.column or 1) - 1 : (self.column or 1)] or " "

    @property
    def after(self) -> str:
        return self.source[(self.column or 1) :]


def check(
    source: str,
    facts: Mapping[str, FactSpec],
    *,
    kind: str = "when",
    points: Decimal | None = None,
    item_points: Decimal | None = None,
) -> Check:
    """Type-check ``source`` as a line's ``when`` or ``points_from`` against the item's facts."""
    source = " ".join(source.split())
    if len(source) > MAX_RULE_LENGTH:
        message = _("The rule is too long: at most %(limit)d characters.") % {"limit": MAX_RULE_LENGTH}
        return Check(source, False, message, MAX_RULE_LENGTH + 1)
    unknown = tuple(unknown_names(source, facts))
    try:
        if kind == "points_from":
            _fn, maximum = compile_points(source, facts)
        else:
            compile_condition(source, facts)
            maximum = points
    except RuleError as exc:
        return Check(source, False, translate(exc.message), exc.column, unknown)
    except RecursionError:
        return Check(source, False, _("The rule nests too many brackets."), None, unknown)
    notes: list[str] = []
    ok = True
    if maximum is not None and item_points is not None and maximum > item_points:
        ok = False
        notes.append(
            _("The line can give %(line)s, more than the item's %(item)s points.")
            % {"line": _fmt(maximum), "item": _fmt(item_points)}
        )
    return Check(source, ok, "" if ok else notes[0], None, unknown, maximum, tuple(notes))


def unknown_names(source: str, facts: Mapping[str, FactSpec]) -> list[str]:
    """Every fact, field and choice value a rule names that the item does not declare."""
    try:
        tree = parse(source)
        found: list[str] = []
        _walk_unknown(tree, facts, None, found)
    except (RuleError, RecursionError):
        return []
    return list(dict.fromkeys(found))


def _walk_unknown(node: Node, facts: Mapping[str, FactSpec], fact: FactSpec | None, found: list[str]) -> None:
    """Names ``node`` reads that do not exist; ``fact``: inside ``where``, whose record it reads."""
    if isinstance(node, Name):
        if fact is None and node.name not in facts and node.name not in ("sections", "staff"):
            found.append(_("unknown fact %(name)s") % {"name": node.name})
        elif fact is not None and node.name not in _field_names(fact):
            found.append(_("%(fact)s has no field %(name)s") % {"fact": fact.name, "name": node.name})
        return
    if isinstance(node, Where):
        _walk_unknown(node.fact, facts, None, found)
        inner = facts.get(node.fact.name)
        if inner is not None:
            _walk_unknown(node.condition, facts, inner, found)
        return
    if isinstance(node, Binary) and fact is not None and node.op in ("==", "!="):
        for name, other in ((node.left, node.right), (node.right, node.left)):
            choices = _choices(fact, name.name) if isinstance(name, Name) and _is_string(other) else None
            value = str(getattr(other, "value", ""))
            if choices is not None and value not in choices:
                found.append(
                    _('"%(value)s" is not a choice of %(field)s (%(choices)s)')
                    % {"value": value, "field": name.name, "choices": ", ".join(choices)}  # type: ignore[union-attr]
                )
    children: tuple[Node, ...] = ()
    if isinstance(node, Call):
        children = node.args
    elif isinstance(node, Unary):
        children = (node.operand,)
    elif isinstance(node, Binary):
        children = (node.left, node.right)
    for child in children:
        _walk_unknown(child, facts, fact, found)


def _field_names(fact: FactSpec) -> set[str]:
    names = set(fact.fields)
    if fact.type == "measurement":
        names.add("value")
    if fact.type == "choice":
        names |= {"option", "points"}
    return names


def _choices(fact: FactSpec, name: str) -> list[str] | None:
    if name == "option" and fact.type == "choice":
        return list(fact.options)
    spec = fact.fields.get(name)
    return list(spec.choices) if spec is not None and spec.kind == "choice" else None


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --------------------------------------------------------------------------- messages

#: The rule checker's messages (pramern.scoring.rules, English) → a translatable template.
_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"unexpected character (?P<x>.+) \(use '==' to compare\)"),
        N_("unexpected character %(x)s (use == to compare)"),
    ),
    (
        re.compile(r"unexpected character (?P<x>.+) \(use 'and', 'or', 'not'\)"),
        N_("unexpected character %(x)s (use and, or, not)"),
    ),
    (re.compile(r"unexpected character (?P<x>.+)"), N_("unexpected character %(x)s")),
    (re.compile(r"expected (?P<x>'.*') but found (?P<y>.+)"), N_("expected %(x)s but found %(y)s")),
    (re.compile(r"the rule is empty"), N_("the rule is empty")),
    (
        re.compile(r"comparisons cannot be chained: join them with 'and'"),
        N_("comparisons cannot be chained: join them with and"),
    ),
    (re.compile(r"expected a value but found (?P<x>.+)"), N_("expected a value but found %(x)s")),
    (re.compile(r"expected ',' or '\)' but found (?P<x>.+)"), N_("expected , or ) but found %(x)s")),
    (re.compile(r"unexpected (?P<x>.+)"), N_("unexpected %(x)s")),
    (
        re.compile(r"unknown name '(?P<x>\w+)' \(facts of this item: (?P<y>.*); variables: sections, staff\)"),
        N_("unknown name %(x)s (facts of this item: %(y)s; variables: sections, staff)"),
    ),
    (
        re.compile(r"fact '(?P<x>\w+)' has no field '(?P<y>\w+)' \(its fields: (?P<z>.*)\)"),
        N_("fact %(x)s has no field %(y)s (its fields: %(z)s)"),
    ),
    (
        re.compile(r"unknown function '(?P<x>\w+)' \(functions: (?P<y>.*)\)"),
        N_("unknown function %(x)s (functions: %(y)s)"),
    ),
    (re.compile(r"(?P<x>\w+)\(\) cannot be used inside 'where'"), N_("%(x)s() cannot be used inside where")),
    (re.compile(r"'where' cannot be nested"), N_("where cannot be nested")),
    (re.compile(r"'where' needs a fact before it, not '(?P<x>\w+)'"), N_("where needs a fact before it, not %(x)s")),
    (
        re.compile(r"a fact is a list of records: compare count\(\.\.\.\) or another function of it"),
        N_("a fact is a list of records: compare count(...) or another function of it"),
    ),
    (re.compile(r"cannot compare a (?P<x>\w+) with a (?P<y>\w+)"), N_("cannot compare a %(x)s with a %(y)s")),
    (re.compile(r"'(?P<x>.+)' compares numbers, not (?P<y>\w+)s"), N_("%(x)s compares numbers, not %(y)ss")),
    (
        re.compile(r'"(?P<x>.*)" is not one of the choices \((?P<y>.*)\)'),
        N_('"%(x)s" is not one of the choices (%(y)s)'),
    ),
    (re.compile(r"(?P<x>.+) needs an? (?P<y>\w+), not (?P<z>.+)"), N_("%(x)s needs a %(y)s, not %(z)s")),
    (
        re.compile(r"(?P<x>\w+)\(\) takes (?P<y>.+) arguments?, got (?P<z>\d+)"),
        N_("%(x)s() takes %(y)s arguments, got %(z)s"),
    ),
    (
        re.compile(r"(?P<x>\w+)\(\) needs a fact as its first argument"),
        N_("%(x)s() needs a fact as its first argument"),
    ),
    (
        re.compile(r"(?P<x>\w+)\(\) needs a (?P<y>[\w ]+) fact; '(?P<z>\w+)' is a (?P<w>\w+)"),
        N_("%(x)s() needs a %(y)s fact; %(z)s is a %(w)s"),
    ),
    (
        re.compile(r"argument (?P<x>\d+) of (?P<y>\w+)\(\) must be a (?P<z>\w+) written in the rule"),
        N_("argument %(x)s of %(y)s() must be a %(z)s written in the rule"),
    ),
    (
        re.compile(r'"(?P<x>.*)" is not a month: write it as "YYYY-MM" \(Christian era\)'),
        N_('"%(x)s" is not a month: write it as "YYYY-MM" (Christian era)'),
    ),
    (
        re.compile(r'"(?P<x>.*)" is not a date: write it as "YYYY-MM-DD" \(Christian era\)'),
        N_('"%(x)s" is not a date: write it as "YYYY-MM-DD" (Christian era)'),
    ),
    (
        re.compile(r"sections_with\(\) needs a fact with a section field; '(?P<x>\w+)' has none"),
        N_("sections_with() needs a fact with a section field; %(x)s has none"),
    ),
    (
        re.compile(r"distinct\(\) needs a choice, section or text field of '(?P<x>\w+)': (?P<y>.*)"),
        N_("distinct() needs a choice, section or text field of %(x)s: %(y)s"),
    ),
    (
        re.compile(r"(?P<x>\w+)\(\): the last month comes before the first"),
        N_("%(x)s(): the last month comes before the first"),
    ),
    (re.compile(r"on_time\(\): list the deadlines in date order"), N_("on_time(): list the deadlines in date order")),
    (
        re.compile(r"a condition must be true or false, but this rule gives a (?P<x>\w+)"),
        N_("a condition must be true or false, but this rule gives a %(x)s"),
    ),
    (
        re.compile(r"points_from must give a number, but this rule gives a (?P<x>\w+)"),
        N_("points_from must give a number, but this rule gives a %(x)s"),
    ),
    (
        re.compile(r"points_from must have a known maximum: use best\(\.\.\.\), value\(\.\.\.\) or a number"),
        N_("points_from must have a known maximum: use best(...), value(...) or a number"),
    ),
]


def translate(message: str) -> str:
    """A rule checker's message in the user's language (the English one if it is not known)."""
    for pattern, template in _MESSAGES:
        match = pattern.fullmatch(message)
        if match is not None:
            values = {key: _("the end of the rule") if value == "the end of the rule" else value
                      for key, value in match.groupdict().items()}  # fmt: skip
            return _(template) % values
    return message
