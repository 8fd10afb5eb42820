"""Properties of the engine over generated FY2567 assessments (hypothesis).

- no item ever exceeds its max, and a round never exceeds its potential;
- for the same records, R12 >= R6, item by item;
- adding a record never lowers a score.

Generated data follows the meaning of each fact type, as file validation does: a cumulative
measurement (staff who answered *so far*) never goes down over time, and a plain measurement
(a plan's number of activities) or an evaluator's judgement is recorded once. Those are the
readings where "the latest counts" could otherwise make a newer record supersede a higher one.
A count of staff (``maximum: staff``) never exceeds the staff count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pramern.scoring import load_framework, parse_assessment, score
from pramern.scoring.model import FactSpec, Framework
from tests.conftest import FRAMEWORK_FILE
from tests.scoring.factories import SECTIONS, assessment_data

FW: Framework = load_framework(FRAMEWORK_FILE)
DATES = st.dates(min_value=dt.date(2023, 6, 1), max_value=dt.date(2024, 9, 30))
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def single_record(fact: FactSpec) -> bool:
    return fact.type == "judgement" or (fact.type == "measurement" and not fact.cumulative)


@st.composite
def record(draw: Any, fact: FactSpec, value: int | None = None) -> dict[str, Any]:
    day = draw(DATES)
    out: dict[str, Any] = {"date": day.isoformat()}
    for field in fact.fields.values():
        if field.kind == "flag":
            out[field.name] = draw(st.booleans())
        elif field.kind == "choice":
            out[field.name] = draw(st.sampled_from(sorted(field.choices)))
        elif field.kind == "section":
            out[field.name] = draw(st.sampled_from(SECTIONS))
        elif field.kind == "number":
            out[field.name] = draw(st.integers(0, 20))
    if fact.type == "measurement":
        out["value"] = value if value is not None else draw(st.integers(0, 60))
    elif fact.type == "choice":
        out["option"] = draw(st.sampled_from(sorted(fact.options)))
    elif fact.type == "periodic":
        covers = draw(st.dates(min_value=dt.date(2023, 6, 1), max_value=day))  # a report covers a past month
        out["covers"] = f"{covers.year:04d}-{covers.month:02d}"
    elif fact.type == "judgement":
        assert fact.maximum is not None
        steps = int(fact.maximum / (fact.step or 1))
        out["claimed"] = float(draw(st.integers(0, steps)) * (fact.step or 1))
        if draw(st.booleans()):
            out["verified"] = float(draw(st.integers(0, steps)) * (fact.step or 1))
    return out


@st.composite
def fact_records(draw: Any, fact: FactSpec) -> list[dict[str, Any]]:
    if single_record(fact):
        return draw(st.lists(record(fact), max_size=1))
    records = draw(st.lists(record(fact), max_size=8))
    if fact.cumulative:
        records.sort(key=lambda r: r["date"])
        increments = draw(st.lists(st.integers(0, 15), min_size=len(records), max_size=len(records)))
        total = 0
        for rec, step in zip(records, increments, strict=True):
            total += step
            rec["value"] = total
    return records


@st.composite
def assessments(draw: Any) -> dict[str, Any]:
    codes = draw(st.sets(st.sampled_from(sorted(FW.items_by_code)), max_size=20))
    staff = draw(
        st.one_of(st.integers(1, 80), st.fixed_dictionaries({"R6": st.integers(1, 80), "R12": st.integers(1, 80)}))
    )
    fewest_staff = min(staff.values()) if isinstance(staff, dict) else staff
    items = {}
    for code in sorted(codes):
        item = FW.items_by_code[code]
        items[code] = {name: draw(fact_records(fact)) for name, fact in item.facts.items()}
        for name, fact in item.facts.items():
            for rec in items[code][name] if fact.at_most_staff else ():
                rec["value"] = min(rec["value"], fewest_staff)  # still never decreasing
    return assessment_data(items, staff=staff)


@st.composite
def assessment_and_extra(draw: Any) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    data = draw(assessments())
    candidates = [(code, name) for code, item in FW.items_by_code.items() for name, fact in item.facts.items()]
    code, name = draw(st.sampled_from(candidates))
    fact = FW.items_by_code[code].facts[name]
    existing = data["items"].get(code, {}).get(name, [])
    if single_record(fact) and existing:
        code, name = "1.2.2", "followups"  # that fact takes one record only: add a follow-up instead
        fact = FW.items_by_code[code].facts[name]
        existing = data["items"].get(code, {}).get(name, [])
    extra = draw(record(fact))
    if fact.cumulative:
        earlier = [r["value"] for r in existing if r["date"] <= extra["date"]]
        later = [r["value"] for r in existing if r["date"] > extra["date"]]
        extra["value"] = max(earlier, default=min(later, default=0))
    return data, code, name, extra


def scored(data: dict[str, Any], round_code: str, basis: str = "self"):
    return score(FW, parse_assessment(data, FW, "generated.yaml"), round_code, basis)


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(assessments(), st.sampled_from(["self", "verified"]))
def test_no_item_exceeds_its_max(data, basis):
    for round_code in ("R6", "R12"):
        result = scored(data, round_code, basis)
        for item in result.items.values():
            assert 0 <= item.points <= item.max_points, item.item.code
            assert item.points <= item.potential
        assert result.total <= result.potential <= FW.total_points


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(assessments(), st.sampled_from(["self", "verified"]))
def test_r12_is_never_below_r6_for_the_same_records(data, basis):
    r6, r12 = scored(data, "R6", basis), scored(data, "R12", basis)
    for code in FW.items_by_code:
        assert r12.items[code].points >= r6.items[code].points, code
    assert r12.total >= r6.total


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(assessment_and_extra())
def test_adding_a_record_never_lowers_a_score(case):
    data, code, name, extra = case
    before = {rnd: scored(data, rnd) for rnd in ("R6", "R12")}
    data["items"].setdefault(code, {}).setdefault(name, []).append(extra)
    for rnd, result in before.items():
        after = scored(data, rnd)
        assert after.items[code].points >= result.items[code].points
        assert after.total >= result.total
