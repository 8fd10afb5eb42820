"""Edits of a framework document (pramern.studio.edits) on FY2567's file."""

from __future__ import annotations

import copy
import difflib

import pytest

from pramern.scoring import FrameworkError
from pramern.scoring.loader import parse_framework
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.studio import edits
from pramern.studio.edits import EditError
from tests.conftest import FRAMEWORK_FILE

TEXT = FRAMEWORK_FILE.read_text(encoding="utf-8")
ORIGINAL = load_text(TEXT, FRAMEWORK_FILE.name)


@pytest.fixture
def doc():
    return copy.deepcopy(ORIGINAL)


def changed_lines(before, after):
    """The lines of the canonical text that an edit removed or added."""
    diff = difflib.unified_diff(dump_framework(before).splitlines(), dump_framework(after).splitlines(), n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def valid(document):
    return parse_framework(dump_framework(document), "draft.yaml")


def child_codes(document, code):
    return [child["code"] for child in edits.find(document, code)["items"]]


def test_find_reaches_dimensions_sub_dimensions_and_items(doc):
    assert edits.find(doc, "1")["title_en"].startswith("Anti-corruption")
    assert edits.find(doc, "1.1")["title_en"] == "Anti-corruption"
    assert edits.find(doc, "1.1.2")["title_en"] == "The implementation of the guideline is followed up"
    assert edits.find(doc, "7.4")["lines"][0]["points_from"] == "best(awards)"
    with pytest.raises(EditError, match="9.9"):
        edits.find(doc, "9.9")
    with pytest.raises(EditError, match="1.1"):
        edits.find_item(doc, "1.1")


def test_an_edit_leaves_its_input_alone(doc):
    edits.remove(doc, "1.1.3")
    edits.set_texts(doc, "1.1.2", title_th="ใหม่")
    assert doc == ORIGINAL


def test_adding_an_item_gives_the_next_code_and_a_line_of_the_first_round(doc):
    added = edits.add_item(doc, "1.1")
    item = edits.find_item(added, "1.1.5")
    assert child_codes(added, "1.1")[-1] == "1.1.5"
    assert item["lines"][0]["round"] == "R6"
    # the new item adds a point the sub-dimension does not have: the draft is invalid until fixed
    with pytest.raises(FrameworkError, match="group 1.1: points: its items add up to 11, not 10"):
        valid(added)
    fixed = edits.set_texts(edits.set_texts(edits.set_texts(added, "1.1", points=11), "1", points=27), "1.1.5")
    fixed["total_points"] = 121
    assert valid(fixed).items_by_code["1.1.5"].lines[0].id == "done"


def test_adding_an_item_at_a_position_and_directly_under_a_dimension(doc):
    added = edits.add_item(doc, "7", position=0)
    assert child_codes(added, "7")[0] == "7.9"
    assert edits.add_item(doc, "1.2", {"code": "1.2.9", **edits.new_item("x", "R12")} | {"code": "1.2.9"})


@pytest.mark.parametrize(
    ("parent", "item", "message"),
    [
        ("9", None, "9"),
        ("1.1.2", None, "1.1.2 is an item"),
        ("1.1", {"code": "1.1.2"}, "1.1.2 is already used"),
        ("1.1", {"code": "1.2.7"}, "must start with its parent's code 1.1"),
        ("1.1", {"code": "1.1.x y"}, "not a code"),
    ],
)
def test_impossible_additions_are_refused(doc, parent, item, message, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(EditError, match=message):
        edits.add_item(doc, parent, item)


def test_the_messages_are_thai_by_default(doc):
    with pytest.raises(EditError) as refused:
        edits.add_item(doc, "1.1", {"code": "1.1.2"})
    assert refused.value.message == "รหัส 1.1.2 มีอยู่แล้ว"


def test_adding_a_sub_dimension_and_a_dimension(doc):
    added = edits.add_group(doc, "1")
    assert child_codes(added, "1")[-1] == "1.4"
    assert child_codes(added, "1.4") == ["1.4.1"]
    with pytest.raises(EditError):
        edits.add_group(doc, "1.1")
    dimension = edits.add_dimension(doc)
    assert dimension["dimensions"][-1]["code"] == "8"
    assert edits.find_item(dimension, "8.1")["points"] == 1


def test_removing_an_item_changes_only_its_text(doc):
    removed = edits.remove(doc, "1.1.3")
    assert child_codes(removed, "1.1") == ["1.1.1", "1.1.2", "1.1.4"]
    changed = changed_lines(doc, removed)
    assert all(line.startswith("-") for line in changed)
    assert "-    - code: 1.1.3" in changed
    with pytest.raises(FrameworkError, match="its items add up to 8, not 10"):
        valid(removed)


def test_the_last_child_cannot_be_removed(doc):
    single = edits.remove(edits.remove(edits.remove(doc, "1.1.1"), "1.1.2"), "1.1.3")
    with pytest.raises(EditError, match="1.1.4"):
        edits.remove(single, "1.1.4")


def test_moving_up_and_down_keeps_codes_and_renumbering_follows_the_order(doc):
    moved = edits.move_by(doc, "1.1.2", -1)
    assert child_codes(moved, "1.1") == ["1.1.2", "1.1.1", "1.1.3", "1.1.4"]
    assert edits.move_by(moved, "1.1.2", -1) == moved  # already first
    assert edits.renumber_map(moved, "1.1") == {"1.1.2": "1.1.1", "1.1.1": "1.1.2"}
    renumbered = edits.renumber(moved, "1.1")
    assert child_codes(renumbered, "1.1") == ["1.1.1", "1.1.2", "1.1.3", "1.1.4"]
    assert edits.find(renumbered, "1.1.1")["title_en"] == "The implementation of the guideline is followed up"
    valid(renumbered)


def test_renumbering_dimensions_renumbers_everything_under_them(doc):
    moved = edits.move(doc, "2", position=0)
    renumbered = edits.renumber(moved, None)
    assert [d["code"] for d in renumbered["dimensions"]][:2] == ["1", "2"]
    assert edits.find(renumbered, "2")["title_en"].startswith("Anti-corruption")
    assert edits.find(renumbered, "2.1.2")["title_en"] == "The implementation of the guideline is followed up"
    assert valid(renumbered).items_by_code["2.1.2"].max_points == 2


def test_moving_to_another_parent_gives_the_next_code_there(doc):
    moved = edits.move(doc, "1.1.2", parent_code="1.2")
    assert child_codes(moved, "1.1") == ["1.1.1", "1.1.3", "1.1.4"]
    assert child_codes(moved, "1.2")[-1] == "1.2.4"
    assert edits.find(moved, "1.2.4")["title_en"] == "The implementation of the guideline is followed up"
    first = edits.move(doc, "1.1.2", parent_code="7", position=0)
    assert child_codes(first, "7")[0] == "7.9"


def test_a_sub_dimension_moves_with_its_items(doc):
    moved = edits.move(doc, "1.1", parent_code="2")
    new = child_codes(moved, "2")[-1]
    assert child_codes(moved, new) == [f"{new}.1", f"{new}.2", f"{new}.3", f"{new}.4"]


@pytest.mark.parametrize(
    ("code", "parent"),
    [("1.1", "1.1.2"), ("1.1", "1.2"), ("1", "2"), ("1.1.2", "1.1.3"), ("1.1.2", "9")],
)
def test_impossible_moves_are_refused(doc, code, parent):
    with pytest.raises(EditError):
        edits.move(doc, code, parent_code=parent)


def test_set_code_renames_a_node_and_its_children(doc):
    recoded = edits.set_code(doc, "1.1", "1.9")
    assert child_codes(recoded, "1.9") == ["1.9.1", "1.9.2", "1.9.3", "1.9.4"]
    with pytest.raises(EditError):
        edits.set_code(doc, "1.1", "1.2")
    with pytest.raises(EditError):
        edits.set_code(doc, "1.1.1", "2.1.1")


def test_texts_change_only_what_is_given(doc):
    edited = edits.set_texts(
        doc,
        "1.1.2",
        title_th="มีการติดตามผล",
        guidance_en="Follow it up.\nTwice.\n",
        evidence=[{"th": "บันทึก", "en": "A memo"}, {"th": "", "en": ""}],
        assumptions=[{"th": "ข้อสมมติ", "en": "An assumption"}],
    )
    item = edits.find_item(edited, "1.1.2")
    assert item["title_th"] == "มีการติดตามผล"
    assert item["evidence"] == [{"th": "บันทึก", "en": "A memo"}]
    assert item["assumptions"] == [{"id": "1", "th": "ข้อสมมติ", "en": "An assumption"}]
    assert list(item) == list(edits.find_item(doc, "1.1.2"))  # the keys keep their places
    assert valid(edited).items_by_code["1.1.2"].guidance.en == "Follow it up.\nTwice."
    changed = changed_lines(doc, edited)
    assert not any("code:" in line or "|-" in line for line in changed)
    assert "+      title_th: มีการติดตามผล" in changed


def test_a_source_note_is_added_in_its_place_and_dropped_when_empty(doc):
    noted = edits.set_texts(doc, "1.2.2", source_note={"th": "หมายเหตุ", "en": "A note"})
    item = edits.find_item(noted, "1.2.2")
    assert list(item)[:5] == ["code", "title_th", "title_en", "points", "source_note"]
    assert valid(noted).items_by_code["1.2.2"].source_note.en == "A note"
    dropped = edits.set_texts(noted, "1.2.2", source_note={"th": "", "en": ""})
    assert dump_framework(dropped) == dump_framework(doc)


@pytest.mark.parametrize(
    ("code", "values"),
    [("1.1.2", {"title_th": "  "}), ("1.1", {"guidance_th": "x"}), ("1.1.2", {"points": "two"}), ("1", {"points": -1})],
)
def test_bad_texts_are_refused(doc, code, values):
    with pytest.raises(EditError):
        edits.set_texts(doc, code, **values)


def test_points_of_a_dimension_and_an_item(doc):
    edited = edits.set_texts(doc, "1.2.2", points="2.5")
    assert edits.find(edited, "1.2.2")["points"] == 2.5
    assert edits.set_texts(doc, "1", points="26")["dimensions"][0]["points"] == 26
    with pytest.raises(FrameworkError, match="add up to"):
        valid(edited)


FOLLOWUPS = {
    "type": "event",
    "th": "การติดตามผล",
    "en": "Follow-up",
    "fields": {"presented_to_director": {"type": "flag", "th": "เสนอ ผอ.", "en": "Presented"}},
}


def test_adding_a_fact_and_a_line_that_reads_it(doc):
    with_fact = edits.add_fact(
        doc,
        "7.4",
        "ceremonies",
        {"type": "event", "th": "พิธีรับรางวัล", "en": "Award ceremony", "help_th": "", "cumulative": False},
    )
    assert edits.find_item(with_fact, "7.4")["facts"]["ceremonies"] == {
        "type": "event",
        "th": "พิธีรับรางวัล",
        "en": "Award ceremony",
    }
    item = valid(with_fact).items_by_code["7.4"]
    assert item.facts["ceremonies"].type == "event"
    with pytest.raises(EditError):
        edits.add_fact(doc, "7.4", "awards", FOLLOWUPS)
    with pytest.raises(EditError):
        edits.add_fact(doc, "7.4", "count", {"type": "event", "th": "x", "en": "x"} | {"type": "nope"})
    with pytest.raises(EditError):
        edits.add_fact(doc, "7.4", "not", FOLLOWUPS)
    with pytest.raises(EditError):
        edits.add_fact(doc, "7.4", "x", FOLLOWUPS | {"fields": {"f": {"type": "colour"}}})


def test_updating_a_fact_keeps_its_key_order_and_options(doc):
    applications = copy.deepcopy(edits.find_item(doc, "7.3")["facts"]["applications"])
    applications["options"]["moac"]["points"] = 1.5
    edited = edits.update_fact(doc, "7.3", "applications", applications)
    assert [line.replace(" ", "") for line in changed_lines(doc, edited)] == ["-points:1", "+points:1.5"]
    assert valid(edited).items_by_code["7.3"].facts["applications"].options["moac"].points == 1.5


def test_a_field_a_rule_reads_cannot_be_dropped(doc):
    followups = copy.deepcopy(edits.find_item(doc, "1.1.2")["facts"]["followups"])
    del followups["fields"]
    with pytest.raises(EditError, match="second-presented"):
        edits.update_fact(doc, "1.1.2", "followups", followups)


def test_a_fact_a_rule_reads_cannot_be_removed(doc):
    with pytest.raises(EditError) as refused:
        edits.remove_fact(doc, "1.1.2", "followups")
    assert "first, second, second-presented" in refused.value.message
    with pytest.raises(EditError, match="plan"):
        edits.remove_fact(doc, "7.1.2", "plan")


def test_an_unused_fact_is_removed(doc):
    added = edits.add_fact(doc, "1.1.2", "extra", FOLLOWUPS)
    assert edits.remove_fact(added, "1.1.2", "extra") == doc


def test_renaming_a_fact_renames_it_in_every_rule_but_not_a_field_of_that_name(doc):
    renamed = edits.rename_fact(doc, "1.1.2", "followups", "checks")
    lines = edits.find_item(renamed, "1.1.2")["lines"]
    assert [line["when"] for line in lines] == [
        "count(checks) >= 1",
        "count(checks) >= 2",
        "count(checks where presented_to_director) >= 2",
    ]
    assert list(edits.find_item(renamed, "1.1.2")["facts"]) == ["checks"]
    valid(renamed)
    assert (
        edits.rename_in_rule("count(f where f) >= 1 and count(f) > 2", "f", "g")
        == "count(g where f) >= 1 and count(g) > 2"
    )
    with pytest.raises(EditError):
        edits.rename_fact(doc, "1.1.2", "followups", "sections")


def test_references_name_facts_and_fields(doc):
    refs = edits.references(
        'count(agreements where level == "director_to_staff") >= 1 and distinct(a where x, "channel") >= 3'
    )
    assert refs == {("agreements", None), ("agreements", "level"), ("a", None), ("a", "x"), ("a", "channel")}
    assert edits.references("sections > 0 and count(") == set()


NEW_LINE = {
    "id": "third",
    "round": "R12",
    "points": "0.5",
    "when": "count(followups)   >= 3",
    "assumed": False,
    "th": "ติดตามผล 3 ครั้ง",
    "en": "Three follow-ups",
    "missing_th": "ต้องติดตามผลครั้งที่ 3",
    "missing_en": "Needs a third follow-up",
}


def test_adding_updating_moving_and_removing_a_line(doc):
    added = edits.add_line(doc, "1.1.2", NEW_LINE)
    line = edits.find_line(added, "1.1.2", "third")
    expected = {key: value for key, value in NEW_LINE.items() if key != "assumed"}
    assert line == expected | {"points": 0.5, "when": "count(followups) >= 3"}
    assert list(line) == ["id", "round", "points", "when", "th", "en", "missing_th", "missing_en"]
    with pytest.raises(FrameworkError, match="more than the item's|add up"):
        valid(edits.set_texts(added, "1.1.2", points=3))
    with pytest.raises(EditError):
        edits.add_line(added, "1.1.2", NEW_LINE)
    moved = edits.move_line(added, "1.1.2", "third", -3)
    assert [ln["id"] for ln in edits.find_item(moved, "1.1.2")["lines"]] == [
        "third",
        "first",
        "second",
        "second-presented",
    ]
    assert edits.remove_line(added, "1.1.2", "third") == doc


def test_an_updated_line_changes_only_its_own_text(doc):
    old = edits.find_line(doc, "1.1.2", "second-presented")
    edited = edits.update_line(
        doc,
        "1.1.2",
        "second-presented",
        {**old, "points": "1", "when": "count(followups where presented_to_director) >= 1"},
    )
    assert changed_lines(doc, edited) == [
        "-        points: 0.5",
        "-        when: count(followups where presented_to_director) >= 2",
        "+        points: 1",
        "+        when: count(followups where presented_to_director) >= 1",
    ]
    assumed = edits.update_line(doc, "1.1.2", "first", {**edits.find_line(doc, "1.1.2", "first"), "assumed": True})
    assert list(edits.find_line(assumed, "1.1.2", "first"))[:5] == ["id", "round", "points", "assumed", "when"]


def test_a_line_may_change_from_points_to_points_from(doc):
    old = edits.find_line(doc, "7.3", "best-application")
    edited = edits.update_line(doc, "7.3", "best-application", {**old, "points_from": "best(applications)"})
    assert edited == doc
    with pytest.raises(EditError):
        edits.update_line(doc, "1.1.2", "first", {**edits.find_line(doc, "1.1.2", "first"), "id": "second"})
    with pytest.raises(EditError):
        edits.update_line(doc, "1.1.2", "first", {**edits.find_line(doc, "1.1.2", "first"), "id": "two words"})
    with pytest.raises(EditError):
        edits.update_line(doc, "1.1.2", "nope", NEW_LINE)
    with pytest.raises(EditError):
        edits.update_line(doc, "1.1.2", "first", {**NEW_LINE, "colour": "red"})


def test_the_last_line_cannot_be_removed(doc):
    with pytest.raises(EditError):
        edits.remove_line(doc, "7.3", "best-application")


def test_every_item_of_fy2567_survives_a_no_op_edit_of_each_line(doc):
    edited = doc
    for item in edits.items(doc):
        for line in item["lines"]:
            edited = edits.update_line(edited, item["code"], line["id"], line)
        edited = edits.set_texts(edited, item["code"], title_th=item["title_th"], evidence=item.get("evidence", []))
        for name, fact in (item.get("facts") or {}).items():
            edited = edits.update_fact(edited, item["code"], name, fact)
    assert dump_framework(edited) == dump_framework(doc)


def test_numbers_are_written_as_yaml_writes_them():
    assert edits.number("2", "x") == 2
    assert edits.number("0.50", "x") == 0.5
    assert edits.number(1.5, "x") == 1.5
    for bad in ("", "nan", "-1", "1e400", True, "1" * 30):
        with pytest.raises(EditError):
            edits.number(bad, "x")


def test_a_line_keeps_its_line_tests_when_the_editor_does_not_name_them(doc):
    line = edits.find_line(doc, "1.1.2", "second")
    assert line["tests"]  # FY2567's lines carry examples they must pass
    edited = edits.update_line(doc, "1.1.2", "second", {k: v for k, v in line.items() if k != "tests"} | {"points": 1})
    assert edits.find_line(edited, "1.1.2", "second")["tests"] == line["tests"]
    assert [x.replace(" ", "") for x in changed_lines(doc, edited)] == ["-points:0.5", "+points:1"]


def test_renaming_a_fact_renames_it_in_the_line_tests_too(doc):
    renamed = edits.rename_fact(doc, "1.1.2", "followups", "checks")
    for line in edits.find_item(renamed, "1.1.2")["lines"]:
        assert all("checks" in case["records"] for case in line["tests"] if case.get("records"))
    compiled = valid(renamed)  # the line tests still run and pass
    assert compiled.items_by_code["1.1.2"].lines[0].id == "first"


# --------------------------------------------------------------------------- line tests (example cases)


def test_a_line_test_is_added_edited_and_removed_with_only_it_changed(doc):
    line = "second-presented"
    before = edits.line_tests(doc, "1.1.2", line)
    case = {"expect": "0.50", "records": {"followups": []}, "name": " none ", "round": "", "sections": []}
    added = edits.add_line_test(doc, "1.1.2", line, case)
    assert edits.line_tests(added, "1.1.2", line) == [
        *before,
        {"name": "none", "records": {"followups": []}, "expect": 0.5},
    ]
    assert edits.line_tests(doc, "1.1.2", line) == before  # the input is not changed
    parse_framework(dump_framework(added), "x.yaml")  # still a valid framework; the new case fails, not refuses
    assert len(changed_lines(doc, added)) == 4

    edited = edits.update_line_test(added, "1.1.2", line, 0, {"expect": 1, "staff_count": "12", "round": "R6"})
    assert edits.line_tests(edited, "1.1.2", line)[0] == {"round": "R6", "staff_count": 12, "expect": 1}
    assert edits.line_tests(edited, "1.1.2", line)[1:] == edits.line_tests(added, "1.1.2", line)[1:]

    removed = edits.remove_line_test(added, "1.1.2", line, len(before))
    assert removed == doc
    emptied = edits.set_line_tests(doc, "1.1.2", line, [])
    assert "tests" not in edits.find_line(emptied, "1.1.2", line)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"records": {}}, "คะแนนที่คาดว่าจะได้"),
        ({"expect": "half"}, "ต้องเป็นตัวเลข ไม่ใช่ half"),
        ({"expect": 0, "when": "x"}, "กำหนด when ให้กรณีทดสอบ"),
        ({"expect": 0, "staff_count": "-3"}, "ตั้งแต่ 0 ขึ้นไป ไม่ใช่ -3"),
    ],
)
def test_a_bad_line_test_is_refused(doc, case, message):
    with pytest.raises(EditError, match=message):
        edits.add_line_test(doc, "1.1.2", "second-presented", case)


def test_an_unknown_line_test_or_line_is_refused(doc):
    with pytest.raises(EditError, match="ไม่มีกรณีทดสอบที่ 9"):
        edits.remove_line_test(doc, "1.1.2", "second-presented", 9)
    with pytest.raises(EditError, match="nope"):
        edits.add_line_test(doc, "1.1.2", "nope", {"expect": 0})
