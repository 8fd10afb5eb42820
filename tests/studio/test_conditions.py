"""The condition builder (pramern.studio.conditions): shapes ↔ rule text, checked on FY2567's items."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from pramern.scoring.rules import compile_condition, compile_points
from pramern.scoring.yamlio import load_text
from pramern.studio import conditions as c
from pramern.studio import edits
from tests.conftest import FRAMEWORK_FILE

DOCUMENT = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), FRAMEWORK_FILE.name)

# One built shape per case, with the FY2567 item whose facts it must type-check against.
CASES = [
    ("1.1.2", c.Count("followups", (c.Term("presented_to_director"),), ">=", 2),
     "count(followups where presented_to_director) >= 2"),
    ("1.1.1", c.Count("guideline", (c.Term("signed_or_presented"), c.Term("published")), ">=", 1),
     "count(guideline where signed_or_presented and published) >= 1"),
    ("2.3", c.Count("agreements", (c.Term("level", "director_to_staff"),)),
     'count(agreements where level == "director_to_staff") >= 1'),
    ("1.1.2", c.Count("followups", (c.Term("presented_to_director", negated=True),), ">", 0),
     "count(followups where not presented_to_director) > 0"),
    ("5.1", c.PercentOfStaff("respondents", ">", 25), "percent_of_staff(respondents) > 25"),
    ("5.1", c.PercentOfStaff("respondents", ">=", Fraction(125, 2)), "percent_of_staff(respondents) >= 62.5"),
    ("5.1", c.Latest("respondents", ">=", 1), "latest(respondents) >= 1"),
    ("3.1", c.EveryMonth("complaint_summaries", "2023-08", "2024-07"),
     'every_month(complaint_summaries, "2023-08", "2024-07")'),
    ("1.1.4", c.EveryQuarter("spending_reports", "2023-10", "2024-06"),
     'every_quarter(spending_reports, "2023-10", "2024-06")'),
    ("6.1", c.EverySection("flowcharts", 2, (c.Term("meets_standard"),)),
     "sections > 0 and sections_with(flowcharts where meets_standard, 2) == sections"),
    ("7.3", c.Best("applications"), "best(applications)"),
    ("2.3", c.AnyOf((
        c.AllOf((c.Count("agreements", (c.Term("level", "director_to_sections"),)),
                 c.Count("agreements", (c.Term("level", "sections_to_staff"),)))),
        c.Count("agreements", (c.Term("level", "director_to_staff"),)))),
     '(count(agreements where level == "director_to_sections") >= 1 and '
     'count(agreements where level == "sections_to_staff") >= 1) or '
     'count(agreements where level == "director_to_staff") >= 1'),
    ("6.1", c.AllOf((c.Count("flowcharts"), c.AnyOf((c.EverySection("flowcharts", 1), c.Count("flowcharts", n=3))))),
     "count(flowcharts) >= 1 and ((sections > 0 and sections_with(flowcharts, 1) == sections) or count(flowcharts) >= 3)"),
    ("6.1", c.AnyOf((c.EverySection("flowcharts", 1), c.Count("flowcharts", n=3))),
     "(sections > 0 and sections_with(flowcharts, 1) == sections) or count(flowcharts) >= 3"),
]  # fmt: skip


@pytest.fixture
def fw(fw2567):
    return fw2567


@pytest.mark.parametrize(("code", "shape", "text"), CASES)
def test_each_shape_builds_its_text_which_type_checks_and_is_recognised(fw, code, shape, text):
    built = c.build(shape)
    assert built == text
    facts = fw.items_by_code[code].facts
    if isinstance(shape, c.Best):
        _fn, maximum = compile_points(built, facts)
        assert maximum == Decimal(10)
    else:
        compile_condition(built, facts)
    assert c.check(built, facts, kind="points_from" if isinstance(shape, c.Best) else "when").ok
    assert c.recognise(built) == shape


def test_most_fy2567_rules_open_in_the_builder_and_build_back_the_same():
    rules = [line.get("when") or line["points_from"] for item in edits.items(DOCUMENT) for line in item["lines"]]
    shapes = {rule: c.recognise(rule) for rule in rules}
    assert len(rules) == 81
    assert sum(1 for rule in rules if shapes[rule] is not None) == 74
    for rule, shape in shapes.items():
        if shape is not None:
            assert c.build(shape) == rule
    # what the builder does not cover stays text
    assert shapes['on_time(pr_reports, "2024-02-25", "2024-08-25")'] is None
    assert shapes['count(sharing where kind == "internal" or (kind == "guest_speaker" and qa_summary)) >= 7'] is None


@pytest.mark.parametrize(
    "text",
    [
        "count(followups) >= ",
        "value(manual)",
        "count(a where x > 1) >= 1",
        "latest(plan) >= latest(plan)",
        "true",
        "not x",
    ],
)
def test_other_rules_are_not_recognised(text):
    assert c.recognise(text) is None


@pytest.mark.parametrize(
    "shape",
    [c.PercentOfStaff("r", "==", 5), c.Count("f", op="=>"), c.EveryMonth("p", "2024-1", "2024-02"), c.AllOf(())],
)
def test_impossible_shapes_are_refused(shape):
    with pytest.raises(ValueError):
        c.build(shape)


def test_combine_adds_brackets_only_where_needed():
    assert c.combine("count(a) >= 1", "count(b) >= 1", "and") == "count(a) >= 1 and count(b) >= 1"
    assert c.combine("count(a) >= 1 or count(b) >= 1", "count(c) >= 1", "and") == (
        "(count(a) >= 1 or count(b) >= 1) and count(c) >= 1"
    )
    assert c.combine("count(a) >= 1 or count(b) >= 1", "count(c) >= 1", "or") == (
        "count(a) >= 1 or count(b) >= 1 or count(c) >= 1"
    )
    assert c.combine("", "count(c) >= 1", "or") == "count(c) >= 1"


def test_shapes_and_terms_offered_follow_the_fact(fw):
    assert c.shapes_for(fw.items_by_code["5.1"].facts["respondents"]) == ["count", "latest", "percent"]
    assert c.shapes_for(fw.items_by_code["3.1"].facts["complaint_summaries"]) == [
        "count",
        "every_month",
        "every_quarter",
    ]
    assert "every_section" in c.shapes_for(fw.items_by_code["6.1"].facts["flowcharts"])
    assert c.shapes_for(fw.items_by_code["7.3"].facts["applications"])[-1] == "best"
    terms = c.terms_for(fw.items_by_code["2.3"].facts["agreements"])
    assert c.Term("level", "director_to_staff") in terms
    assert c.Term("option", "national") in c.terms_for(fw.items_by_code["7.3"].facts["applications"])


def test_a_check_gives_the_column_and_a_thai_message(fw):
    facts = fw.items_by_code["1.1.2"].facts
    found = c.check("count(folowups where presented_to_director) >= 2", facts)
    assert not found.ok
    assert found.column == 7
    assert found.before == "count("
    assert found.at == "f"
    assert found.message == "ไม่รู้จักชื่อ folowups (ข้อเท็จจริงของข้อนี้: followups; ตัวแปร: sections, staff)"
    assert found.unknown == ("ไม่รู้จักข้อเท็จจริง folowups",)
    equals = c.check("count(followups) = 2", facts)
    assert equals.column == 18
    assert "==" in equals.message and "ตัวอักษร" in equals.message


def test_every_message_of_the_rule_checker_is_translated():
    with translation.override("th"):
        samples = [
            "unexpected character '=' (use '==' to compare)",
            "expected ')' but found the end of the rule",
            "the rule is empty",
            "unknown function 'cuont' (functions: best, count)",
            "fact 'followups' has no field 'presented' (its fields: presented_to_director)",
            "a condition must be true or false, but this rule gives a number",
            '"externel" is not one of the choices ("internal", "external")',
            "count() takes 1 argument, got 2",
            "'and' needs a bool, not a number",
        ]
        for sample in samples:
            assert c.translate(sample) != sample, sample


def test_unknown_fields_and_options_are_listed_together(fw):
    facts = fw.items_by_code["2.3"].facts
    found = c.check('count(agreements where levle == "x") >= 1 and count(agreement) >= 1', facts)
    assert not found.ok
    with translation.override("en"):
        found = c.check('count(agreements where level == "everyone" and signed) >= 1 and count(nope) >= 1', facts)
    assert found.unknown == (
        '"everyone" is not a choice of level (director_to_sections, sections_to_staff, director_to_staff)',
        "agreements has no field signed",
        "unknown fact nope",
    )


def test_the_maximum_of_a_line_is_compared_with_the_item(fw):
    facts = fw.items_by_code["7.3"].facts
    best = c.check("best(applications)", facts, kind="points_from", item_points=Decimal(10))
    assert best.ok and best.maximum == Decimal(10)
    over = c.check("best(applications)", facts, kind="points_from", item_points=Decimal(5))
    assert not over.ok and over.column is None
    assert "10" in over.message and "5" in over.message
    points = c.check("count(applications) >= 1", facts, points=Decimal("0.5"), item_points=Decimal(10))
    assert points.ok and points.maximum == Decimal("0.5")
    wrong_kind = c.check("count(applications) >= 1", facts, kind="points_from")
    assert not wrong_kind.ok and wrong_kind.column == 1


def test_a_rule_too_long_or_too_deep_is_refused_not_crashed(fw):
    facts = fw.items_by_code["1.1.2"].facts
    long = c.check("count(followups) >= 1 and " * 100 + "true", facts)
    assert not long.ok and long.message == "เงื่อนไขยาวเกินไป: ได้ไม่เกิน 2000 ตัวอักษร"
    deep = c.check("(" * 400 + "true" + ")" * 400, facts)
    assert not deep.ok and deep.message == "เงื่อนไขมีวงเล็บซ้อนกันมากเกินไป"
    assert c.recognise("(" * 400 + "true" + ")" * 400) is None
    assert edits.references("(" * 400 + "true" + ")" * 400) == set()
