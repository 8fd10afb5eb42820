"""The documentation's examples are real: they parse and score as the docs say."""

from __future__ import annotations

import json
from decimal import Decimal

import yaml

from pramern.scoring import parse_assessment, score
from tests.conftest import ROOT


def fenced(doc: str, opening: str) -> str:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return text.split(opening, 1)[1].split("```", 1)[0]


def test_the_complete_example_scores_full_marks(fw2567):
    data = yaml.safe_load(fenced("assessment-format.md", "```yaml\n# complete FY2567 example\n"))
    assessment = parse_assessment(data, fw2567, "complete example")
    final = score(fw2567, assessment, "R12")
    assert final.total == 120
    assert all(item.points == item.max_points for item in final.items.values())
    assert score(fw2567, assessment, "R6").total == Decimal("60.5")  # as the doc says


def test_the_json_example_parses(fw2567):
    data = json.loads(fenced("assessment-format.md", "```json\n"))
    assessment = parse_assessment(data, fw2567, "json example")
    assert score(fw2567, assessment, "R6").items["1.2.2"].points == 1
