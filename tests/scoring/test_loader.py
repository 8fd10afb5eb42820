"""Loading a framework file validates everything and names file, item and field on error."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
import yaml

from pramern.scoring import FrameworkError, load_framework, parse_framework

MINI = {
    "format": "pramern-framework/1",
    "code": "mini",
    "version": "1",
    "title_th": "กรอบทดสอบ",
    "title_en": "Test framework",
    "total_points": 6,
    "rounds": [
        {
            "code": "R6",
            "title_th": "รอบ 6 เดือน",
            "title_en": "6-month round",
            "starts": "2023-08-01",
            "cutoff": "2024-02-28",
        },
        {
            "code": "R12",
            "title_th": "รอบ 12 เดือน",
            "title_en": "12-month round",
            "starts": "2023-08-01",
            "cutoff": "2024-07-31",
        },
    ],
    "dimensions": [
        {
            "code": "1",
            "title_th": "ด้านที่หนึ่ง",
            "title_en": "One",
            "points": 4,
            "items": [
                {
                    "code": "1.1",
                    "title_th": "กลุ่ม",
                    "title_en": "Group",
                    "points": 2,
                    "items": [
                        {
                            "code": "1.1.1",
                            "title_th": "ติดตามผล",
                            "title_en": "Follow-up",
                            "points": 2,
                            "guidance_th": "แนวทาง",
                            "guidance_en": "Guidance",
                            "evidence": [{"th": "บันทึก", "en": "Memo"}],
                            "assumptions": [{"id": "a", "th": "ข้อสมมติ", "en": "An assumption"}],
                            "facts": {
                                "followups": {
                                    "type": "event",
                                    "th": "การติดตาม",
                                    "en": "Follow-up",
                                    "fields": {"presented": {"type": "flag", "th": "เสนอ ผอ.", "en": "Presented"}},
                                }
                            },
                            "lines": [
                                {
                                    "id": "one",
                                    "round": "R6",
                                    "points": 1,
                                    "when": "count(followups) >= 1",
                                    "th": "หนึ่งครั้ง",
                                    "en": "Once",
                                    "missing_th": "ต้องติดตาม",
                                    "missing_en": "Needs one",
                                },
                                {
                                    "id": "two",
                                    "round": "R12",
                                    "points": 1,
                                    "when": "count(followups where presented) >= 2",
                                    "th": "สองครั้ง",
                                    "en": "Twice",
                                    "missing_th": "ต้องติดตามอีก",
                                    "missing_en": "Needs two",
                                },
                            ],
                        }
                    ],
                },
                {
                    "code": "1.2",
                    "title_th": "ข้อ",
                    "title_en": "Item",
                    "points": 2,
                    "guidance_th": "แนวทาง",
                    "guidance_en": "Guidance",
                    "facts": {"manual": {"type": "judgement", "th": "คู่มือ", "en": "Manual", "maximum": 2}},
                    "lines": [
                        {
                            "round": "R6",
                            "points_from": "value(manual)",
                            "th": "ตามการพิจารณา",
                            "en": "As judged",
                            "missing_th": "ต้องมีคู่มือ",
                            "missing_en": "Needs a manual",
                        }
                    ],
                },
            ],
        },
        {
            "code": "2",
            "title_th": "ด้านที่สอง",
            "title_en": "Two",
            "points": 2,
            "items": [
                {
                    "code": "2.1",
                    "title_th": "รางวัล",
                    "title_en": "Awards",
                    "points": 2,
                    "guidance_th": "แนวทาง",
                    "guidance_en": "Guidance",
                    "facts": {
                        "awards": {
                            "type": "choice",
                            "th": "รางวัล",
                            "en": "Award",
                            "fields": {"related": {"type": "flag", "th": "เกี่ยวข้อง", "en": "Related"}},
                            "options": {"moac": {"th": "กษ.", "en": "MOAC", "points": 1, "points_if": {"related": 2}}},
                        }
                    },
                    "lines": [
                        {
                            "round": "R12",
                            "points_from": "best(awards)",
                            "th": "รางวัลสูงสุด",
                            "en": "Best award",
                            "missing_th": "ยังไม่มี",
                            "missing_en": "None yet",
                        }
                    ],
                }
            ],
        },
    ],
}


def load(data: dict) -> None:
    parse_framework(yaml.safe_dump(data, allow_unicode=True), "mini.yaml")


def problems_of(data: dict) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        load(data)
    return caught.value.problems


def mutated(change) -> dict:
    data = copy.deepcopy(MINI)
    change(data)
    return data


def item_111(data: dict) -> dict:
    return data["dimensions"][0]["items"][0]["items"][0]


def test_the_mini_framework_is_valid():
    framework = parse_framework(yaml.safe_dump(MINI, allow_unicode=True), "mini.yaml")
    assert framework.key == "mini@1"
    assert [i.code for i in framework.items] == ["1.1.1", "1.2", "2.1"]
    assert framework.potential("R6") == Decimal(3)
    assert framework.potential("R12") == Decimal(6)
    assert framework.items_by_code["1.1.1"].assumptions[0].text.en == "An assumption"


def test_the_fy2567_framework_loads_with_the_digest_totals(fw2567):
    assert fw2567.key == "oae-2567@1"
    assert fw2567.total_points == 120
    assert len(fw2567.items) == 41
    assert {d.code: d.points for d in fw2567.dimensions} == {
        "1": 26, "2": 6, "3": 8, "4": 16, "5": 10, "6": 14, "7": 40,
    }  # fmt: skip
    groups = {g.code: g.points for d in fw2567.dimensions for g in d.groups}
    assert groups == {"1.1": 10, "1.2": 8, "1.3": 8, "4.1": 4, "4.2": 12, "7.1": 6}
    # the digest: assumed lines put 66.5 points in R6 and 53.5 more in R12
    assert fw2567.potential("R6") == Decimal("66.5")
    assert fw2567.potential("R12") == 120
    assert (fw2567.round("R6").starts.isoformat(), fw2567.round("R6").cutoff.isoformat()) == (
        "2023-08-01",
        "2024-02-28",
    )
    assert fw2567.round("R12").cutoff.isoformat() == "2024-07-31"


def test_every_digest_assumption_is_data_on_its_item(fw2567):
    assumed_items = {i.code for i in fw2567.items if i.assumptions}
    assert {"1.1.1", "1.1.2", "1.1.3", "3.1", "4.2.2", "4.2.3", "6.3", "7.1.3", "7.2", "7.3", "7.8"} <= assumed_items
    for item in fw2567.items:
        for assumption in item.assumptions:
            assert assumption.text.th and assumption.text.en
        if any(line.assumed for line in item.lines):
            assert item.assumptions, f"{item.code} has assumed lines but no assumption text"


def test_every_fy2567_item_has_thai_texts_and_english_titles(fw2567):
    for item in fw2567.items:
        assert item.title.th and item.title.en and item.guidance.th and item.evidence, item.code
        for line in item.lines:
            assert line.text.th and line.missing.th and line.text.en and line.missing.en


def test_the_ocr_errors_listed_in_the_digest_are_fixed(fw2567):
    texts = [t for i in fw2567.items for t in (i.title, i.guidance, *i.evidence)]
    text = "\n".join(f"{t.th}\n{t.en}" for t in texts)
    for garble in ("คณะแผน", "สศค.", "สตก.", "5.ค.66", "ภาระประเมิน", "ของทาง", "ค่ารับรอง", "เสร็จ ผอ.", "โลรางวัล",
                   "แล้งกี่งาน", "ในภาพประชุมกอง", "ชำนาญงาน/กอง", "ประชาสัมพันธ์มรดก", "กรรมการเทคโนโลยี"):  # fmt: skip
        assert garble not in text, garble
    assert fw2567.items_by_code["7.1.1"].title.th.startswith("ประชาสัมพันธ์กิจกรรม 5 ส.")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: item_111(d)["lines"][0].update(when="count(folowups) >= 1"),
         "mini.yaml: item 1.1.1: lines[0].when: column 7: unknown name 'folowups'"),
        (lambda d: item_111(d)["lines"][0].update(when="count(followups) >="),
         "mini.yaml: item 1.1.1: lines[0].when: column 20: expected a value but found the end of the rule"),
        (lambda d: item_111(d)["lines"][0].update(points=3),
         "mini.yaml: item 1.1.1: lines[0].points: the line can give 3, more than the item's 2"),
        (lambda d: d["dimensions"][1]["items"][0]["facts"]["awards"]["options"]["moac"]["points_if"].update(related=5),
         "mini.yaml: item 2.1: lines[0].points: the line can give 5, more than the item's 2"),
        (lambda d: item_111(d).update(points=3),
         "mini.yaml: group 1.1: points: its items add up to 3, not 2"),
        (lambda d: d["dimensions"][0].update(points=5),
         "mini.yaml: dimension 1: points: its items add up to 4, not 5"),
        (lambda d: d.update(total_points=120),
         "mini.yaml: total_points: the dimensions add up to 6, not 120"),
        (lambda d: d["dimensions"][1]["items"][0].update(code="1.2"),
         "mini.yaml: item 1.2: code: duplicate code '1.2'"),
        (lambda d: d["dimensions"][1]["items"][0].update(code="3.1"),
         "mini.yaml: item 3.1: code: must start with its parent's code '2'"),
        (lambda d: d["rounds"][0].update(cutoff="2024-02-30"),
         "mini.yaml: round R6: cutoff: '2024-02-30' is not a date"),
        (lambda d: d["rounds"][1].update(starts="1 ส.ค. 66"),
         "mini.yaml: round R12: starts: '1 ส.ค. 66' is not a date"),
        (lambda d: d["rounds"][1].update(cutoff="2024-01-31"),
         "mini.yaml: round R12: cutoff: rounds are cumulative"),
        (lambda d: item_111(d)["lines"][1].update(round="R9"),
         "mini.yaml: item 1.1.1: lines[1].round: unknown round 'R9' (rounds: R6, R12)"),
        (lambda d: item_111(d)["lines"][1].update(id="one"),
         "mini.yaml: item 1.1.1: lines[1].id: duplicate line id 'one'"),
        (lambda d: item_111(d)["facts"]["followups"].update(type="meeting"),
         "mini.yaml: item 1.1.1: facts.followups.type: unknown fact type 'meeting'"),
        (lambda d: item_111(d)["facts"]["followups"]["fields"].update(date={"type": "flag", "th": "ก", "en": "a"}),
         "mini.yaml: item 1.1.1: facts.followups.fields.date: 'date' is a built-in field"),
        (lambda d: item_111(d)["lines"][0].pop("missing_th"),
         "mini.yaml: item 1.1.1: lines[0].missing_th: is required"),
        (lambda d: item_111(d).pop("title_th"),
         "mini.yaml: item 1.1.1: title_th: is required"),
        (lambda d: item_111(d)["lines"][0].update(points_from="best(awards)"),
         "mini.yaml: item 1.1.1: lines[0]: give either points (with when) or points_from"),
        (lambda d: item_111(d)["lines"][0].update(points=0.5, when="count(followups) >= 1"),
         "mini.yaml: item 1.1.1: lines: the lines can give at most 1.5 of the item's 2 points"),
        (lambda d: d.update(format="pramern-framework/0"),
         "mini.yaml: format: expected 'pramern-framework/1'"),
        (lambda d: d["dimensions"][1]["items"][0]["facts"]["awards"]["options"]["moac"].update({"phone": None}),
         "mini.yaml: item 2.1: facts.awards.options.moac.phone: unknown key (expected one of: en, points, points_if, th)"),
        (lambda d: item_111(d)["lines"][0].update(wehn="count(followups) >= 1"),
         "mini.yaml: item 1.1.1: lines[0].wehn: unknown key"),
        (lambda d: item_111(d).update(guidance="x"),
         "mini.yaml: item 1.1.1: guidance: unknown key"),
        (lambda d: d.update(titel_th="x"),
         "mini.yaml: titel_th: unknown key"),
        (lambda d: d["dimensions"][0]["items"][1]["facts"]["manual"].update(maximum="lots"),
         "mini.yaml: item 1.2: facts.manual.maximum: expected a number of points, got 'lots'"),
    ],
)  # fmt: skip
def test_problems_name_file_item_and_field(change, expected):
    problems = problems_of(mutated(change))
    assert any(p.startswith(expected) for p in problems), problems


def test_all_problems_are_reported_together():
    def two_problems(data):
        item_111(data)["lines"][0]["when"] = "count(nothing) >= 1"
        data["dimensions"][1]["items"][0]["lines"][0]["round"] = "R99"

    problems = problems_of(mutated(two_problems))
    assert len(problems) == 2


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: x\nrounds: [\n  - oops\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    assert caught.value.problems[0].startswith("broken.yaml: not valid YAML:")
    assert "line" in caught.value.problems[0]


def test_a_missing_file_is_a_clear_problem(tmp_path):
    with pytest.raises(FrameworkError, match="missing.yaml: No such file"):
        load_framework(tmp_path / "missing.yaml")


def test_nothing_about_a_specific_item_is_hard_coded_in_python():
    """Item codes live in the framework file only; the engine never mentions one."""
    from pathlib import Path

    import pramern.scoring

    source = "".join(p.read_text(encoding="utf-8") for p in Path(pramern.scoring.__file__).parent.glob("*.py"))
    for code in ("1.2.2", "4.2.4", "5.1", "6.1", "7.3", "7.4", "3.1"):
        assert f'"{code}"' not in source and f"'{code}'" not in source
