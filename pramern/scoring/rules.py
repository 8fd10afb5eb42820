"""The rule language: a small, safe expression language for scoring conditions.

A rule is parsed, type-checked against the item's declared facts and compiled into Python
closures once, when the framework is loaded. Nothing is ever passed to ``eval``/``exec``:
the only things a rule can do are the operators and functions defined here.

Grammar (``docs/rules.md`` has the reference with examples)::

    rule     := or
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | compare
    compare  := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum      := product (("+" | "-") product)*
    product  := unary ("*" unary)*
    unary    := "-" unary | primary
    primary  := NUMBER | STRING | "true" | "false" | NAME | call | "(" rule ")"
    call     := NAME "(" [arg ("," arg)*] ")"
    arg      := NAME "where" rule      # records of a fact, filtered per record
              | rule
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pramern.scoring.model import Compiled, FactSpec, FieldSpec, Record, Text

__all__ = ["FUNCTIONS", "EvalContext", "RuleError", "compile_condition", "compile_points"]


class RuleError(Exception):
    """A rule that does not parse or does not type-check; ``column`` is 1-based."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message = message
        self.column = column
        super().__init__(f"column {column}: {message}" if column is not None else message)


@dataclass(slots=True)
class EvalContext:
    """What a line rule sees: the round, the unit's sections and staff, windowed records."""

    round: Any  # model.Round (kept loose to avoid an import cycle in type-only use)
    sections: tuple[str, ...]
    staff: int
    basis: str  # "self": claimed values; "verified": evaluator's values
    records: Mapping[str, Sequence[Record]]


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"[^"\n]*"|'[^'\n]*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|[<>+\-*(),])
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset({"and", "or", "not", "where", "true", "false"})


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number | string | name | keyword | op | end
    text: str
    column: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            char = source[pos]
            hint = " (use 'and', 'or', 'not')" if char in "&|!" else ""
            if char == "=":
                hint = " (use '==' to compare)"
            raise RuleError(f"unexpected character {char!r}{hint}", pos + 1)
        kind = match.lastgroup or ""
        text = match.group()
        if kind != "space":
            if kind == "name" and text in _KEYWORDS:
                kind = "keyword"
            tokens.append(Token(kind, text, pos + 1))
        pos = match.end()
    tokens.append(Token("end", "", len(source) + 1))
    return tokens


# --------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True, slots=True)
class Node:
    column: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: object  # int | Fraction | str | bool


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Where(Node):
    fact: Name
    condition: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.pos = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, *texts: str) -> Token | None:
        token = self.current
        if token.kind in ("op", "keyword") and token.text in texts:
            self.pos += 1
            return token
        return None

    def expect(self, text: str) -> Token:
        token = self.accept(text)
        if token is None:
            raise RuleError(f"expected {text!r} but found {self.describe(self.current)}", self.current.column)
        return token

    @staticmethod
    def describe(token: Token) -> str:
        return "the end of the rule" if token.kind == "end" else repr(token.text)

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise RuleError("the rule is empty", 1)
        node = self.parse_or()
        if self.current.kind != "end":
            raise RuleError(f"unexpected {self.describe(self.current)}", self.current.column)
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while token := self.accept("or"):
            node = Binary(token.column, "or", node, self.parse_and())
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while token := self.accept("and"):
            node = Binary(token.column, "and", node, self.parse_not())
        return node

    def parse_not(self) -> Node:
        if token := self.accept("not"):
            return Unary(token.column, "not", self.parse_not())
        return self.parse_compare()

    def parse_compare(self) -> Node:
        node = self.parse_sum()
        if token := self.accept("<", "<=", ">", ">=", "==", "!="):
            node = Binary(token.column, token.text, node, self.parse_sum())
            if self.current.text in ("<", "<=", ">", ">=", "==", "!="):
                raise RuleError("comparisons cannot be chained: join them with 'and'", self.current.column)
        return node

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while token := self.accept("+", "-"):
            node = Binary(token.column, token.text, node, self.parse_product())
        return node

    def parse_product(self) -> Node:
        node = self.parse_unary()
        while token := self.accept("*"):
            node = Binary(token.column, "*", node, self.parse_unary())
        return node

    def parse_unary(self) -> Node:
        if token := self.accept("-"):
            return Unary(token.column, "-", self.parse_unary())
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            value: int | Fraction = int(token.text) if "." not in token.text else Fraction(token.text)
            return Literal(token.column, value)
        if token.kind == "string":
            self.advance()
            return Literal(token.column, token.text[1:-1])
        if token.kind == "keyword" and token.text in ("true", "false"):
            self.advance()
            return Literal(token.column, token.text == "true")
        if token.kind == "name":
            self.advance()
            if self.accept("("):
                return Call(token.column, token.text, self.parse_args())
            return Name(token.column, token.text)
        if self.accept("("):
            node = self.parse_or()
            self.expect(")")
            return node
        raise RuleError(f"expected a value but found {self.describe(token)}", token.column)

    def parse_args(self) -> tuple[Node, ...]:
        args: list[Node] = []
        if self.accept(")"):
            return ()
        while True:
            args.append(self.parse_arg())
            if self.accept(")"):
                return tuple(args)
            if not self.accept(","):
                found = self.describe(self.current)
                raise RuleError(f"expected ',' or ')' but found {found}", self.current.column)

    def parse_arg(self) -> Node:
        token = self.current
        if token.kind == "name" and self.tokens[self.pos + 1].text == "where":
            self.pos += 2
            return Where(token.column, Name(token.column, token.text), self.parse_or())
        return self.parse_or()


def parse(source: str) -> Node:
    """Parse a rule into its syntax tree, or raise ``RuleError`` naming the column."""
    return _Parser(source).parse()


# --------------------------------------------------------------------------- type check + compile

NUMBER, BOOL, STRING, RECORDS = "number", "bool", "string", "records"


@dataclass(frozen=True, slots=True)
class Typed:
    """A compiled sub-expression: its type, its closure and what is known statically."""

    type: str
    fn: Compiled
    fact: FactSpec | None = None  # for RECORDS
    bound: Fraction | None = None  # largest value a NUMBER can take, when known
    literal: object = None  # the value of a literal (for function arguments)
    is_literal: bool = False
    choices: Mapping[str, object] | None = None  # for a STRING read from a choice field


class _Scope:
    """Names a rule may use: facts and unit variables, or (inside ``where``) record fields."""

    def __init__(
        self,
        facts: Mapping[str, FactSpec],
        fields: Mapping[str, FieldSpec] | None = None,
        fact: FactSpec | None = None,
    ) -> None:
        self.facts = facts
        self.fields = fields
        self.fact = fact

    def lookup(self, node: Name) -> Typed:
        name = node.name
        if self.fields is not None:
            return self._lookup_field(node)
        if name in self.facts:
            fact = self.facts[name]
            return Typed(RECORDS, lambda ctx: ctx.records.get(name, ()), fact=fact)
        if name == "sections":
            return Typed(NUMBER, lambda ctx: len(ctx.sections))
        if name == "staff":
            return Typed(NUMBER, lambda ctx: ctx.staff)
        known = ", ".join(sorted(self.facts)) or "none"
        raise RuleError(f"unknown name {name!r} (facts of this item: {known}; variables: sections, staff)", node.column)

    def _lookup_field(self, node: Name) -> Typed:
        assert self.fields is not None and self.fact is not None
        name = node.name
        spec = self.fields.get(name)
        if spec is None:
            known = ", ".join(sorted(self.fields)) or "none"
            raise RuleError(f"fact {self.fact.name!r} has no field {name!r} (its fields: {known})", node.column)

        def read(record: Record) -> Any:
            return record.fields.get(name)

        if spec.kind == "flag":
            return Typed(BOOL, lambda record: bool(record.fields.get(name)))
        if spec.kind in ("choice", "section", "text"):
            return Typed(STRING, read, choices=spec.choices if spec.kind == "choice" else None)
        return Typed(NUMBER, lambda record: record.fields.get(name) or 0)


def _record_fields(fact: FactSpec) -> dict[str, FieldSpec]:
    """The fields a ``where`` filter may read on a record of ``fact``."""
    fields = dict(fact.fields)
    if fact.type == "measurement":
        fields["value"] = FieldSpec("value", "number", Text("ค่า", "value"))
    if fact.type == "choice":
        options = {code: option.label for code, option in fact.options.items()}
        fields["option"] = FieldSpec("option", "choice", Text("ตัวเลือก", "option"), choices=options)
        fields["points"] = FieldSpec("points", "number", Text("คะแนน", "points"))
    return fields


def _compile(node: Node, scope: _Scope) -> Typed:
    if isinstance(node, Literal):
        value = node.value
        if isinstance(value, bool):
            return Typed(BOOL, lambda _: value, literal=value, is_literal=True)
        if isinstance(value, str):
            return Typed(STRING, lambda _: value, literal=value, is_literal=True)
        assert isinstance(value, (int, Fraction))
        return Typed(NUMBER, lambda _: value, bound=Fraction(value), literal=value, is_literal=True)
    if isinstance(node, Name):
        return scope.lookup(node)
    if isinstance(node, Where):
        return _compile_where(node, scope)
    if isinstance(node, Call):
        function = FUNCTIONS.get(node.name)
        if function is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise RuleError(f"unknown function {node.name!r} (functions: {known})", node.column)
        if scope.fields is not None:
            raise RuleError(f"{node.name}() cannot be used inside 'where'", node.column)
        args = [_compile(arg, scope) for arg in node.args]
        return function(node, args)
    if isinstance(node, Unary):
        operand = _compile(node.operand, scope)
        if node.op == "not":
            _require(operand, BOOL, "'not'", node.operand)
            inner = operand.fn
            return Typed(BOOL, lambda env: not inner(env))
        _require(operand, NUMBER, "'-'", node.operand)
        inner_number = operand.fn
        return Typed(NUMBER, lambda env: -inner_number(env))
    if isinstance(node, Binary):
        return _compile_binary(node, scope)
    raise RuleError("unsupported expression", node.column)  # pragma: no cover


def _compile_where(node: Where, scope: _Scope) -> Typed:
    if scope.fields is not None:
        raise RuleError("'where' cannot be nested", node.column)
    base = scope.lookup(node.fact)
    if base.type != RECORDS or base.fact is None:
        raise RuleError(f"'where' needs a fact before it, not {node.fact.name!r}", node.column)
    fact = base.fact
    condition = _compile(node.condition, _Scope(scope.facts, _record_fields(fact), fact))
    _require(condition, BOOL, "the condition after 'where'", node.condition)
    records, keep = base.fn, condition.fn
    return Typed(RECORDS, lambda ctx: [r for r in records(ctx) if keep(r)], fact=fact)


def _compile_binary(node: Binary, scope: _Scope) -> Typed:
    left = _compile(node.left, scope)
    right = _compile(node.right, scope)
    lf, rf = left.fn, right.fn
    op = node.op
    if op in ("and", "or"):
        _require(left, BOOL, f"'{op}'", node.left)
        _require(right, BOOL, f"'{op}'", node.right)
        if op == "and":
            return Typed(BOOL, lambda env: bool(lf(env)) and bool(rf(env)))
        return Typed(BOOL, lambda env: bool(lf(env)) or bool(rf(env)))
    if op in ("+", "-", "*"):
        _require(left, NUMBER, f"'{op}'", node.left)
        _require(right, NUMBER, f"'{op}'", node.right)
        if op == "+":
            return Typed(NUMBER, lambda env: lf(env) + rf(env))
        if op == "-":
            return Typed(NUMBER, lambda env: lf(env) - rf(env))
        return Typed(NUMBER, lambda env: lf(env) * rf(env))
    # comparisons
    if left.type == RECORDS or right.type == RECORDS:
        bad = node.left if left.type == RECORDS else node.right
        raise RuleError("a fact is a list of records: compare count(...) or another function of it", bad.column)
    if left.type != right.type:
        raise RuleError(f"cannot compare a {left.type} with a {right.type}", node.column)
    if op not in ("==", "!=") and left.type != NUMBER:
        raise RuleError(f"'{op}' compares numbers, not {left.type}s", node.column)
    for side, other, other_node in ((left, right, node.right), (right, left, node.left)):
        if side.choices is not None and other.is_literal and other.literal not in side.choices:
            known = ", ".join(f'"{c}"' for c in side.choices)
            raise RuleError(f'"{other.literal}" is not one of the choices ({known})', other_node.column)
    comparisons: dict[str, Callable[[Any, Any], bool]] = {
        "==": lambda a, b: bool(a == b),
        "!=": lambda a, b: bool(a != b),
        "<": lambda a, b: bool(a < b),
        "<=": lambda a, b: bool(a <= b),
        ">": lambda a, b: bool(a > b),
        ">=": lambda a, b: bool(a >= b),
    }
    compare = comparisons[op]
    return Typed(BOOL, lambda env: compare(lf(env), rf(env)))


def _require(typed: Typed, wanted: str, what: str, node: Node) -> None:
    if typed.type != wanted:
        article = "an" if wanted[0] in "aeiou" else "a"
        found = "a fact (a list of records)" if typed.type == RECORDS else f"a {typed.type}"
        raise RuleError(f"{what} needs {article} {wanted}, not {found}", node.column)


# --------------------------------------------------------------------------- functions

Function = Callable[[Call, list[Typed]], Typed]
FUNCTIONS: dict[str, Function] = {}


def _function(name: str) -> Callable[[Function], Function]:
    def register(fn: Function) -> Function:
        FUNCTIONS[name] = fn
        return fn

    return register


def _arity(call: Call, args: list[Typed], count: int, *, at_least: bool = False) -> None:
    if (len(args) < count) if at_least else (len(args) != count):
        expected = f"at least {count}" if at_least else str(count)
        plural = "" if count == 1 else "s"
        raise RuleError(f"{call.name}() takes {expected} argument{plural}, got {len(args)}", call.column)


def _records_arg(call: Call, args: list[Typed], types: tuple[str, ...] | None = None) -> Typed:
    first = args[0]
    if first.type != RECORDS or first.fact is None:
        raise RuleError(f"{call.name}() needs a fact as its first argument", call.args[0].column)
    if types is not None and first.fact.type not in types:
        wanted = " or ".join(types)
        raise RuleError(
            f"{call.name}() needs a {wanted} fact; {first.fact.name!r} is a {first.fact.type}",
            call.args[0].column,
        )
    return first


def _literal_arg(call: Call, args: list[Typed], index: int, kind: str) -> object:
    arg = args[index]
    if not arg.is_literal or arg.type != kind:
        raise RuleError(
            f"argument {index + 1} of {call.name}() must be a {kind} written in the rule", call.args[index].column
        )
    return arg.literal


def _month_arg(call: Call, args: list[Typed], index: int) -> tuple[int, int]:
    text = str(_literal_arg(call, args, index, STRING))
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise RuleError(f'"{text}" is not a month: write it as "YYYY-MM" (Christian era)', call.args[index].column)
    return int(match.group(1)), int(match.group(2))


def _date_arg(call: Call, args: list[Typed], index: int) -> dt.date:
    text = str(_literal_arg(call, args, index, STRING))
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RuleError(
            f'"{text}" is not a date: write it as "YYYY-MM-DD" (Christian era)', call.args[index].column
        ) from None


@_function("count")
def _count(call: Call, args: list[Typed]) -> Typed:
    """count(fact [where ...]): the number of records in the round's window."""
    _arity(call, args, 1)
    records = _records_arg(call, args).fn
    return Typed(NUMBER, lambda ctx: len(records(ctx)))


@_function("sections_with")
def _sections_with(call: Call, args: list[Typed]) -> Typed:
    """sections_with(fact [where ...], n): how many of the unit's sections have >= n records."""
    _arity(call, args, 2)
    first = _records_arg(call, args)
    assert first.fact is not None
    section = first.fact.section_field()
    if section is None:
        raise RuleError(
            f"sections_with() needs a fact with a section field; {first.fact.name!r} has none", call.args[0].column
        )
    minimum = _literal_arg(call, args, 1, NUMBER)
    assert isinstance(minimum, (int, Fraction))
    records = first.fn

    def sections_with(ctx: EvalContext) -> int:
        per_section = Counter(r.fields.get(section) for r in records(ctx))
        return sum(1 for s in ctx.sections if per_section[s] >= minimum)

    return Typed(NUMBER, sections_with)


def _latest_value(records: Sequence[Record], name: str) -> Any:
    # Records are kept sorted by date, so the last one is the latest inside the window.
    return records[-1].fields.get(name) if records else None


@_function("distinct")
def _distinct(call: Call, args: list[Typed]) -> Typed:
    """distinct(fact [where ...], "field"): how many different values the field takes."""
    _arity(call, args, 2)
    first = _records_arg(call, args)
    assert first.fact is not None
    name = str(_literal_arg(call, args, 1, STRING))
    fields = _record_fields(first.fact)
    if name not in fields or fields[name].kind not in ("choice", "section", "text"):
        known = ", ".join(n for n, f in fields.items() if f.kind in ("choice", "section", "text")) or "none"
        raise RuleError(
            f"distinct() needs a choice, section or text field of {first.fact.name!r}: {known}", call.args[1].column
        )
    records = first.fn
    return Typed(NUMBER, lambda ctx: len({r.fields.get(name) for r in records(ctx)} - {None, ""}))


@_function("latest")
def _latest(call: Call, args: list[Typed]) -> Typed:
    """latest(measurement): the value of the latest measurement inside the window, or 0."""
    _arity(call, args, 1)
    records = _records_arg(call, args, ("measurement",)).fn
    return Typed(NUMBER, lambda ctx: _latest_value(records(ctx), "value") or 0)


@_function("percent_of_staff")
def _percent_of_staff(call: Call, args: list[Typed]) -> Typed:
    """percent_of_staff(measurement): latest value as a percentage of the round's staff count."""
    _arity(call, args, 1)
    records = _records_arg(call, args, ("measurement",)).fn

    def percent(ctx: EvalContext) -> Fraction:
        value = _latest_value(records(ctx), "value") or 0
        return Fraction(value * 100, ctx.staff) if ctx.staff > 0 else Fraction(0)

    return Typed(NUMBER, percent)


@_function("best")
def _best(call: Call, args: list[Typed]) -> Typed:
    """best(choice): the points of the highest-scoring record (only the highest counts)."""
    _arity(call, args, 1)
    first = _records_arg(call, args, ("choice",))
    assert first.fact is not None
    records = first.fn
    bound = max((Fraction(o.max_points) for o in first.fact.options.values()), default=Fraction(0))
    return Typed(NUMBER, lambda ctx: max((r.fields["points"] for r in records(ctx)), default=0), bound=bound)


@_function("value")
def _value(call: Call, args: list[Typed]) -> Typed:
    """value(judgement): the latest judgement in the window: claimed (self) or verified."""
    _arity(call, args, 1)
    first = _records_arg(call, args, ("judgement",))
    assert first.fact is not None
    records = first.fn
    bound = Fraction(first.fact.maximum) if first.fact.maximum is not None else None

    def judged(ctx: EvalContext) -> Any:
        field = "verified" if ctx.basis == "verified" else "claimed"
        return _latest_value(records(ctx), field) or 0

    return Typed(NUMBER, judged, bound=bound)


def _months_between(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    months = []
    year, month = start
    while (year, month) <= end:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@_function("every_month")
def _every_month(call: Call, args: list[Typed]) -> Typed:
    """every_month(periodic, "YYYY-MM", "YYYY-MM"): a record covers every month in the range."""
    _arity(call, args, 3)
    records = _records_arg(call, args, ("periodic",)).fn
    start, end = _month_arg(call, args, 1), _month_arg(call, args, 2)
    if end < start:
        raise RuleError("every_month(): the last month comes before the first", call.args[2].column)
    wanted = frozenset(_months_between(start, end))
    return Typed(BOOL, lambda ctx: wanted <= {r.fields["covers"] for r in records(ctx)})


def _fiscal_quarter(year: int, month: int) -> tuple[int, int]:
    """(fiscal year CE, quarter): Thai government fiscal years start on 1 October."""
    return (year + 1, 1) if month >= 10 else (year, (month + 2) // 3 + 1)


@_function("every_quarter")
def _every_quarter(call: Call, args: list[Typed]) -> Typed:
    """every_quarter(periodic, "YYYY-MM", "YYYY-MM"): each fiscal quarter in the range is covered."""
    _arity(call, args, 3)
    records = _records_arg(call, args, ("periodic",)).fn
    start, end = _month_arg(call, args, 1), _month_arg(call, args, 2)
    if end < start:
        raise RuleError("every_quarter(): the last month comes before the first", call.args[2].column)
    wanted = frozenset(_fiscal_quarter(y, m) for y, m in _months_between(start, end))
    return Typed(BOOL, lambda ctx: wanted <= {_fiscal_quarter(*r.fields["covers"]) for r in records(ctx)})


@_function("on_time")
def _on_time(call: Call, args: list[Typed]) -> Typed:
    """on_time(fact, "YYYY-MM-DD", ...): a record before each deadline that falls by the cut-off.

    Deadline *i* is met by a record dated after deadline *i-1* and on or before deadline *i*.
    Deadlines after the round's cut-off cannot be checked yet and are skipped; at least one
    deadline must be due.
    """
    _arity(call, args, 2, at_least=True)
    records = _records_arg(call, args).fn
    deadlines = [_date_arg(call, args, i) for i in range(1, len(args))]
    if deadlines != sorted(deadlines):
        raise RuleError("on_time(): list the deadlines in date order", call.args[1].column)
    periods = list(zip([dt.date.min, *deadlines[:-1]], deadlines, strict=True))

    def on_time(ctx: EvalContext) -> bool:
        due = [(after, by) for after, by in periods if by <= ctx.round.cutoff]
        dates = [r.date for r in records(ctx)]
        return bool(due) and all(any(after < d <= by for d in dates) for after, by in due)

    return Typed(BOOL, on_time)


# --------------------------------------------------------------------------- entry points


def compile_condition(source: str, facts: Mapping[str, FactSpec]) -> Compiled:
    """Compile a line's ``when`` rule into a closure ``EvalContext -> bool``."""
    typed = _compile(parse(source), _Scope(facts))
    if typed.type != BOOL:
        raise RuleError(f"a condition must be true or false, but this rule gives a {typed.type}", 1)
    return typed.fn


def compile_points(source: str, facts: Mapping[str, FactSpec]) -> tuple[Compiled, Decimal]:
    """Compile a ``points_from`` rule into a closure ``EvalContext -> number`` and its maximum."""
    typed = _compile(parse(source), _Scope(facts))
    if typed.type != NUMBER:
        raise RuleError(f"points_from must give a number, but this rule gives a {typed.type}", 1)
    if typed.bound is None:
        raise RuleError("points_from must have a known maximum: use best(...), value(...) or a number", 1)
    bound = typed.bound
    return typed.fn, Decimal(bound.numerator) / Decimal(bound.denominator)
