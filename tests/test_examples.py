"""The shipped example assessments score exactly as worked out by hand, item by item."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pramern.scoring import load_assessment, score
from tests.conftest import EXAMPLES

# item -> (R6, R12); items not listed score 0 in both rounds.
STRONG = {
    "1.1.1": (2, 2), "1.1.2": (1, 2), "1.1.3": (0, 2), "1.1.4": (1, 4),
    "1.2.1": (4, 4), "1.2.2": (1, 2), "1.2.3": (0, 1),
    "1.3.1": (4, 4), "1.3.2": (1, 2), "1.3.3": (0, 2),
    "2.1": (2, 2), "2.2": (1, 2), "2.3": (2, 2),
    "3.1": (2, 4), "3.2": (2, 2), "3.3": (1, 2),
    "4.1.1": (2, 4), "4.2.1": (2, 2), "4.2.2": (1, 2), "4.2.3": (0, 6), "4.2.4": (0.5, 2),
    "5.1": (0.5, 2), "5.2": (1, 2), "5.3": (1, 1), "5.4": (2, 2), "5.5": (0, 2),
    "6.1": (2, 4), "6.2": (0, 2), "6.3": (3.5, 3.5), "6.4": (0, 0), "6.5": (1, 1.5),
    "7.1.1": (2, 2), "7.1.2": (1, 2), "7.1.3": (1, 2), "7.2": (0, 2), "7.3": (10, 10), "7.4": (0, 8),
    "7.5": (1.5, 2), "7.6": (1, 2), "7.7": (1, 2), "7.8": (0, 3.5),
}  # fmt: skip
THRESHOLD = {
    "1.2.2": (1, 2), "2.2": (1, 2), "3.1": (2, 2), "4.2.3": (6, 6), "4.2.4": (0.5, 1), "5.1": (0.5, 0.5),
    "6.1": (2, 2), "6.3": (4, 4), "6.5": (1, 2), "7.1.2": (1, 2), "7.1.3": (1, 2), "7.2": (2, 2),
    "7.3": (10, 10), "7.4": (0, 8),
}  # fmt: skip
OUTSIDE = {"1.2.2": (0, 1), "2.1": (0, 2), "3.1": (1, 1), "5.1": (0, 2), "7.1.3": (1, 1.5)}

CASES = [
    ("strong-unit.yaml", STRONG, 58, 110.5),
    ("empty-unit.yaml", {}, 0, 0),
    ("threshold-unit.yaml", THRESHOLD, 32, 45.5),
    ("outside-windows-unit.yaml", OUTSIDE, 2, 7.5),
]


@pytest.mark.parametrize(("filename", "expected", "total_r6", "total_r12"), CASES)
def test_example_scores_item_by_item(fw2567, filename, expected, total_r6, total_r12):
    assessment = load_assessment(EXAMPLES / filename, fw2567)
    for index, round_code in enumerate(("R6", "R12")):
        result = score(fw2567, assessment, round_code)
        got = {code: r.points for code, r in result.items.items()}
        want = {code: Decimal(str(expected.get(code, (0, 0))[index])) for code in fw2567.items_by_code}
        assert got == want, f"{filename} {round_code}"
    assert score(fw2567, assessment, "R6").total == Decimal(str(total_r6))
    assert score(fw2567, assessment, "R12").total == Decimal(str(total_r12))


def test_the_strong_unit_has_exactly_the_open_lines_worked_out_by_hand(fw2567):
    result = score(fw2567, load_assessment(EXAMPLES / "strong-unit.yaml", fw2567), "R12")
    missing = {(item.item.code, line.line.id) for item, line in result.open_lines()}
    assert missing == {
        ("1.2.3", "presented"), ("5.3", "result"), ("6.3", "judged"), ("6.4", "reviewed"),
        ("6.5", "three"), ("7.4", "best-award"), ("7.8", "sub-menus"),
    }  # fmt: skip
    assert result.available == Decimal("9.5")
    # "What to do next" lists the most valuable lines first.
    first = result.open_lines()[0]
    assert (first[0].item.code, first[1].line.id) == ("7.8", "sub-menus")
