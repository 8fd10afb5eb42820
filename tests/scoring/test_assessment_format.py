"""The assessment file format: validation messages, YAML and JSON, round trips."""

from __future__ import annotations

import json

import pytest
import yaml

from pramern.scoring import AssessmentError, assessment_to_data, load_assessment, parse_assessment, score
from tests.conftest import EXAMPLES, ROOT
from tests.scoring.factories import assessment_data


def problems_of(fw, data) -> list[str]:
    with pytest.raises(AssessmentError) as caught:
        parse_assessment(data, fw, "unit.yaml")
    return caught.value.problems


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ({"9.9": {}}, "unit.yaml: item 9.9: unknown item (not in this framework)"),
        ({"1.2.2": {"folowups": []}}, "unit.yaml: item 1.2.2: folowups: unknown fact (facts of this item: followups)"),
        ({"1.2.2": {"followups": [{"date": "2024-02-30"}]}},
         "unit.yaml: item 1.2.2: followups[0].date: '2024-02-30' is not a date (write YYYY-MM-DD"),
        ({"1.2.2": {"followups": [{"date": "15/10/2566"}]}}, "unit.yaml: item 1.2.2: followups[0].date: '15/10/2566' is not a date"),
        ({"1.2.2": {"followups": [{"note": "no date"}]}}, "unit.yaml: item 1.2.2: followups[0].date: is required"),
        ({"1.2.2": {"followups": [{"date": "2024-01-01", "presented_to_director": "yes"}]}},
         "unit.yaml: item 1.2.2: followups[0].presented_to_director: expected true or false, got 'yes'"),
        ({"1.2.2": {"followups": [{"date": "2024-01-01", "presented": True}]}},
         "unit.yaml: item 1.2.2: followups[0].presented: unknown field"),
        ({"5.1": {"respondents": [{"date": "2024-01-01", "value": "many"}]}},
         "unit.yaml: item 5.1: respondents[0].value: expected a number, got 'many'"),
        ({"5.1": {"respondents": [{"date": "2024-01-01", "value": -1}]}},
         "unit.yaml: item 5.1: respondents[0].value: expected zero or more"),
        ({"5.1": {"respondents": [{"date": "2024-01-01", "value": 30}, {"date": "2024-06-01", "value": 20}]}},
         "unit.yaml: item 5.1: respondents: value 20 on 2024-06-01 is lower than 30 on 2024-01-01: this count only grows"),
        ({"7.3": {"applications": [{"date": "2024-01-01", "option": "nobel"}]}},
         "unit.yaml: item 7.3: applications[0].option: 'nobel' is not one of the options"),
        ({"2.3": {"agreements": [{"date": "2024-01-01"}]}}, "unit.yaml: item 2.3: agreements[0].level: is required"),
        ({"6.1": {"flowcharts": [{"date": "2024-01-01", "section": "s9"}]}},
         "unit.yaml: item 6.1: flowcharts[0].section: 's9' is not one of the unit's sections"),
        ({"6.3": {"manual": [{"date": "2024-01-01", "claimed": 4.5}]}}, "unit.yaml: item 6.3: manual[0].claimed: 4.5 is outside 0..4"),
        ({"6.3": {"manual": [{"date": "2024-01-01", "claimed": 3.25}]}}, "unit.yaml: item 6.3: manual[0].claimed: 3.25 is not a multiple of 0.5"),
        ({"3.1": {"complaint_summaries": [{"date": "2024-01-01", "covers": "2024-13"}]}},
         "unit.yaml: item 3.1: complaint_summaries[0].covers: '2024-13' is not a month"),
        ({"1.2.2": {"followups": {"date": "2024-01-01"}}}, "unit.yaml: item 1.2.2: followups: expected a list of records"),
        ({"1.1.4": {"spending_reports": [{"date": "2023-10-01", "covers": "2024-06"}]}},
         "unit.yaml: item 1.1.4: spending_reports[0].covers: 2024-06 has not begun on 2023-10-01"),
    ],
)  # fmt: skip
def test_bad_records_name_file_item_and_field(fw2567, items, expected):
    problems = problems_of(fw2567, assessment_data(items))
    assert any(p.startswith(expected) for p in problems), problems


def test_header_problems(fw2567):
    data = assessment_data()
    data.update(format="v0", framework={"code": "oae-2568", "version": "1"}, staff_count=0)
    data["unit"] = {"code": "x"}
    problems = problems_of(fw2567, data)
    assert "unit.yaml: format: expected 'pramern-assessment/1', got 'v0'" in problems
    assert "unit.yaml: framework: the file is for oae-2568@1, not oae-2567@1" in problems
    assert "unit.yaml: unit.name_th: is required" in problems
    assert "unit.yaml: staff_count: a unit has at least one member of staff" in problems


def test_staff_count_per_round_carries_forward(fw2567):
    assessment = parse_assessment(assessment_data(staff={"R6": 40}), fw2567)
    assert dict(assessment.staff_count) == {"R6": 40, "R12": 40}
    problems = problems_of(fw2567, assessment_data(staff={"R12": 40, "R24": 3}))
    assert "unit.yaml: staff_count.R24: unknown round (rounds: R6, R12)" in problems
    assert "unit.yaml: staff_count.R6: is required" in problems


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_round_trip_through_yaml_and_json_keeps_everything(fw2567, example, tmp_path):
    original = load_assessment(EXAMPLES / example, fw2567)
    data = assessment_to_data(original, fw2567)
    (tmp_path / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for name in ("a.json", "a.yaml"):
        again = load_assessment(tmp_path / name, fw2567)
        assert again == original
        for rnd in ("R6", "R12"):
            assert score(fw2567, again, rnd).as_json() == score(fw2567, original, rnd).as_json()


def test_notes_titles_and_evidence_references_survive(fw2567):
    assessment = load_assessment(EXAMPLES / "strong-unit.yaml", fw2567)
    record = assessment.records["1.1.1"]["guideline"][0]
    assert record.extra["title"].startswith("แนวทางปฏิบัติกรณีการให้หรือรับของขวัญ")
    assert record.extra["evidence"][0] == {"file": "guideline-gifts-2567.pdf"}


def test_the_documented_example_is_complete_and_valid(fw2567):
    """docs/assessment-format.md embeds a full FY2567 example; it must parse and use every item."""
    text = (ROOT / "docs" / "assessment-format.md").read_text(encoding="utf-8")
    block = text.split("```yaml\n# complete FY2567 example\n", 1)[1].split("```", 1)[0]
    assessment = parse_assessment(yaml.safe_load(block), fw2567, "docs example")
    assert set(assessment.records) == set(fw2567.items_by_code)


def test_staff_counts_above_the_limit_are_refused_naming_file_and_field(fw2567):
    from pramern.scoring.assessment import MAX_STAFF, staff_per_round

    for staff in (MAX_STAFF + 1, {"R6": 40, "R12": MAX_STAFF + 1}):
        problems = problems_of(fw2567, assessment_data(staff=staff))
        assert any(p.startswith("unit.yaml: staff_count") and f"{MAX_STAFF:,}" in p for p in problems), problems
    assessment = parse_assessment(assessment_data(staff={"R6": MAX_STAFF}), fw2567)
    assert dict(assessment.staff_count) == {"R6": MAX_STAFF, "R12": MAX_STAFF}
    assert staff_per_round(fw2567, {"R6": 40}) == {"R6": 40, "R12": 40}
    assert staff_per_round(fw2567, {"R6": 40, "R12": 42}) == {"R6": 40, "R12": 42}
    assert staff_per_round(fw2567, {"R12": 42}) == {"R12": 42}
