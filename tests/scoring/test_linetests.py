"""Line tests: example cases kept on a framework's lines, checked on load and run by the engine."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
import yaml

from pramern.scoring import FrameworkError, parse_framework
from pramern.scoring.linetests import run_line_tests
from pramern.scoring.yamlio import dump_framework, load_text
from tests.conftest import FRAMEWORK_FILE
from tests.scoring.test_loader import MINI, item_111


def fy2567_document() -> dict[str, Any]:
    return load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), FRAMEWORK_FILE.name)


def line_of(document: dict[str, Any], code: str, line_id: str) -> dict[str, Any]:
    for dimension in document["dimensions"]:
        for child in dimension["items"]:
            for item in child.get("items", [child]):
                if item["code"] == code:
                    return next(line for line in item["lines"] if line["id"] == line_id)
    raise KeyError(code)


def compiled(document: dict[str, Any], name: str = "draft.yaml"):
    return parse_framework(dump_framework(document), name)


def mini_with_tests(tests: list[dict[str, Any]]) -> dict[str, Any]:
    """The loader tests' mini framework, its line ``two`` (R12, 1 point, two presented follow-ups) with ``tests``."""
    data = copy.deepcopy(MINI)
    item_111(data)["lines"][1]["tests"] = tests
    return data


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(yaml.safe_dump(data, allow_unicode=True), "mini.yaml")
    return caught.value.problems


PRESENTED_TWICE = {"followups": [{"date": "2023-10-01", "presented": True}, {"date": "2023-11-01", "presented": True}]}


# --------------------------------------------------------------------------- FY2567's own cases


def test_every_fy2567_case_runs_and_passes(fw2567):
    report = run_line_tests(fw2567)
    assert report.ok, "\n".join(failure.message() for failure in report.failed)
    assert report.summary() == f"line tests: {len(report)} passed, 0 failed"
    assert len(report) >= 2 * sum(len(item.lines) for item in fw2567.items)


def test_every_fy2567_line_has_a_case_where_it_earns_and_one_where_it_gives_nothing(fw2567):
    for item in fw2567.items:
        for line in item.lines:
            expected = [case.expect for case in line.tests]
            assert any(points > 0 for points in expected), (item.code, line.id)
            assert any(points == 0 for points in expected), (item.code, line.id)


def test_raising_a_threshold_fails_the_cases_that_earned_the_line_with_a_readable_message():
    document = fy2567_document()
    line = line_of(document, "1.2.2", "second-presented")
    line["when"] = line["when"].replace(">= 2", ">= 3")
    report = run_line_tests(compiled(document))
    assert [(f.item_code, f.line_id, f.index) for f in report.failed] == [("1.2.2", "second-presented", 0)]
    failure = report.failed[0]
    assert (failure.round_code, failure.expected, failure.got) == ("R12", Decimal("0.5"), Decimal(0))
    assert failure.message() == (
        "item 1.2.2: line second-presented: tests[0] (two follow-ups, both presented), R12: expected 0.5, got 0 "
        "(Not yet earned, 0.5 points (Two follow-ups, presented to the director): "
        "Needs two follow-ups, both presented to the director)"
    )
    assert "ยังไม่ได้ 0.5 คะแนน" in failure.message("th")
    assert report.summary() == f"line tests: {len(report) - 1} passed, 1 failed"
    assert [r.passed for r in report.for_line("1.2.2", "second-presented")] == [False, True]


def test_lowering_a_threshold_fails_the_case_that_just_missed_it():
    document = fy2567_document()
    line_of(document, "7.8", "news")["when"] = "count(news) >= 4"
    failed = run_line_tests(compiled(document)).failed
    assert [(f.line_id, f.name, f.expected, f.got) for f in failed] == [
        ("news", "four news items", Decimal(0), Decimal("2.5"))
    ]


def test_moving_a_line_to_r12_fails_its_cases_in_r6():
    document = fy2567_document()
    line = line_of(document, "1.1.1", "guideline")
    line["round"] = "R12"
    line["tests"][0]["round"] = "R6"  # the earning case, asked in R6 where the line is no longer open
    failed = run_line_tests(compiled(document)).failed
    assert [(f.item_code, f.line_id, f.round_code, f.got) for f in failed] == [("1.1.1", "guideline", "R6", 0)]
    assert "Counts from the 12-month round" in failed[0].explanation_en


# --------------------------------------------------------------------------- what a case means


def test_a_failing_case_is_not_a_load_error_and_a_case_is_kept_on_its_line():
    framework = parse_framework(
        yaml.safe_dump(
            mini_with_tests(
                [
                    {"name": "two presented", "records": PRESENTED_TWICE, "expect": 1},
                    {"records": {"followups": [{"date": "2023-10-01", "presented": True}]}, "expect": 1},
                ]
            ),
            allow_unicode=True,
        ),
        "mini.yaml",
    )
    cases = framework.items_by_code["1.1.1"].lines[1].tests
    assert [c.name for c in cases] == ["two presented", ""]
    first = cases[0]
    assert first.round.code == "R12"  # default: the line's own round
    assert dict(first.staff_count) == {"R6": 40, "R12": 40}  # default: 40 staff in every round
    assert first.sections == ()  # default: a unit without sections
    assert [r.date.isoformat() for r in first.records["followups"]] == ["2023-10-01", "2023-11-01"]
    report = run_line_tests(framework)
    assert [r.passed for r in report] == [True, False]
    assert (
        report.failed[0].message()
        == "item 1.1.1: line two: tests[1], R12: expected 1, got 0 (Not yet earned, 1 point (Twice): Needs two)"
    )


def test_expect_is_compared_exactly_as_a_decimal():
    framework = compiled(
        mini_with_tests(
            [
                {"records": PRESENTED_TWICE, "expect": "1.00"},
                {"records": PRESENTED_TWICE, "expect": 0.999},
                {"round": "R6", "records": PRESENTED_TWICE, "expect": 0},  # not open in R6: 0
            ]
        )
    )
    assert [(r.expected, r.got, r.passed) for r in run_line_tests(framework)] == [
        (Decimal("1.00"), Decimal(1), True),
        (Decimal("0.999"), Decimal(1), False),
        (Decimal(0), Decimal(0), True),
    ]


def test_staff_count_defaults_to_40_and_may_be_given_per_round():
    document = fy2567_document()
    line = line_of(document, "5.1", "over-50")
    line["tests"] = [
        {"records": {"respondents": [{"date": "2023-10-02", "value": 21}]}, "expect": 1},  # 52.5% of 40
        {"records": {"respondents": [{"date": "2023-10-02", "value": 20}]}, "expect": 0},  # 50% of 40
        {
            "staff_count": {"R6": 40, "R12": 44},
            "records": {"respondents": [{"date": "2023-10-02", "value": 21}]},
            "expect": 0,
        },
    ]
    results = run_line_tests(compiled(document)).for_line("5.1", "over-50")
    assert [r.passed for r in results] == [True, True, True]


def test_a_points_from_line_gives_its_computed_points():
    document = fy2567_document()
    line_of(document, "7.3", "best-application")["tests"] = [
        {
            "records": {"applications": [{"date": "2023-10-02", "option": "government", "related_to_mission": True}]},
            "expect": 4,
        },
        {"records": {"applications": [{"date": "2023-10-02", "option": "government"}]}, "expect": 4},
    ]
    results = run_line_tests(compiled(document)).for_line("7.3", "best-application")
    assert [(r.got, r.passed) for r in results] == [(Decimal(4), True), (Decimal(2), False)]


# --------------------------------------------------------------------------- structure problems


def test_a_case_is_checked_like_an_assessment_file_and_every_problem_is_named():
    problems = problems_of(
        mini_with_tests(
            [
                {
                    "nme": "typo",
                    "round": "R9",
                    "staff_count": {"R6": 0},
                    "sections": ["a", "a"],
                    "records": {"followups": [{"date": "2023-13-01"}], "folowups": []},
                    "expect": "lots",
                },
                "not a case",
                {"records": [{"date": "2023-10-01"}]},
                {"records": {"followups": [{"date": "2023-10-01", "presented": "yes", "colour": "red"}]}, "expect": 1},
            ]
        )
    )
    where = "mini.yaml: item 1.1.1: lines[1] (two): "
    assert problems == [
        where + "tests[0].nme: unknown key (expected one of: expect, name, records, round, sections, staff_count)",
        where + "tests[0].round: unknown round 'R9' (rounds: R6, R12)",
        where + "tests[0].expect: expected a number of points, got 'lots'",
        where + "tests[0].sections[1]: duplicate section 'a'",
        where + "tests[0].staff_count.R6: expected a whole number of staff from 1 to 100,000, got 0",
        where + "tests[0].staff_count.R12: is required",
        where + "tests[0].records.followups[0].date: '2023-13-01' is not a date (write YYYY-MM-DD, Christian era)",
        where + "tests[0].records.folowups: unknown fact (facts of this item: followups)",
        where + "tests[1]: expected a mapping (key: value), got text",
        where + "tests[2].expect: is required: the points the line must give in the case's round",
        where + "tests[2].records: expected a mapping of fact name -> list of records, got a list",
        where
        + "tests[3].records.followups[0].colour: unknown field (fields: date, evidence, id, note, presented, title)",
        where + "tests[3].records.followups[0].presented: expected true or false, got 'yes'",
    ]


def test_tests_must_be_a_list_and_sections_a_list_of_codes():
    data = copy.deepcopy(MINI)
    item_111(data)["lines"][0]["tests"] = {"expect": 1}
    item_111(data)["lines"][1]["tests"] = [{"sections": "s1", "expect": 0}, {"sections": [1], "expect": 0}]
    assert problems_of(data) == [
        "mini.yaml: item 1.1.1: lines[0] (one): tests: expected a list of cases, got a mapping",
        "mini.yaml: item 1.1.1: lines[1] (two): tests[0].sections: expected a list of section codes, got text",
        "mini.yaml: item 1.1.1: lines[1] (two): tests[1].sections[0]: expected a section code (text), got a number",
    ]


def test_a_record_names_only_the_sections_the_case_declares():
    document = fy2567_document()
    line_of(document, "6.1", "every-section")["tests"] = [
        {"records": {"flowcharts": [{"date": "2023-10-02", "section": "s1"}]}, "expect": 1}
    ]
    with pytest.raises(FrameworkError) as caught:
        compiled(document)
    assert caught.value.problems == [
        "draft.yaml: item 6.1: lines[0] (every-section): tests[0].records.flowcharts[0].section: "
        "'s1' is not one of the unit's sections (none declared)"
    ]


def test_records_are_held_to_the_frameworks_limits():
    document = fy2567_document()
    document["max_records_per_fact"] = 2
    line_of(document, "2.2", "three")["tests"][0]["records"]["followups"].append({"date": "2023-10-02"})
    line_of(document, "4.2.4", "half")["tests"][0]["records"]["developed_staff"][0]["value"] = 41
    with pytest.raises(FrameworkError) as caught:
        compiled(document)
    messages = [m for m in caught.value.problems if "tests" in m]
    assert (
        "draft.yaml: item 2.2: lines[1] (three): tests[0].records.followups: 4 records, more than the 2 a fact may hold"
        in messages
    )
    assert (
        "draft.yaml: item 4.2.4: lines[1] (half): tests[0].records.developed_staff[0].value: 41 is more than the unit's "
        "staff in R12 (40): a count of staff cannot exceed the staff count"
    ) in messages


def test_a_framework_without_tests_has_an_empty_report():
    framework = parse_framework(yaml.safe_dump(MINI, allow_unicode=True), "mini.yaml")
    report = run_line_tests(framework)
    assert report.ok and len(report) == 0
    assert report.summary() == "line tests: 0 passed, 0 failed"


def test_the_documented_examples_load_and_pass(fw2567):
    text = (FRAMEWORK_FILE.parents[1] / "docs" / "framework-format.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n# line tests example: 1.2.2, line second-presented\n", 1)[1].split("```", 1)[0]
    document = fy2567_document()
    line_of(document, "1.2.2", "second-presented")["tests"] = yaml.safe_load(example)["tests"]
    previous = text.split("```yaml\nprevious:", 1)[1].split("```", 1)[0]
    document.update(code="oae-2570", previous=yaml.safe_load("previous:" + previous)["previous"])
    framework = compiled(document)
    results = run_line_tests(framework).for_line("1.2.2", "second-presented")
    assert [(r.name, r.expected, r.passed) for r in results] == [
        ("two follow-ups, both presented", Decimal("0.5"), True),
        ("two follow-ups, one presented", Decimal(0), True),
    ]
    assert framework.previous is not None and framework.previous.items["1.2.2"] == "1.2.3"
