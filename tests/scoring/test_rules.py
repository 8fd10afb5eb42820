"""The rule language: parsing, type checking with precise errors, and evaluation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from pramern.scoring.model import FactSpec, FieldSpec, Option, Record, Round, Text
from pramern.scoring.rules import EvalContext, RuleError, compile_condition, compile_points, parse

T = Text("ท", "t")
R6 = Round("R6", 0, T, dt.date(2023, 8, 1), dt.date(2024, 2, 28))
R12 = Round("R12", 1, T, dt.date(2023, 8, 1), dt.date(2024, 7, 31))

FACTS = {
    "followups": FactSpec(
        "followups", "event", T, fields={"presented_to_director": FieldSpec("presented_to_director", "flag", T)}
    ),
    "sharing": FactSpec(
        "sharing",
        "event",
        T,
        fields={
            "kind": FieldSpec("kind", "choice", T, choices={"internal": T, "external": T}),
            "qa": FieldSpec("qa", "flag", T),
        },
    ),
    "flowcharts": FactSpec("flowcharts", "event", T, fields={"section": FieldSpec("section", "section", T)}),
    "respondents": FactSpec("respondents", "measurement", T),
    "summaries": FactSpec("summaries", "periodic", T),
    "awards": FactSpec(
        "awards",
        "choice",
        T,
        fields={"related": FieldSpec("related", "flag", T)},
        options={"moac": Option("moac", T, Decimal(1), {"related": Decimal(2)})},
    ),
    "manual": FactSpec("manual", "judgement", T, maximum=Decimal(4)),
}


def rec(day: str, **fields: object) -> Record:
    return Record(dt.date.fromisoformat(day), fields)


def ctx(
    rnd: Round = R12, sections: tuple[str, ...] = (), staff: int = 40, basis: str = "self", **records
) -> EvalContext:
    return EvalContext(rnd, sections, staff, basis, records)


def holds(rule: str, context: EvalContext) -> bool:
    return bool(compile_condition(rule, FACTS)(context))


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("rule", "message", "column"),
    [
        ("", "the rule is empty", 1),
        ("count(followups) >= ", "expected a value but found the end of the rule", 21),
        ("count(followups >= 1", "expected ',' or ')' but found the end of the rule", 21),
        ("count(followups) = 1", "unexpected character '=' (use '==' to compare)", 18),
        ("count(followups) >= 1 && true", "unexpected character '&' (use 'and', 'or', 'not')", 23),
        ("1 < count(followups) < 3", "comparisons cannot be chained", 22),
        ("count(followups) >= 1 true", "unexpected 'true'", 23),
        ("count(followups) >= 1 / 2", "unexpected character '/'", 23),
    ],
)
def test_syntax_errors_name_the_problem_and_column(rule, message, column):
    with pytest.raises(RuleError) as caught:
        compile_condition(rule, FACTS)
    assert message in caught.value.message
    assert caught.value.column == column


@pytest.mark.parametrize(
    ("rule", "message", "column"),
    [
        ("count(folowups) >= 1", "unknown name 'folowups' (facts of this item: ", 7),
        ("count(followups where presented) >= 1", "fact 'followups' has no field 'presented'", 23),
        ("counts(followups) >= 1", "unknown function 'counts'", 1),
        ("count(followups)", "a condition must be true or false, but this rule gives a number", 1),
        ("followups >= 1", "a fact is a list of records", 1),
        ('count(sharing where kind == "externel") >= 1', '"externel" is not one of the choices', 29),
        ("latest(followups) >= 1", "latest() needs a measurement fact; 'followups' is a event", 8),
        ("count(followups, 2) >= 1", "count() takes 1 argument, got 2", 1),
        ("sections_with(followups, 1) >= 1", "needs a fact with a section field", 15),
        ("sections_with(flowcharts, sections) >= 1", "argument 2 of sections_with() must be a number written", 27),
        ('every_month(summaries, "2023-13", "2024-07")', '"2023-13" is not a month', 24),
        ('every_month(summaries, "2024-07", "2023-08")', "the last month comes before the first", 35),
        ('on_time(followups, "2024-02-30")', '"2024-02-30" is not a date', 20),
        ('on_time(followups, "2024-08-25", "2024-02-25")', "list the deadlines in date order", 20),
        ("count(followups) >= 1 and 3", "'and' needs a bool, not a number", 27),
        ("not count(followups)", "'not' needs a bool, not a number", 5),
        ('count(followups) == "two"', "cannot compare a number with a string", 18),
        ('"a" < "b"', "'<' compares numbers, not strings", 5),
        ("count(followups where count(followups) > 1) >= 1", "count() cannot be used inside 'where'", 23),
        ("count(sharing where kind where qa) >= 1", "expected ',' or ')' but found 'where'", 26),
    ],
)
def test_type_errors_name_the_problem_and_column(rule, message, column):
    with pytest.raises(RuleError) as caught:
        compile_condition(rule, FACTS)
    assert message in caught.value.message
    assert caught.value.column == column


@pytest.mark.parametrize(
    "rule",
    [
        "__import__('os').system('true')",
        "followups.__class__",
        "open('/etc/passwd')",
        "exec('1')",
        "[x for x in followups]",
        "lambda: 1",
    ],
)
def test_python_is_never_evaluated(rule):
    with pytest.raises(RuleError):
        compile_condition(rule, FACTS)


def test_parse_gives_a_tree_not_python():
    tree = parse("count(followups where presented_to_director) >= 2")
    assert type(tree).__name__ == "Binary"


# --------------------------------------------------------------------------- evaluation


def test_count_with_and_without_filter():
    records = [rec("2023-09-01", presented_to_director=True), rec("2023-10-01", presented_to_director=False)]
    context = ctx(followups=records)
    assert holds("count(followups) >= 2", context)
    assert not holds("count(followups where presented_to_director) >= 2", context)
    assert holds("count(followups where not presented_to_director) == 1", context)


def test_choice_filters_and_parentheses():
    records = [rec("2023-09-01", kind="internal", qa=False), rec("2023-09-02", kind="external", qa=True)]
    context = ctx(sharing=records)
    assert holds('count(sharing where kind == "internal" or (kind == "external" and qa)) == 2', context)
    assert holds('count(sharing where kind != "internal") == 1', context)


def test_arithmetic_and_precedence():
    context = ctx(followups=[rec("2023-09-01")] * 3)
    assert holds("count(followups) * 2 - 1 == 5", context)
    assert holds("-count(followups) + 4 == 1", context)
    assert holds("not count(followups) < 3 and true", context)
    assert holds("false or count(followups) >= 3", context)
    assert holds("count(followups) >= 2.5", context)


def test_sections_with_counts_only_the_units_sections():
    records = [rec("2023-09-01", section="a"), rec("2023-09-02", section="a"), rec("2023-09-03", section="b")]
    context = ctx(sections=("a", "b", "c"), flowcharts=records)
    assert holds("sections == 3", context)
    assert holds("sections_with(flowcharts, 1) == 2", context)
    assert holds("sections_with(flowcharts, 2) == 1", context)


def test_latest_and_percent_of_staff_are_exact():
    records = [rec("2024-01-01", value=30), rec("2024-06-30", value=20)]
    context = ctx(staff=60, respondents=records)
    assert holds("latest(respondents) == 20", context)  # the latest, not the largest
    # 20/60 = 33.33…%: exact fractions, no rounding at the boundary
    assert holds("percent_of_staff(respondents) > 33.33", context)
    assert not holds("percent_of_staff(respondents) >= 33.34", context)
    assert not holds("latest(respondents) >= 1", ctx(respondents=[]))


def test_percent_of_staff_with_no_staff_is_zero():
    assert holds("percent_of_staff(respondents) == 0", ctx(staff=0, respondents=[rec("2024-01-01", value=3)]))


def test_every_month_and_every_quarter():
    months = [(2023, m) for m in range(8, 13)] + [(2024, m) for m in range(1, 8)]
    full = [rec("2024-07-30", covers=m) for m in months]
    assert holds('every_month(summaries, "2023-08", "2024-07")', ctx(summaries=full))
    assert not holds('every_month(summaries, "2023-08", "2024-07")', ctx(summaries=full[:-1]))
    quarterly = [rec("2024-07-01", covers=m) for m in ((2023, 12), (2024, 2), (2024, 4))]
    assert holds('every_quarter(summaries, "2023-10", "2024-06")', ctx(summaries=quarterly))
    assert not holds('every_quarter(summaries, "2023-10", "2024-06")', ctx(summaries=quarterly[:2]))
    # a fiscal quarter runs Oct–Dec, Jan–Mar, Apr–Jun, Jul–Sep
    assert holds(
        'every_quarter(summaries, "2023-10", "2023-12")', ctx(summaries=[rec("2023-11-05", covers=(2023, 10))])
    )
    assert not holds(
        'every_quarter(summaries, "2023-10", "2024-01")', ctx(summaries=[rec("2023-11-05", covers=(2023, 10))])
    )


def test_on_time_checks_only_deadlines_due_by_the_cutoff():
    rule = 'on_time(followups, "2024-02-25", "2024-08-25")'
    assert holds(rule, ctx(R12, followups=[rec("2024-02-25")]))
    assert not holds(rule, ctx(R12, followups=[rec("2024-02-26")]))
    assert holds(rule, ctx(R6, followups=[rec("2023-12-01")]))
    # with no deadline due yet there is nothing to be on time for
    assert not holds('on_time(followups, "2024-08-25")', ctx(R12, followups=[rec("2024-07-01")]))
    # each deadline needs its own report: one early report does not cover a later period
    two_due = ctx(Round("R", 2, T, dt.date(2023, 8, 1), dt.date(2024, 9, 30)), followups=[rec("2024-01-01")])
    assert not holds(rule, two_due)


def test_distinct_counts_different_values():
    records = [
        rec("2023-09-01", kind="internal"),
        rec("2023-09-02", kind="internal"),
        rec("2023-09-03", kind="external"),
    ]
    assert holds('distinct(sharing, "kind") == 2', ctx(sharing=records))
    with pytest.raises(RuleError, match="distinct\\(\\) needs a choice, section or text field"):
        compile_condition('distinct(sharing, "qa") >= 1', FACTS)


def test_points_from_best_choice_and_judgement():
    best, bound = compile_points("best(awards)", FACTS)
    assert bound == 2
    assert best(ctx(awards=[rec("2024-01-01", points=Fraction(1)), rec("2024-01-02", points=Fraction(2))])) == 2
    assert best(ctx(awards=[])) == 0
    value, bound = compile_points("value(manual)", FACTS)
    assert bound == 4
    manual = [rec("2024-01-01", claimed=Fraction(3), verified=Fraction(5, 2))]
    assert value(ctx(manual=manual)) == 3
    assert value(ctx(basis="verified", manual=manual)) == Fraction(5, 2)
    assert value(ctx(basis="verified", manual=[rec("2024-01-01", claimed=Fraction(3), verified=None)])) == 0


def test_points_from_needs_a_known_maximum():
    with pytest.raises(RuleError, match="known maximum"):
        compile_points("count(followups)", FACTS)
    with pytest.raises(RuleError, match="must give a number"):
        compile_points("count(followups) >= 1", FACTS)
