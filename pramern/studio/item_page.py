"""What the studio's item editor and tree show: one item of a draft with its lines checked, the
draft's validation as it concerns the item, and the tree of dimensions, sub-dimensions and items."""

from __future__ import annotations

import copy
import dataclasses
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from pramern.scoring import format_points
from pramern.scoring.linetests import run_case
from pramern.scoring.loader import build_facts
from pramern.scoring.model import FactSpec
from pramern.scoring.rules import RuleError, compile_condition, compile_points
from pramern.scoring.yamlio import load_text
from pramern.studio import conditions, edits
from pramern.studio.conditions import Check
from pramern.studio.models import DraftRevision, FrameworkDraft
from pramern.studio.services import DraftCheck, LineTestOutcome, check_text


@dataclass(frozen=True)
class LineRow:
    id: str
    round: str
    kind: str  # when | points_from
    source: str
    points: Decimal | None  # what the line can give (points, or the known maximum of points_from)
    data: dict[str, Any]
    check: Check
    tests: tuple[LineTestOutcome, ...] = ()

    @property
    def facts_read(self) -> dict[str, list[str]]:
        """The facts this line's rule reads, each with the fields it reads of them."""
        found: dict[str, list[str]] = {}
        for fact, field_name in sorted(edits.references(self.source), key=lambda ref: (ref[0], ref[1] or "")):
            fields = found.setdefault(fact, [])
            if field_name is not None:
                fields.append(field_name)
        return found

    @property
    def tests_passed(self) -> int:
        return sum(1 for test in self.tests if test.passed)

    @property
    def failing_tests(self) -> list[LineTestOutcome]:
        return [test for test in self.tests if not test.passed]

    @property
    def points_text(self) -> str:
        return format_points(self.points) if self.points is not None else "?"


@dataclass(frozen=True)
class RoundRow:
    code: str
    title_th: str
    title_en: str
    item_potential: Decimal
    framework_potential: Decimal | None

    @property
    def item_text(self) -> str:
        return format_points(self.item_potential)

    @property
    def framework_text(self) -> str:
        return format_points(self.framework_potential) if self.framework_potential is not None else ""


@dataclass
class ItemPage:
    draft: FrameworkDraft
    revision: int
    document: dict[str, Any]
    item: dict[str, Any]
    code: str
    parents: list[str]
    facts: dict[str, FactSpec]
    fact_problems: list[str]
    lines: list[LineRow]
    check: DraftCheck
    problems: list[str] = field(default_factory=list)
    rounds: list[RoundRow] = field(default_factory=list)

    @property
    def item_points(self) -> Decimal:
        return _decimal(self.item.get("points"))

    @property
    def lines_total(self) -> Decimal:
        return sum((line.points or Decimal(0) for line in self.lines), Decimal(0))

    @property
    def lines_reach_points(self) -> bool:
        return self.lines_total >= self.item_points

    @property
    def item_points_text(self) -> str:
        return format_points(self.item_points)

    @property
    def lines_total_text(self) -> str:
        return format_points(self.lines_total)

    @property
    def round_codes(self) -> list[str]:
        return [str(r.get("code")) for r in self.document.get("rounds") or [] if isinstance(r, dict)]


def item_facts(document: Any, code: str) -> tuple[dict[str, FactSpec], list[str]]:
    """The facts an item declares (for checking its rules), with the problems in them."""
    item = edits.find_item(document, code)
    return build_facts(item.get("facts") or {}, f"item {code}")


def check_line(
    line: dict[str, Any], facts: dict[str, FactSpec], item_points: Decimal | None
) -> tuple[str, str, Decimal | None, Check]:
    """A line's rule checked against the item's facts: (kind, source, what it can give, check)."""
    kind = "points_from" if "points_from" in line else "when"
    source = str(line.get(kind) or "")
    points = _decimal(line.get("points")) if kind == "when" else None
    result = conditions.check(source, facts, kind=kind, points=points, item_points=item_points)
    return kind, source, result.maximum, result


@functools.lru_cache(maxsize=16)
def _loaded(source: str, name: str, language: str | None) -> tuple[Any, DraftCheck]:
    # Reading FY2567's text takes ~0.2 s and checking it as much again; a revision's text never
    # changes, so each page of the editor reads and checks one revision once per process.
    return load_text(source, name), check_text(source, name)


def revision_state(draft: FrameworkDraft) -> tuple[DraftRevision, dict[str, Any], DraftCheck]:
    """The newest revision, its document (a fresh copy, the caller's to change) and its check."""
    revision = draft.current_revision()
    # the check's messages (line tests' explanations) are in the active language
    document, check = _loaded(revision.source, f"{draft.code}-{draft.version}.yaml", get_language())
    return revision, copy.deepcopy(document), check


def item_page(draft: FrameworkDraft, code: str) -> ItemPage:
    """The item ``code`` of the draft's newest revision (``EditError`` if it is not an item)."""
    revision, document, check = revision_state(draft)
    item = edits.find_item(document, code)
    facts, fact_problems = item_facts(document, code)
    item_points = _decimal(item.get("points"))
    rows = []
    for line in item.get("lines") or []:
        kind, source, points, result = check_line(line, facts, item_points)
        ident = str(line.get("id"))
        tests = tuple(test for test in check.line_tests if test.item == code and test.line == ident)
        rows.append(LineRow(ident, str(line.get("round")), kind, source, points, line, result, tests))
    parents = _parents(document, code)
    page = ItemPage(draft, revision.number, document, item, code, parents, facts, fact_problems, rows, check)
    page.problems = problems_about(check, [code, *parents])
    page.rounds = _rounds(document, rows, item_points, check)
    return page


@dataclass(frozen=True)
class LiveTest:
    """A line test run on the rule as typed."""

    label: str
    passed: bool
    message: str


def live_line_tests(
    check: DraftCheck, code: str, line_id: str, kind: str, source: str, points: Decimal | None
) -> list[LiveTest]:
    """The line's tests run on the rule as typed (the saved revision must compile; the rest of the
    item as saved): what a save would make of them. Empty when there is nothing to run."""
    compiled = check.compiled
    item = compiled.items_by_code.get(code) if compiled is not None else None
    line = next((ln for ln in item.lines if ln.id == line_id), None) if item is not None else None
    if compiled is None or item is None or line is None or not line.tests:
        return []
    try:
        if kind == "points_from":
            function, bound = compile_points(source, item.facts)
            typed = dataclasses.replace(line, condition=None, points_from=function, points=bound, source=source)
        else:
            condition = compile_condition(source, item.facts)
            typed = dataclasses.replace(
                line, condition=condition, points_from=None, points=points or line.points, source=source
            )
    except (RuleError, RecursionError):
        return []
    alone = dataclasses.replace(item, lines=tuple(typed if existing is line else existing for existing in item.lines))
    framework = dataclasses.replace(compiled, dimensions=(), items_by_code={code: alone})
    language = "en" if (get_language() or "th").startswith("en") else "th"
    out = []
    for case in typed.tests:
        result = run_case(framework, alone, typed, case)
        out.append(LiveTest(result.case_label, result.passed, result.message(language)))
    return out


def problems_about(check: DraftCheck, codes: list[str]) -> list[str]:
    """The checker's problems that name one of ``codes`` (an item, its sub-dimension, its dimension)."""
    wanted = tuple(f"{kind} {code}:" for code in codes for kind in ("item", "group", "dimension"))
    return [problem for problem in check.problems if any(f" {w}" in problem for w in wanted)]


def _parents(document: Any, code: str) -> list[str]:
    parents = []
    place = edits.locate(document, code)
    while place.parent is not None:
        parent_code = str(place.parent["code"])
        parents.append(parent_code)
        place = edits.locate(document, parent_code)
    return parents


def _rounds(document: Any, rows: list[LineRow], item_points: Decimal, check: DraftCheck) -> list[RoundRow]:
    framework = {r.code: r.potential for r in check.rounds}
    out = []
    total = Decimal(0)
    for rnd in document.get("rounds") or []:
        if not isinstance(rnd, dict):
            continue
        code = str(rnd.get("code"))
        total += sum((row.points or Decimal(0) for row in rows if row.round == code), Decimal(0))
        out.append(
            RoundRow(
                code,
                str(rnd.get("title_th", code)),
                str(rnd.get("title_en", code)),
                min(total, item_points),
                framework.get(code),
            )
        )
    return out


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None and not isinstance(value, bool) else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class TreeRow:
    code: str
    kind: str  # dimension | group | item
    depth: int
    title_th: str
    title_en: str
    points: str
    parent: str | None
    first: bool
    last: bool
    targets: tuple[tuple[str, str], ...] = ()  # where "move under" may take it: (code, label)


def tree_rows(document: Any) -> list[TreeRow]:
    """Every dimension, sub-dimension and item in order, with what the tree's buttons need."""
    rows: list[TreeRow] = []

    def visit(nodes: list[Any], parent: dict[str, Any] | None, depth: int) -> None:
        for index, node in enumerate(nodes):
            if not isinstance(node, dict):
                continue
            kind = edits.kind_of(node, parent)
            rows.append(
                TreeRow(
                    str(node.get("code")),
                    kind,
                    depth,
                    str(node.get("title_th", "")),
                    str(node.get("title_en", "")),
                    format_points(_decimal(node.get("points"))),
                    str(parent["code"]) if parent is not None else None,
                    index == 0,
                    index == len(nodes) - 1,
                )
            )
            if "items" in node and isinstance(node["items"], list):
                visit(node["items"], node, depth + 1)

    visit(document.get("dimensions") or [], None, 0)
    dimensions = tuple((r.code, f"{r.code} {r.title_th}") for r in rows if r.kind == "dimension")
    parents = tuple((r.code, f"{r.code} {r.title_th}") for r in rows if r.kind in ("dimension", "group"))
    return [
        dataclasses.replace(
            row,
            targets=tuple(
                (code, label)
                for code, label in (dimensions if row.kind == "group" else parents)
                if code != row.parent and code != row.code
            ),
        )
        if row.kind != "dimension"
        else row
        for row in rows
    ]


def parent_choices(document: Any) -> list[tuple[str, str]]:
    """Dimensions and sub-dimensions, as (code, label), for 'move to' and 'add under'."""
    return [
        (row.code, f"{row.code} {row.title_th}") for row in tree_rows(document) if row.kind in ("dimension", "group")
    ]
