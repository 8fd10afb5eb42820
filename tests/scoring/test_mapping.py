"""Last year's items and facts → this year's: same code by default, explicit entries on top."""

from __future__ import annotations

from pramern.scoring import parse_framework
from pramern.scoring.mapping import mapping_between
from pramern.scoring.yamlio import dump_framework, load_text
from tests.conftest import FRAMEWORK_FILE


def _renumbered():
    """FY2567 with item 1.2.2 renumbered 1.2.9 and its fact ``followups`` renamed ``reviews``."""
    document = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), "x.yaml")
    for dimension in document["dimensions"]:
        for group in dimension["items"]:
            for item in group.get("items", [group]):
                if item["code"] == "1.2.2":
                    item["code"] = "1.2.9"
                    item["facts"]["reviews"] = item["facts"].pop("followups")
                    for line in item["lines"]:
                        line["when"] = line["when"].replace("followups", "reviews")
                        for case in line.get("tests", []):  # the line tests record the renamed fact too
                            if "followups" in case.get("records", {}):
                                case["records"]["reviews"] = case["records"].pop("followups")
    return parse_framework(dump_framework(document), "renumbered.yaml")


def test_items_and_facts_continue_by_code_and_name(fw2567):
    mapping = mapping_between(fw2567, fw2567)
    assert mapping.new_item("1.2.2") == "1.2.2"
    assert mapping.new_fact("1.2.2", "followups") == "followups"
    assert mapping.new_item("9.9") is None
    assert len(mapping.pairs()) == len(fw2567.items_by_code)


def test_explicit_entries_override_and_name_what_has_no_successor(fw2567):
    new = _renumbered()
    default = mapping_between(fw2567, new)
    assert default.new_item("1.2.2") is None  # 1.2.2 is gone under that code
    mapping = mapping_between(fw2567, new, {"1.2.2": "1.2.9", "1.1.1": None}, {("1.2.2", "followups"): "reviews"})
    assert mapping.new_item("1.2.2") == "1.2.9"
    assert mapping.new_fact("1.2.2", "followups") == "reviews"
    assert mapping.new_item("1.1.1") is None
    assert mapping.old_items_of("1.2.9") == ["1.2.2"]
    assert mapping_between(fw2567, new, {"1.2.2": "no-such"}).new_item("1.2.2") is None
