"""What a framework declares about numbers and sizes: a measurement's maximum (a number or the
round's staff count) and the records one fact may hold; parsed documents have a depth limit."""

from __future__ import annotations

import time

import pytest

from pramern.scoring import AssessmentError, parse_assessment
from pramern.scoring.assessment import parse_stored_assessment
from pramern.scoring.yamlio import SyntaxProblem, load_text
from tests.scoring.factories import assessment_data
from tests.scoring.test_loader import item_111, load, mutated, problems_of


def measured(maximum) -> dict:
    def change(data):
        item_111(data)["facts"]["count"] = {"type": "measurement", "th": "จำนวน", "en": "Count", "maximum": maximum}

    return mutated(change)


def test_a_measurement_may_declare_a_number_or_staff_as_its_maximum():
    load(measured(12))
    load(measured("staff"))


@pytest.mark.parametrize("maximum", ["staf", "1e10000000", "NaN", -1, True])
def test_a_wrong_maximum_is_a_problem_naming_item_and_field(maximum):
    (problem,) = problems_of(measured(maximum))
    assert problem.startswith("mini.yaml: item 1.1.1: facts.count.maximum: expected a number (0 or more) or 'staff'")


def test_only_measurements_and_judgements_have_a_maximum():
    def change(data):
        item_111(data)["facts"]["followups"]["maximum"] = 3

    (problem,) = problems_of(mutated(change))
    assert problem == "mini.yaml: item 1.1.1: facts.followups.maximum: only a measurement or a judgement has a maximum"


def test_points_refuse_huge_numerals_before_converting_them():
    def change(data):
        data["total_points"] = "1e10000000"

    started = time.perf_counter()
    problems = problems_of(mutated(change))
    assert time.perf_counter() - started < 0.5
    assert "mini.yaml: total_points: expected a number of points, got '1e10000000' (an exponent larger than 20)" in (
        problems
    )


@pytest.mark.parametrize("limit", [0, "500", 10**6, True])
def test_max_records_per_fact_is_a_whole_number_in_range(limit):
    def change(data):
        data["max_records_per_fact"] = limit

    (problem,) = problems_of(mutated(change))
    assert problem.startswith("mini.yaml: max_records_per_fact: expected a whole number from 1 to 10,000")


def test_max_records_per_fact_defaults_to_500_and_fy2567_states_it(fw2567):
    import yaml

    from pramern.scoring import parse_framework
    from tests.scoring.test_loader import MINI

    assert parse_framework(yaml.safe_dump(MINI), "mini.yaml").max_records_per_fact == 500
    assert fw2567.max_records_per_fact == 500


def test_a_fact_with_more_records_than_the_framework_allows_is_refused_quickly(fw2567):
    followups = [{"date": "2023-11-20"}] * 501
    started = time.perf_counter()
    with pytest.raises(AssessmentError) as caught:
        parse_assessment(assessment_data({"1.2.2": {"followups": followups}}), fw2567, "unit.json")
    assert time.perf_counter() - started < 0.5
    assert caught.value.problems == ["unit.json: item 1.2.2: followups: 501 records, more than the 500 a fact may hold"]
    parse_assessment(assessment_data({"1.2.2": {"followups": followups[:500]}}), fw2567)


def test_stored_data_over_the_limit_is_reported_and_still_read(fw2567):
    followups = [{"date": "2023-11-20"}] * 501
    assessment, problems = parse_stored_assessment(assessment_data({"1.2.2": {"followups": followups}}), fw2567)
    assert [(p.item_code, p.fact, p.record_id) for p in problems] == [("1.2.2", "followups", None)]
    assert len(assessment.records["1.2.2"]["followups"]) == 501


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("[" * 100_000 + "]" * 100_000, "deep.json"),
        ('{"a": ' + "[" * 40 + "]" * 40 + "}", "deep.json"),
        ("- " * 40 + "x", "deep.yaml"),
        ("a: " + "[" * 100_000, "deep.yaml"),
    ],
)
def test_deeply_nested_documents_are_refused_as_syntax_problems(text, name):
    with pytest.raises(SyntaxProblem, match="nest"):
        load_text(text, name)


@pytest.mark.parametrize(
    ("text", "name"), [('{"a": ' + "9" * 5000 + "}", "big.json"), ("a: " + "9" * 5000, "big.yaml")]
)
def test_integers_of_thousands_of_digits_are_syntax_problems_not_crashes(text, name):
    with pytest.raises(SyntaxProblem, match="a number with thousands of digits"):
        load_text(text, name)
