"""What ``diff_frameworks`` lists between FY2567 and copies of it edited as a new year would be."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from pramern.cli import main
from pramern.scoring import Framework, parse_framework
from pramern.scoring.diff import Change, diff_frameworks, word_diff
from pramern.scoring.mapping import mapping_between
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.thaitext import _libthai, words
from tests.conftest import FRAMEWORK_FILE, ROOT

TEXT = FRAMEWORK_FILE.read_text(encoding="utf-8")
DOCUMENT = load_text(TEXT, FRAMEWORK_FILE.name)


def edited(change: Callable[[dict[str, Any]], None]) -> Framework:
    """FY2567 with ``change`` applied to its document, written out and compiled again."""
    document = copy.deepcopy(DOCUMENT)
    change(document)
    return parse_framework(dump_framework(document), "edited.yaml")


def group(document: dict[str, Any], code: str) -> dict[str, Any]:
    dimension = next(d for d in document["dimensions"] if code.startswith(d["code"] + "."))
    return next(g for g in dimension["items"] if g["code"] == code)


def item(document: dict[str, Any], code: str) -> dict[str, Any]:
    for dimension in document["dimensions"]:
        for child in dimension["items"]:
            for candidate in child.get("items", [child]):
                if candidate["code"] == code:
                    return candidate
    raise KeyError(code)


def move_123_to_134(document: dict[str, Any]) -> None:
    """1.2.3 becomes 1.3.4 (sub-dimension 1.2 gives its points to 1.3; dimension 1 keeps 26)."""
    moved = group(document, "1.2")["items"].pop(2)
    group(document, "1.2")["points"] -= moved["points"]
    moved["code"] = "1.3.4"
    group(document, "1.3")["items"].append(moved)
    group(document, "1.3")["points"] += moved["points"]


def test_an_unchanged_framework_gives_an_empty_diff(fw2567):
    same = edited(lambda d: d.update(version="2"))  # another version with the same content
    diff = diff_frameworks(fw2567, same)
    assert diff.empty
    assert diff.items == diff.added == diff.removed == diff.changes == diff.nodes == ()
    data = diff.to_json()
    assert data["empty"] is True and data["items"] == {"added": [], "removed": [], "changed": []}
    assert data["potential"] == [
        {"round": "R6", "old": "66.5", "new": "66.5"},
        {"round": "R12", "old": "120", "new": "120"},
    ]
    assert data["old"]["version"] == "1" and data["new"]["version"] == "2"


def test_a_renumbered_and_moved_item_through_the_mapping(fw2567):
    new = edited(move_123_to_134)
    diff = diff_frameworks(fw2567, new, mapping_between(fw2567, new, {"1.2.3": "1.3.4"}))
    assert diff.added == diff.removed == ()
    [moved] = diff.items
    assert (moved.old.code, moved.new.code) == ("1.2.3", "1.3.4")
    assert moved.renumbered and moved.moved == ("1.2", "1.3")
    assert moved.changes == moved.facts == moved.lines == ()  # nothing else changed
    assert diff.renumbered == diff.moved == (moved,)
    nodes = {(n.code, n.status): [(c.path, c.old, c.new) for c in n.changes] for n in diff.nodes}
    assert nodes == {
        ("1.2", "changed"): [("points", Decimal(8), Decimal(6))],
        ("1.3", "changed"): [("points", Decimal(8), Decimal(10))],
    }
    assert diff.to_json()["items"]["changed"][0]["moved"] == {"old": "1.2", "new": "1.3"}


def test_without_the_mapping_the_item_is_removed_and_another_added(fw2567):
    diff = diff_frameworks(fw2567, edited(move_123_to_134))
    assert [i.code for i in diff.removed] == ["1.2.3"]
    assert [i.code for i in diff.added] == ["1.3.4"]
    assert diff.items == ()


def test_a_renumbered_item_in_the_same_sub_dimension_is_not_moved(fw2567):
    new = edited(lambda d: item(d, "1.2.3").update(code="1.2.9"))
    [renumbered] = diff_frameworks(fw2567, new, mapping_between(fw2567, new, {"1.2.3": "1.2.9"})).items
    assert renumbered.renumbered and renumbered.moved is None


def test_added_and_removed_items(fw2567):
    def change(document: dict[str, Any]) -> None:
        items = group(document, "1.2")["items"]
        removed = items.pop(2)  # 1.2.3, 2 points
        added = copy.deepcopy(removed)
        added.update(code="1.2.4", title_th="มีการประเมินผลมาตรการฯ", title_en="The measures are evaluated")
        items.append(added)

    diff = diff_frameworks(fw2567, edited(change))
    assert [(i.code, i.title.th) for i in diff.added] == [("1.2.4", "มีการประเมินผลมาตรการฯ")]
    assert [i.code for i in diff.removed] == ["1.2.3"]
    assert diff.items == () and diff.nodes == ()
    data = diff.to_json()["items"]
    assert data["added"] == [
        {"code": "1.2.4", "title_th": "มีการประเมินผลมาตรการฯ", "title_en": "The measures are evaluated",
         "points": "2", "dimension": "1", "group": "1.2"}
    ]  # fmt: skip
    assert data["removed"][0]["code"] == "1.2.3"


def _needs_libthai() -> None:
    """Under CI a missing libthai fails (.ci/run installs it); elsewhere the test skips, saying how to install it."""
    if _libthai() is None:
        message = "libthai not found: install it with `sudo apt-get install libthai0`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_thai_words_come_from_the_dictionary():
    _needs_libthai()
    assert words("มีการติดตามผลการดำเนินงาน 2 ครั้ง") == ["มี", "การ", "ติดตาม", "ผล", "การ", "ดำเนิน", "งาน", " ", "2", " ", "ครั้ง"]  # fmt: skip


def test_words_keep_every_character():
    text = "ผอ. สำนัก/ศูนย์/กองมีการติดตามผล (ตามข้อ 1)\nอย่างน้อย 2 ครั้งต่อปี — Follow-ups"
    assert "".join(words(text)) == text


def test_changed_thai_guidance_is_compared_word_by_word(fw2567):
    def change(document: dict[str, Any]) -> None:
        guidance = item(document, "1.2.2")["guidance_th"]
        item(document, "1.2.2")["guidance_th"] = guidance.replace("มีการติดตามผล", "มีการตรวจสอบผล", 1)

    [changed] = diff_frameworks(fw2567, edited(change)).items
    [guidance] = changed.changes
    assert guidance.path == "guidance.th" and guidance.label.th == "แนวทางการดำเนินการ (ไทย)"
    assert "".join(t for op, t in guidance.words if op != "+") == guidance.old
    assert "".join(t for op, t in guidance.words if op != "-") == guidance.new
    assert changed.lines == changed.facts == ()


def test_a_changed_thai_word_is_marked_whole():
    _needs_libthai()
    runs = word_diff("มีการติดตามผลการดำเนินงาน", "มีการตรวจสอบผลการดำเนินงาน")
    assert runs == (("=", "มีการ"), ("-", "ติดตาม"), ("+", "ตรวจสอบ"), ("=", "ผลการดำเนินงาน"))


def test_word_diff_puts_what_was_removed_before_what_was_added():
    runs = word_diff("ติดตามผล 2 ครั้ง", "ติดตามผล 3 ครั้ง")
    assert runs == (("=", "ติดตามผล "), ("-", "2"), ("+", "3"), ("=", " ครั้ง"))


def test_points_moved_between_lines_change_the_potential_of_the_first_round(fw2567):
    def change(document: dict[str, Any]) -> None:
        lines = item(document, "1.2.2")["lines"]
        lines[0]["points"] = 0.5  # "first", R6: 1 -> 0.5
        lines[1]["points"] = 1  # "second", R12: 0.5 -> 1

    diff = diff_frameworks(fw2567, edited(change))
    [changed] = diff.items
    assert [(ln.id, [(c.path, c.old, c.new) for c in ln.changes]) for ln in changed.lines] == [
        ("first", [("points", Decimal(1), Decimal("0.5"))]),
        ("second", [("points", Decimal("0.5"), Decimal(1))]),
    ]
    potential = {p.code: (p.old, p.new) for p in diff.potential}
    assert potential == {"R6": (Decimal("66.5"), Decimal(66)), "R12": (Decimal(120), Decimal(120))}


def test_a_line_moved_to_another_round(fw2567):
    diff = diff_frameworks(fw2567, edited(lambda d: item(d, "1.2.2")["lines"][1].update(round="R6")))
    [line] = diff.items[0].lines
    assert (line.id, [(c.path, c.old, c.new) for c in line.changes]) == ("second", [("round", "R12", "R6")])
    assert [(p.code, p.delta) for p in diff.potential] == [("R6", Decimal("0.5")), ("R12", Decimal(0))]


def test_conditions_facts_options_and_line_texts(fw2567):
    def change(document: dict[str, Any]) -> None:
        lines = item(document, "1.2.2")["lines"]
        lines[2]["when"] = "count(followups where presented_to_director) >= 3"
        lines[2]["th"] = "ติดตามผล 3 ครั้ง และเสนอ ผอ. ทราบ"
        followups = item(document, "1.2.2")["facts"]["followups"]
        followups["fields"]["in_meeting"] = {"type": "flag", "th": "รายงานในที่ประชุม", "en": "Reported at a meeting"}
        lines[2]["tests"][0]["expect"] = 0  # two presented follow-ups no longer give it
        item(document, "7.4")["facts"]["awards"]["options"]["moac"]["points"] = 1.5

    diff = diff_frameworks(fw2567, edited(change))
    by_code = {d.new.code: d for d in diff.items}
    [line] = by_code["1.2.2"].lines
    paths = {c.path: c for c in line.changes}
    assert set(paths) == {"condition", "text.th"}
    assert paths["condition"].new == "count(followups where presented_to_director) >= 3"
    assert [r for r in paths["text.th"].words if r[0] != "="] == [("-", "2"), ("+", "3")]
    [fact] = by_code["1.2.2"].facts
    assert (fact.old, fact.new, fact.status) == ("followups", "followups", "changed")
    assert [(c.path, c.old, c.new) for c in fact.changes] == [("fields.in_meeting", None, "รายงานในที่ประชุม (flag)")]
    [option] = by_code["7.4"].facts[0].changes
    assert (option.path, option.old, option.new) == ("options.moac.points", Decimal(2), Decimal("1.5"))
    assert option.label.th == "ตัวเลือก moac: คะแนน"


def test_a_line_added_and_a_line_removed(fw2567):
    def change(document: dict[str, Any]) -> None:
        lines = item(document, "1.2.2")["lines"]
        lines[2]["id"] = "presented"  # the same line under another id: one removed, one added

    [changed] = diff_frameworks(fw2567, edited(change)).items
    assert [(ln.id, ln.status) for ln in changed.lines] == [("second-presented", "removed"), ("presented", "added")]
    added = changed.to_json()["lines"][1]
    assert added["line"] == {
        "id": "presented", "round": "R12", "points": "0.5",
        "condition": "count(followups where presented_to_director) >= 2", "points_from": None,
        "th": "ติดตามผล 2 ครั้ง และเสนอ ผอ. ทราบ",
    }  # fmt: skip


def test_framework_titles_rounds_and_evidence(fw2567):
    def change(document: dict[str, Any]) -> None:
        document["title_th"] = document["title_th"].replace("2567", "2570")
        document["rounds"][0]["cutoff"] = "2024-03-31"
        item(document, "1.2.2")["evidence"].append({"th": "ภาพถ่ายการประชุม", "en": "Photos of the meeting"})

    diff = diff_frameworks(fw2567, edited(change))
    assert [c.path for c in diff.changes] == ["title.th", "rounds.R6.cutoff"]
    title, cutoff = diff.changes
    assert [r for r in title.words if r[0] != "="] == [("-", "2567"), ("+", "2570")]
    assert cutoff.to_json() == {"path": "rounds.R6.cutoff", "old": "2024-02-28", "new": "2024-03-31"}
    assert cutoff.label.th == "รอบการประเมิน R6: วันตัดรอบ"
    assert [(c.path, c.old, c.new) for c in diff.items[0].changes] == [
        ("evidence[1].th", None, "ภาพถ่ายการประชุม"),
        ("evidence[1].en", None, "Photos of the meeting"),
    ]
    assert [p.code for p in diff.potential if p.changed] == []  # a date moves no line


def test_a_reworded_evidence_example_is_a_change_of_it(fw2567):
    def change(document: dict[str, Any]) -> None:
        example = item(document, "1.2.2")["evidence"][0]
        example["th"] = example["th"].replace("บันทึกข้อความ", "หนังสือ", 1)

    [evidence] = diff_frameworks(fw2567, edited(change)).items[0].changes
    assert evidence.path == "evidence[0].th"
    assert evidence.old.startswith("บันทึกข้อความ") and evidence.new.startswith("หนังสือ")
    assert "".join(t for op, t in evidence.words if op != "-") == evidence.new


def test_the_json_is_plain_data(fw2567):
    new = edited(move_123_to_134)
    data = diff_frameworks(fw2567, new, mapping_between(fw2567, new, {"1.2.3": "1.3.4"})).to_json()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["format"] == "pramern-framework-diff/1"
    assert data["nodes"][0]["changes"] == [{"path": "points", "old": "8", "new": "6"}]


def test_a_change_without_words_is_not_text():
    assert not Change("points", Decimal(1), Decimal(2)).is_text


# -- the command -------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path):
    def change(document: dict[str, Any]) -> None:
        document["version"] = "2"
        lines = item(document, "1.2.2")["lines"]
        lines[1]["round"] = "R6"
        guidance = item(document, "1.2.2")["guidance_th"]
        item(document, "1.2.2")["guidance_th"] = guidance.replace("อย่างน้อย 2 ครั้งต่อปี", "อย่างน้อย 3 ครั้งต่อปี")

    document = copy.deepcopy(DOCUMENT)
    change(document)
    new = tmp_path / "oae-2567-v2.yaml"
    new.write_text(dump_framework(document), encoding="utf-8")
    return FRAMEWORK_FILE, new


def test_the_command_prints_the_diff_in_thai(files, capsys):
    assert main(["framework", "diff", str(files[0]), str(files[1])]) == 0
    out = capsys.readouterr().out
    assert "เปรียบเทียบกรอบการประเมิน oae-2567@1 → oae-2567@2" in out
    assert "R6     66.5 → 67     (+0.5)" in out
    assert "รายการที่เปลี่ยน (1)" in out and "  1.2.2  มีการติดตามการดำเนินงานตามมาตรการฯ" in out
    assert "อย่างน้อย [-2-]{+3+} ครั้งต่อปี" in out
    assert "รอบที่เริ่มให้คะแนน: R12 → R6" in out


def test_the_command_says_when_nothing_differs(capsys):
    assert main(["framework", "diff", str(FRAMEWORK_FILE), str(FRAMEWORK_FILE)]) == 0
    assert "ไม่มีความแตกต่าง" in capsys.readouterr().out


def test_the_command_prints_json(files, capsys):
    assert main(["framework", "diff", str(files[0]), str(files[1]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["new"]["version"] == "2" and not data["empty"]
    [changed] = data["items"]["changed"]
    assert changed["new_code"] == "1.2.2"
    assert [c["path"] for c in changed["changes"]] == ["guidance.th"]
    assert changed["lines"][0]["changes"] == [{"path": "round", "old": "R12", "new": "R6"}]
    assert data["potential"][0] == {"round": "R6", "old": "66.5", "new": "67"}


def test_a_bad_file_exits_2_and_prints_nothing_on_stdout(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: pramern-framework/1\ncode: x\n", encoding="utf-8")
    assert main(["framework", "diff", str(FRAMEWORK_FILE), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bad.yaml" in captured.err
    assert main(["framework", "diff", str(tmp_path / "missing.yaml"), str(FRAMEWORK_FILE)]) == 2


def test_the_documented_example_is_what_the_command_prints(files, capsys):
    opening = "```text\n# pramern framework diff oae-2567.yaml oae-2567-v2.yaml\n"
    documented = (ROOT / "docs" / "comparing.md").read_text(encoding="utf-8").split(opening, 1)[1].split("```", 1)[0]
    assert main(["framework", "diff", str(files[0]), str(files[1])]) == 0
    assert capsys.readouterr().out == documented


def test_the_new_frameworks_previous_pairs_the_items(fw2567):
    def change(document: dict[str, Any]) -> None:
        move_123_to_134(document)
        document["version"] = "2"
        document["previous"] = {"code": "oae-2567", "version": "1", "items": {"1.2.3": "1.3.4"}}

    diff = diff_frameworks(fw2567, edited(change))  # no mapping given: previous: is read
    assert [(d.old.code, d.new.code) for d in diff.renumbered] == [("1.2.3", "1.3.4")]
    assert diff.added == diff.removed == ()
