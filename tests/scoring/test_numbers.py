"""Numbers in assessment files are checked before any conversion: type, NaN and infinities,
digits, exponent, and the fact's declared range (security review, issue 8, finding 1)."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from fractions import Fraction

import pytest

from pramern.scoring import AssessmentError, parse_assessment, score
from pramern.scoring.assessment import parse_stored_assessment
from pramern.scoring.numbers import json_number
from tests.scoring.factories import assessment_data


def problems_of(fw, data) -> list[str]:
    with pytest.raises(AssessmentError) as caught:
        parse_assessment(data, fw, "unit.yaml")
    return caught.value.problems


def respondents(*values, staff=40, dates=None):
    dates = dates or [f"2024-0{3 + i}-10" for i in range(len(values))]
    return assessment_data(
        {"5.1": {"respondents": [{"date": d, "value": v} for d, v in zip(dates, values, strict=True)]}}, staff=staff
    )


def test_a_huge_exponent_is_refused_within_a_fraction_of_a_second(fw2567):
    started = time.perf_counter()
    problems = problems_of(fw2567, respondents("1e10000000"))
    assert time.perf_counter() - started < 0.5
    assert problems == [
        "unit.yaml: item 5.1: respondents[0].value: expected a number, got '1e10000000' (an exponent larger than 20)"
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("NaN", "expected a number, got 'NaN'"),
        ("Infinity", "expected a number, got 'Infinity'"),
        ("-inf", "expected a number, got '-inf'"),
        (float("nan"), "expected a number, got nan (expected a finite number)"),
        (float("inf"), "expected a number, got inf (expected a finite number)"),
        ("1" * 25, "(more than 20 digits)"),
        (10**4000, "(more than 1,000,000,000,000)"),
        ("1e15", "(more than 1,000,000,000,000)"),
        (True, "expected a number, got True"),
    ],
)
def test_nan_infinity_and_huge_numbers_are_validation_problems_naming_item_and_field(fw2567, value, reason):
    (problem,) = problems_of(fw2567, respondents(value))
    assert problem.startswith("unit.yaml: item 5.1: respondents[0].value: ")
    assert reason in problem
    assert len(problem) < 200  # a huge value is quoted cut short


def test_a_count_of_staff_may_not_exceed_the_staff_count(fw2567):
    (problem,) = problems_of(fw2567, respondents(21, staff=20))
    assert problem == (
        "unit.yaml: item 5.1: respondents[0].value: 21 is more than the unit's staff in R12 (20): "
        "a count of staff cannot exceed the staff count"
    )
    assert score(fw2567, parse_assessment(respondents(20, staff=20), fw2567), "R12").items["5.1"].points == 2


def test_the_staff_bound_is_the_count_of_the_round_the_record_is_dated_in(fw2567):
    staff = {"R6": 10, "R12": 30}
    (problem,) = problems_of(fw2567, respondents(15, staff=staff, dates=["2024-02-10"]))
    assert "15 is more than the unit's staff in R6 (10)" in problem
    parse_assessment(respondents(15, staff=staff, dates=["2024-03-10"]), fw2567)  # an R12 record: 15 <= 30


def test_developed_staff_4_2_4_is_bounded_by_staff_too(fw2567):
    data = assessment_data({"4.2.4": {"developed_staff": [{"date": "2024-06-30", "value": 41}]}}, staff=40)
    (problem,) = problems_of(fw2567, data)
    assert problem.startswith("unit.yaml: item 4.2.4: developed_staff[0].value: 41 is more than the unit's staff")


def test_fy2567_declares_the_staff_bound_on_its_staff_measurements(fw2567):
    bounded = {
        (item.code, name)
        for item in fw2567.items
        for name, fact in item.facts.items()
        if fact.type == "measurement" and fact.at_most_staff
    }
    assert bounded == {("4.2.4", "developed_staff"), ("5.1", "respondents")}


def test_stored_data_that_no_longer_validates_is_left_out_and_reported_by_record(fw2567):
    data = assessment_data(
        {
            "5.1": {"respondents": [{"id": 7, "date": "2024-03-10", "value": "1e10000000"}]},
            "1.2.2": {"followups": [{"id": 8, "date": "2023-11-20", "presented_to_director": True}]},
            "6.1": {"flowcharts": [{"id": 9, "date": "2023-12-01", "section": "farm", "task": "x"}]},
        }
    )
    started = time.perf_counter()
    assessment, problems = parse_stored_assessment(data, fw2567, "assessment 1")
    assert time.perf_counter() - started < 0.5
    assert [(p.item_code, p.fact, p.record_id) for p in problems] == [
        ("5.1", "respondents", 7),
        ("6.1", "flowcharts", 9),
    ]
    assert "'farm' is not one of the unit's sections" in problems[1].message
    assert assessment.records["5.1"]["respondents"] == ()
    assert len(assessment.records["1.2.2"]["followups"]) == 1


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("6.00"), "6"),
        (Decimal("2.5"), "2.5"),
        (Decimal("0.25"), "0.25"),
        (Fraction(7, 2), "3.5"),
        (Fraction(4, 1), "4"),
        (3, "3"),
        (Decimal("-1.50"), "-1.5"),
    ],
)
def test_a_number_is_written_to_json_as_an_int_when_whole(value, written):
    """One helper for every exact number that goes into JSON (record values, engine output, charts)."""
    number = json_number(value)
    assert json.dumps(number) == written and number == value
