"""Moving a framework document into another fiscal year (pramern.studio.yearshift)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pramern.scoring import parse_assessment, parse_framework, score
from pramern.scoring.assessment import read_assessment_data
from pramern.scoring.linetests import run_line_tests
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.studio import yearshift
from pramern.studio.yearshift import (
    fiscal_year_of,
    shift_assessment,
    shift_rule,
    shift_to_fiscal_year,
    shift_years,
    texts_mentioning_years,
)
from tests.conftest import EXAMPLES, FRAMEWORK_FILE

LITERAL = re.compile(r"""["'](\d{4}-\d{2}(?:-\d{2})?)["']""")


@pytest.fixture(scope="module")
def doc2567():
    return load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), FRAMEWORK_FILE.name)


@pytest.fixture(scope="module")
def doc2570(doc2567):
    return shift_years(doc2567, 3)


def _lines(document):
    return list(yearshift._lines(document))


def _free_texts(document):
    return list(yearshift._free_texts(document, ""))


def test_fiscal_year_of_a_document_is_the_year_of_its_last_cutoff(doc2567, doc2570):
    assert fiscal_year_of(doc2567) == 2567
    assert fiscal_year_of(doc2570) == 2570
    october = {"rounds": [{"code": "R", "starts": "2024-08-01", "cutoff": "2024-10-01"}]}
    assert fiscal_year_of(october) == 2568  # 1 Oct 2024 opens FY2568
    with pytest.raises(ValueError, match="cut-off"):
        fiscal_year_of({"rounds": []})


def test_fy2567_shifted_by_three_parses_and_every_line_test_passes(doc2567, doc2570):
    before = run_line_tests(parse_framework(dump_framework(doc2567), "oae-2567.yaml"))
    compiled = parse_framework(dump_framework(doc2570), "oae-2570.yaml")
    report = run_line_tests(compiled)
    assert len(report) == len(before) == 181
    assert report.ok, [r.message() for r in report.failed]


def test_its_rounds_are_fy2570s(doc2570):
    compiled = parse_framework(dump_framework(doc2570), "oae-2570.yaml")
    assert [(r.code, r.starts, r.cutoff) for r in compiled.rounds] == [
        ("R6", dt.date(2026, 8, 1), dt.date(2027, 2, 28)),
        ("R12", dt.date(2026, 8, 1), dt.date(2027, 7, 31)),
    ]


def test_every_date_literal_in_rules_moved(doc2567, doc2570):
    moved = 0
    for (_, old), (_, new) in zip(_lines(doc2567), _lines(doc2570), strict=True):
        for key in ("when", "points_from"):
            if key not in old:
                continue
            old_literals = LITERAL.findall(old[key])
            new_literals = LITERAL.findall(new[key])
            assert len(old_literals) == len(new_literals)
            for a, b in zip(old_literals, new_literals, strict=True):
                assert int(b[:4]) == int(a[:4]) + 3 and b[4:] == a[4:]
                moved += 1
            # nothing else in the rule changed
            assert LITERAL.sub("D", old[key]) == LITERAL.sub("D", new[key])
    assert moved == 6  # every_quarter (2), every_month (2), on_time (2)


def test_rule_literals_only_not_numbers_and_quotes_kept():
    assert shift_rule("""count(f) >= 2024 and on_time(f, '2024-02-29', "2024-08-25")""", 3) == (
        """count(f) >= 2024 and on_time(f, '2027-02-28', "2027-08-25")"""
    )
    assert shift_rule('kind == "2024-13" or kind == "note 2024-01"', 1) == 'kind == "2024-13" or kind == "note 2024-01"'
    # a rule still being written (does not tokenize) has its literals moved all the same
    assert shift_rule('every_month(f, "2023-08", "2024-07") && x', 1) == 'every_month(f, "2024-08", "2025-07") && x'


def test_line_test_records_moved_with_covers(doc2570):
    item = next(i for i, _ in _lines(doc2570) if i["code"] == "3.1")
    line = next(line for line in item["lines"] if line["id"] == "monthly-summary")
    first = line["tests"][0]["records"]["complaint_summaries"]
    assert first[0] == {"date": "2026-08-31", "covers": "2026-08"}


def test_free_texts_unchanged(doc2567, doc2570):
    assert _free_texts(doc2567) == _free_texts(doc2570)
    assert doc2570["title_th"] == doc2567["title_th"]  # the studio retitles, not the shift


def test_shifting_by_zero_is_identity(doc2567):
    assert shift_years(doc2567, 0) == doc2567
    assert shift_years(doc2567, 0) is not doc2567


def test_there_and_back_again_is_the_original_but_for_february_29(doc2567, doc2570):
    back = shift_years(doc2570, -3)
    old, new = dump_framework(doc2567).splitlines(), dump_framework(back).splitlines()
    diffs = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    # the only differences: records of 29 Feb 2024, which went to 1 Mar 2027 and came back as 1 Mar 2024
    assert len(diffs) == 3
    assert all("2024-02-29" in a and b == a.replace("2024-02-29", "2024-03-01") for a, b in diffs)


def test_february_29_as_a_deadline_and_as_a_record():
    doc = {
        "rounds": [{"code": "R", "starts": "2023-08-01", "cutoff": "2024-02-29"}],
        "dimensions": [
            {
                "code": "1",
                "items": [
                    {
                        "code": "1.1",
                        "lines": [
                            {
                                "id": "a",
                                "when": 'on_time(f, "2024-02-29")',
                                "tests": [{"records": {"f": [{"date": "2024-02-29"}]}}],
                            }
                        ],
                    }
                ],
            }
        ],
    }
    moved = shift_years(doc, 3)
    assert moved["rounds"][0]["cutoff"] == "2027-02-28"  # the end of February stays the end of February
    line = moved["dimensions"][0]["items"][0]["lines"][0]
    assert line["when"] == 'on_time(f, "2027-02-28")'
    # a record on the deadline stays on it (not 1 March, which would be late)
    assert line["tests"][0]["records"]["f"][0]["date"] == "2027-02-28"
    # into a leap year, 28 February stays 28 February
    assert shift_years(moved, 1)["rounds"][0]["cutoff"] == "2028-02-28"


def test_a_record_after_a_28_february_cutoff_stays_after_it(doc2567, doc2570):
    item = next(i for i, _ in _lines(doc2570) if i["code"] == "1.1.4")
    case = item["lines"][0]["tests"][1]
    assert case["records"]["spending_reports"][0] == {"date": "2027-03-01", "covers": "2027-01"}


def test_the_original_document_is_not_modified(doc2567):
    before = dump_framework(doc2567)
    shift_years(doc2567, 5)
    assert dump_framework(doc2567) == before


def test_shift_to_fiscal_year(doc2567):
    assert fiscal_year_of(shift_to_fiscal_year(doc2567, 2570)) == 2570
    assert shift_to_fiscal_year(doc2567, 2567) == doc2567


def test_texts_mentioning_years(doc2567):
    mentions = texts_mentioning_years(doc2567)
    where = {m.where: m for m in mentions}
    assert where["title_th"].years == ("2567",)
    assert where["item 1.1.4: lines[1] (every-quarter): missing_th"].years == ("ต.ค. 66", "มิ.ย. 67")
    assert "2024" in where["item 1.1.4: lines[1] (every-quarter): missing_en"].years
    assert "item 3.1: guidance_th" in where
    # dates, rules and codes are not free texts
    assert not any(
        m.where.endswith((": when", ": code", ": cutoff", ": starts")) or m.where == "code" for m in mentions
    )
    # a text without a year is not listed
    assert "item 1.1.1: title_th" not in where
    assert texts_mentioning_years({"title_th": "ไม่มีปี 120 คะแนน"}) == []


def test_an_assessment_moved_three_years_scores_the_same_under_the_shifted_framework(fw2567, doc2567, doc2570):
    data = read_assessment_data(EXAMPLES / "strong-unit.yaml")
    fw2570 = parse_framework(dump_framework({**doc2570, "code": "oae-2570"}), "oae-2570.yaml")
    moved = shift_assessment(data, 3, doc2567)
    moved["framework"] = {"code": "oae-2570", "version": "1"}
    assert moved["items"] != data["items"]
    before = parse_assessment(data, fw2567, "strong-unit.yaml")
    after = parse_assessment(moved, fw2570, "strong-unit-2570.yaml")
    for round_code in ("R6", "R12"):
        old, new = score(fw2567, before, round_code), score(fw2570, after, round_code)
        assert {c: r.points for c, r in new.items.items()} == {c: r.points for c, r in old.items.items()}
        assert new.total == old.total
    assert score(fw2570, after, "R12").total == 110.5
