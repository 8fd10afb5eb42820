"""Line tests: run the example cases a framework file attaches to its lines (``tests:``).

Each case is a synthetic unit holding a few records for the line's item; the line must give
exactly ``expect`` points in the case's round (Decimal equality, no tolerance). The loader has
already checked and parsed the cases, so running them is the plain engine and takes
milliseconds: the studio runs them on every validation and refuses to publish while one fails,
and ``pramern framework check`` exits 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from pramern.scoring.engine import score
from pramern.scoring.loader import format_points
from pramern.scoring.model import Assessment, Framework, Item, Line, LineCase, Section, Unit

#: The synthetic unit every case is scored as.
CASE_UNIT = Unit("line-test", "หน่วยงานทดสอบ", "Line-test unit")


@dataclass(frozen=True, slots=True)
class LineTestResult:
    """One case of one line: what it expected, what the line gave, and why (when it fails)."""

    item_code: str
    line_id: str
    index: int
    name: str
    round_code: str
    expected: Decimal
    got: Decimal
    #: The line's explanation in that round (what it awards, or what is missing), Thai and English.
    explanation_th: str
    explanation_en: str

    @property
    def passed(self) -> bool:
        return self.got == self.expected

    @property
    def case_label(self) -> str:
        """``tests[0]`` or ``tests[0] (two follow-ups, both presented)``."""
        return f"tests[{self.index}] ({self.name})" if self.name else f"tests[{self.index}]"

    def message(self, language: str = "en") -> str:
        """One readable line: item, line, case, round, expected vs got and, on failure, the explanation."""
        where = f"item {self.item_code}: line {self.line_id}: {self.case_label}, {self.round_code}"
        if self.passed:
            return f"{where}: {format_points(self.got)} as expected"
        explanation = self.explanation_th if language == "th" else self.explanation_en
        return f"{where}: expected {format_points(self.expected)}, got {format_points(self.got)} ({explanation})"


@dataclass(frozen=True, slots=True)
class LineTestReport:
    """Every case of every line of a framework, in the file's order."""

    results: tuple[LineTestResult, ...]

    @property
    def passed(self) -> tuple[LineTestResult, ...]:
        return tuple(r for r in self.results if r.passed)

    @property
    def failed(self) -> tuple[LineTestResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def ok(self) -> bool:
        """True when no case fails (also when there are none)."""
        return all(r.passed for r in self.results)

    def for_line(self, item_code: str, line_id: str) -> tuple[LineTestResult, ...]:
        return tuple(r for r in self.results if r.item_code == item_code and r.line_id == line_id)

    def summary(self) -> str:
        return f"line tests: {len(self.passed)} passed, {len(self.failed)} failed"

    def __iter__(self) -> Iterator[LineTestResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


def run_line_tests(framework: Framework) -> LineTestReport:
    """Run every case of every line of ``framework``."""
    results: list[LineTestResult] = []
    for item in framework.items:
        cases = [(line, case) for line in item.lines for case in line.tests]
        if cases:
            alone = _item_alone(framework, item)
            results.extend(run_case(alone, item, line, case) for line, case in cases)
    return LineTestReport(tuple(results))


def _item_alone(framework: Framework, item: Item) -> Framework:
    """``framework`` reduced to one item: a case has records for its item only, so scoring the
    other items would only give zeros (and take ten times as long)."""
    return replace(framework, dimensions=(), items_by_code={item.code: item})


def run_case(framework: Framework, item: Item, line: Line, case: LineCase) -> LineTestResult:
    """Score one case: a unit with only the case's records, in the case's round."""
    assessment = Assessment(
        framework_code=framework.code,
        framework_version=framework.version,
        unit=CASE_UNIT,
        staff_count=case.staff_count,
        sections=tuple(Section(code, code) for code in case.sections),
        records={item.code: case.records},
    )
    result = score(framework, assessment, case.round.code)
    line_result = next(r for r in result.items[item.code].lines if r.line is line)
    return LineTestResult(
        item_code=item.code,
        line_id=line.id,
        index=case.index,
        name=case.name,
        round_code=case.round.code,
        expected=case.expect,
        got=line_result.points,
        explanation_th=line_result.explanation_th,
        explanation_en=line_result.explanation_en,
    )
