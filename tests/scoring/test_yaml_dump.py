"""The canonical framework text: loading it gives the same document, and dumping again the same text."""

from __future__ import annotations

from pathlib import Path

from pramern.scoring import parse_framework
from pramern.scoring.yamlio import dump_framework, load_text

FY2567 = Path(__file__).resolve().parents[2] / "frameworks-data" / "oae-2567.yaml"


def test_fy2567_dumps_to_a_text_that_loads_to_the_same_document_and_dumps_the_same_again():
    document = load_text(FY2567.read_text(encoding="utf-8"), FY2567.name)
    text = dump_framework(document)
    assert load_text(text, "again.yaml") == document
    assert dump_framework(load_text(text, "again.yaml")) == text
    assert "ติดตามผล" in text and "\\u0e" not in text  # Thai as text, not escapes
    assert parse_framework(text, "again.yaml").total_points == 120


def test_texts_with_line_breaks_are_blocks_and_odd_texts_survive():
    document = {
        "guidance_th": "บรรทัดแรก\nบรรทัดสอง\n",
        "odd": ["  leading spaces", "trailing ", "tab\there", "'quoted'", "yes", "1.0", "", "#not a comment", "ก: ข"],
        "version": "1",
    }
    text = dump_framework(document)
    assert "guidance_th: |\n  บรรทัดแรก\n  บรรทัดสอง\n" in text
    assert load_text(text, "x.yaml") == document


def test_line_tests_and_previous_round_trip():
    document = load_text(FY2567.read_text(encoding="utf-8"), FY2567.name)
    document["previous"] = {
        "code": "oae-2566",
        "version": "1",
        "items": {"1.2.2": "1.2.2", "7.1": None},
        "facts": {"1.2.2/followups": "followups", "7.7/reviews": None},
    }
    line = document["dimensions"][0]["items"][1]["items"][1]["lines"][2]  # 1.2.2 second-presented
    line["tests"].append(
        {"name": "สองครั้ง: เสนอ ผอ.", "round": "R12", "staff_count": {"R6": 40, "R12": 41}, "sections": ["s1"],
         "records": {"followups": [{"date": "2023-10-01", "presented_to_director": True, "note": "yes"}]},
         "expect": "0.50"}
    )  # fmt: skip
    text = dump_framework(document)
    assert load_text(text, "again.yaml") == document
    assert dump_framework(load_text(text, "again.yaml")) == text
    framework = parse_framework(text, "again.yaml")
    assert framework.previous is not None and framework.previous.items == {"1.2.2": "1.2.2", "7.1": None}
    case = framework.items_by_code["1.2.2"].lines[2].tests[-1]
    assert (case.name, case.sections, dict(case.staff_count)) == ("สองครั้ง: เสนอ ผอ.", ("s1",), {"R6": 40, "R12": 41})
