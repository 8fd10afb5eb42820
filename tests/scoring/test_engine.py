"""Scoring semantics: windows, cumulative rounds, caps, Decimal points, explanations, totals."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

from pramern.scoring import score
from tests.scoring.factories import make_assessment


def points(result, code):
    return result.items[code].points


def test_r6_counts_records_in_its_window_only(fw2567):
    assessment = make_assessment(
        fw2567,
        {"1.2.2": {"followups": [{"date": "2023-07-31"}, {"date": "2024-02-29"}]}},
    )
    assert points(score(fw2567, assessment, "R6"), "1.2.2") == 0
    assert points(score(fw2567, assessment, "R12"), "1.2.2") == 1


def test_window_edges_are_inclusive(fw2567):
    first_day = make_assessment(fw2567, {"1.2.2": {"followups": [{"date": "2023-08-01"}]}})
    r6_cutoff = make_assessment(fw2567, {"1.2.2": {"followups": [{"date": "2024-02-28"}]}})
    r12_cutoff = make_assessment(fw2567, {"1.2.2": {"followups": [{"date": "2024-07-31"}]}})
    after = make_assessment(fw2567, {"1.2.2": {"followups": [{"date": "2024-08-01"}]}})
    assert points(score(fw2567, first_day, "R6"), "1.2.2") == 1
    assert points(score(fw2567, r6_cutoff, "R6"), "1.2.2") == 1
    assert points(score(fw2567, r12_cutoff, "R6"), "1.2.2") == 0
    assert points(score(fw2567, r12_cutoff, "R12"), "1.2.2") == 1
    assert points(score(fw2567, after, "R12"), "1.2.2") == 0


def test_r6_scores_only_lines_that_open_in_r6(fw2567):
    # Two follow-ups presented to the director before the R6 cut-off: the R12 lines are
    # met by the records but only count in R12.
    records = [
        {"date": "2023-10-01", "presented_to_director": True},
        {"date": "2024-01-01", "presented_to_director": True},
    ]
    assessment = make_assessment(fw2567, {"1.2.2": {"followups": records}})
    r6 = score(fw2567, assessment, "R6").items["1.2.2"]
    assert r6.points == 1
    assert [(line.line.id, line.open, line.earned) for line in r6.lines] == [
        ("first", True, True), ("second", False, False), ("second-presented", False, False),
    ]  # fmt: skip
    assert r6.lines[1].explanation_th.startswith("เริ่มนับในรอบ 12 เดือน")
    assert score(fw2567, assessment, "R12").items["1.2.2"].points == 2


def test_a_line_missed_in_r6_can_be_earned_in_r12(fw2567):
    """The seed's FAQ: points continue to count until the unit reaches the full 120."""
    assessment = make_assessment(fw2567, {"1.2.1": {"measure": [
        {"date": "2024-05-01", "not_duplicate": True, "signed_or_presented": True, "published": True},
    ]}})  # fmt: skip
    assert points(score(fw2567, assessment, "R6"), "1.2.1") == 0
    assert points(score(fw2567, assessment, "R12"), "1.2.1") == 4


def test_the_final_round_is_the_default(fw2567):
    assessment = make_assessment(fw2567, {"1.2.3": {"reviews": [{"date": "2024-06-01"}]}})
    assert score(fw2567, assessment).round.code == "R12"
    assert points(score(fw2567, assessment), "1.2.3") == 1


def test_items_are_capped_at_their_max(fw2567):
    """A framework whose lines add up to more than the item's max gives the max, and says so."""
    item = fw2567.items_by_code["1.2.2"]
    generous = dataclasses.replace(item.lines[0], points=Decimal(2))
    lines = (generous, *item.lines[1:])
    framework = dataclasses.replace(
        fw2567, items_by_code={**fw2567.items_by_code, "1.2.2": dataclasses.replace(item, lines=lines)}
    )
    records = [
        {"date": "2023-10-01", "presented_to_director": True},
        {"date": "2024-01-01", "presented_to_director": True},
    ]
    result = score(framework, make_assessment(framework, {"1.2.2": {"followups": records}}), "R12").items["1.2.2"]
    assert result.points == 2
    assert result.capped
    assert sum(line.points for line in result.lines) == 3


def test_points_are_decimal_and_exact(fw2567):
    records = [{"date": "2023-10-01", "presented_to_director": True}, {"date": "2024-03-01"}]
    result = score(fw2567, make_assessment(fw2567, {"1.2.2": {"followups": records}}), "R12")
    assert result.items["1.2.2"].points == Decimal("1.5")
    assert isinstance(result.total, Decimal)
    assert all(isinstance(line.points, Decimal) for item in result.items.values() for line in item.lines)


def test_totals_per_group_dimension_and_round(fw2567):
    assessment = make_assessment(fw2567, {
        "1.1.1": {"guideline": [{"date": "2023-09-01", "signed_or_presented": True, "published": True}]},
        "1.2.2": {"followups": [{"date": "2023-10-01"}]},
        "2.1": {"plan": [{"date": "2023-10-01", "sent_to_planning": True, "signed_or_presented": True}]},
    })  # fmt: skip
    result = score(fw2567, assessment, "R6")
    assert result.groups["1.1"].points == 2
    assert result.groups["1.2"].points == 1
    assert result.dimensions["1"].points == 3
    assert result.dimensions["2"].points == 2
    assert result.total == 5
    assert result.potential == Decimal("66.5")
    assert result.available == Decimal("61.5")
    assert result.dimensions["1"].max_points == 26


def test_explanations_say_what_is_missing_in_thai_and_english(fw2567):
    result = score(fw2567, make_assessment(fw2567, {"1.2.2": {"followups": [{"date": "2023-10-01"}]}}), "R12")
    first, second, presented = result.items["1.2.2"].lines
    assert first.explanation_th == "ได้ 1 คะแนน: ติดตามผลอย่างน้อย 1 ครั้ง"
    assert first.explanation_en == "Earned 1 point: At least one follow-up"
    assert second.explanation_th == "ยังไม่ได้ 0.5 คะแนน (ติดตามผล 2 ครั้ง): ต้องติดตามผลครั้งที่ 2"
    assert "ต้องติดตามผลครั้งที่ 2 และเสนอ ผอ. ทราบ" in presented.explanation_th
    assert presented.explanation_en.startswith("Not yet earned, 0.5 points")


def test_open_lines_are_sorted_by_the_points_they_would_bring(fw2567):
    result = score(fw2567, make_assessment(fw2567), "R12")
    gains = [min(line.missing_points, item.max_points - item.points) for item, line in result.open_lines()]
    assert gains == sorted(gains, reverse=True)
    assert gains[0] == 10  # an award application or award
    assert sum(1 for _ in result.open_lines()) == sum(len(i.lines) for i in fw2567.items)


def test_the_faq_award_example_gives_18(fw2567):
    assessment = make_assessment(fw2567, {
        "7.3": {"applications": [
            {"date": "2024-01-10", "option": "public_sector_excellence"},
            {"date": "2024-01-20", "option": "report_based", "related_to_mission": True},
        ]},
        "7.4": {"awards": [{"date": "2024-07-01", "option": "report_based"}]},
    })  # fmt: skip
    result = score(fw2567, assessment, "R12")
    assert points(result, "7.3") == 10
    assert points(result, "7.4") == 8
    assert points(result, "7.3") + points(result, "7.4") == 18


def test_judgement_items_keep_claimed_and_verified_values(fw2567):
    assessment = make_assessment(fw2567, {"6.3": {"manual": [{"date": "2024-01-15", "claimed": 3.5, "verified": 2}]}})
    assert points(score(fw2567, assessment, "R6"), "6.3") == Decimal("3.5")
    assert points(score(fw2567, assessment, "R6", basis="verified"), "6.3") == 2
    unverified = make_assessment(fw2567, {"6.3": {"manual": [{"date": "2024-01-15", "claimed": 4}]}})
    assert points(score(fw2567, unverified, "R12", basis="verified"), "6.3") == 0


def test_json_has_the_documented_shape(fw2567):
    assessment = make_assessment(fw2567, {"1.2.2": {"followups": [{"date": "2023-10-01"}, {"date": "2024-03-01"}]}})
    data = json.loads(json.dumps(score(fw2567, assessment, "R12").as_json(), ensure_ascii=False))
    assert set(data) == {"framework", "unit", "round", "total", "max", "dimensions", "items"}
    assert (data["framework"], data["unit"], data["round"], data["total"], data["max"]) == (
        "oae-2567@1", "test-unit", "R12", 1.5, 120,
    )  # fmt: skip
    assert data["dimensions"]["1"] == 1.5
    assert data["items"]["1.2.2"]["points"] == 1.5
    assert data["items"]["1.2.2"]["max"] == 2
    line = data["items"]["1.2.2"]["lines"][1]
    assert set(line) == {"points", "earned", "explanation_th", "explanation_en"}
    assert line["points"] == 0.5 and line["earned"] is True
