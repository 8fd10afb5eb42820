"""``previous:``: the framework a new year's framework succeeds, and where its items and facts went."""

from __future__ import annotations

from typing import Any

import pytest

from pramern.scoring import FrameworkError, parse_framework
from pramern.scoring.mapping import mapping_between, mapping_for
from pramern.scoring.yamlio import dump_framework, load_text
from tests.conftest import FRAMEWORK_FILE


def next_year(previous: Any = None, **changes: Any) -> dict[str, Any]:
    """FY2567's document as ``oae-2570`` version 1, with 1.2.2 renumbered 1.2.9 and its
    ``followups`` renamed ``reviews`` (rules and line tests too)."""
    document = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), "x.yaml")
    document.update(code="oae-2570", version="1", **changes)
    for dimension in document["dimensions"]:
        for group in dimension["items"]:
            for item in group.get("items", [group]):
                if item["code"] == "1.2.2":
                    item["code"] = "1.2.9"
                    item["facts"]["reviews"] = item["facts"].pop("followups")
                    for line in item["lines"]:
                        line["when"] = line["when"].replace("followups", "reviews")
                        for case in line.get("tests", []):
                            if "followups" in case.get("records", {}):
                                case["records"]["reviews"] = case["records"].pop("followups")
    if previous is not None:
        document["previous"] = previous
    return document


def compiled(document: dict[str, Any]):
    return parse_framework(dump_framework(document), "oae-2570.yaml")


def problems_of(document: dict[str, Any]) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        compiled(document)
    return caught.value.problems


MAPPING = {
    "code": "oae-2567",
    "version": "1",
    "items": {"1.2.2": "1.2.9", "7.1.1": None},
    "facts": {"1.2.2/followups": "reviews", "7.7/communications": None},
}


def test_previous_is_optional_and_kept_on_the_framework(fw2567):
    assert fw2567.previous is None
    framework = compiled(next_year(MAPPING))
    previous = framework.previous
    assert previous is not None
    assert (previous.code, previous.version, previous.key) == ("oae-2567", "1", "oae-2567@1")
    assert dict(previous.items) == {"1.2.2": "1.2.9", "7.1.1": None}
    assert dict(previous.facts) == {("1.2.2", "followups"): "reviews", ("7.7", "communications"): None}


def test_items_and_facts_may_be_left_out_and_a_numeric_version_is_text():
    previous = compiled(next_year({"code": "oae-2567", "version": 1})).previous
    assert previous is not None
    assert (previous.version, dict(previous.items), dict(previous.facts)) == ("1", {}, {})


def test_mapping_for_uses_the_new_frameworks_previous_when_it_names_the_old_one(fw2567):
    new = compiled(next_year(MAPPING))
    mapping = mapping_for(fw2567, new)
    assert mapping.new_item("1.2.2") == "1.2.9"
    assert mapping.new_fact("1.2.2", "followups") == "reviews"
    assert mapping.new_item("7.1.1") is None  # no successor, though the code still exists
    assert mapping.new_fact("7.7", "communications") is None
    assert mapping.new_item("1.1.1") == "1.1.1"  # unlisted: same code
    assert mapping.new_fact("7.7", "reviews") == "reviews"
    assert mapping.old_items_of("1.2.9") == ["1.2.2"]


def test_mapping_for_falls_back_to_same_codes_for_another_predecessor(fw2567):
    for previous in ({**MAPPING, "version": "2"}, {**MAPPING, "code": "oae-2566"}, None):
        new = compiled(next_year(previous))
        mapping = mapping_for(fw2567, new)
        assert mapping.new_item("1.2.2") is None  # 1.2.2 is gone under that code
        assert mapping.new_item("7.1.1") == "7.1.1"
        assert mapping.pairs() == mapping_between(fw2567, new).pairs()


def test_targets_must_be_items_and_facts_of_this_framework():
    problems = problems_of(
        next_year(
            {
                "code": "oae-2567",
                "version": "1",
                "items": {"1.2.2": "1.2.8", "7.1": 7.2, 1.5: "1.1.1", "6.1": None},
                "facts": {
                    "1.2.2/followups": "followups",
                    "6.1/flowcharts": "charts",
                    "1.1.1/guideline": "policy",
                    "9.9/anything": "x",
                    "no-slash": "reviews",
                    "1.1.2/followups": 3,
                    "6.4/reviews": None,
                },
                "colour": "red",
            }
        )
    )
    assert problems == [
        "oae-2570.yaml: previous: colour: unknown key (expected one of: code, facts, items, version)",
        "oae-2570.yaml: previous: items.1.2.2: '1.2.8' is not an item of this framework",
        "oae-2570.yaml: previous: items.7.1: expected an item code of this framework as quoted text, or null; got 7.2",
        'oae-2570.yaml: previous: items.1.5: write the old item code as quoted text ("1.5")',
        "oae-2570.yaml: previous: facts.6.1/flowcharts: item 6.1 has no successor in this framework, "
        "so its facts cannot continue",
        "oae-2570.yaml: previous: facts.1.1.1/guideline: 'policy' is not a fact of item 1.1.1 (its facts: guideline)",
        "oae-2570.yaml: previous: facts.9.9/anything: item 9.9 has no successor in this framework, "
        "so its facts cannot continue",
        'oae-2570.yaml: previous: facts.no-slash: expected "old item code/old fact name", e.g. "1.2.2/followups"',
        "oae-2570.yaml: previous: facts.1.1.2/followups: expected a fact name (text) or null, got 3",
    ]


def test_previous_needs_a_code_and_version_and_cannot_name_itself():
    assert problems_of(next_year({"items": {}})) == [
        "oae-2570.yaml: previous: code: is required",
        'oae-2570.yaml: previous: version: is required (text such as "1")',
    ]
    assert problems_of(next_year({"code": "oae-2570", "version": "1"})) == [
        "oae-2570.yaml: previous: code: a framework cannot succeed itself (oae-2570@1)"
    ]
    assert problems_of(next_year(["oae-2567"])) == [
        "oae-2570.yaml: previous: expected a mapping (key: value), got a list"
    ]
