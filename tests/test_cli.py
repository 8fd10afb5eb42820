"""The `pramern` console command, run as installed in the virtualenv."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FRAMEWORK_FILE

PRAMERN = Path(sys.executable).parent / "pramern"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PRAMERN), *args], capture_output=True, text=True, encoding="utf-8", check=False)


def test_framework_check_summarises_the_framework():
    done = run("framework", "check", str(FRAMEWORK_FILE))
    assert done.returncode == 0, done.stderr
    assert "oae-2567.yaml: OK — oae-2567@1" in done.stdout
    assert "7 dimensions, 41 items, 81 scoring lines" in done.stdout
    assert "      7     40  อื่น ๆ" in done.stdout
    assert "R6     66.5  (+66.5)  รอบ 6 เดือน: 1 ส.ค. 2566 – 28 ก.พ. 2567" in done.stdout
    assert "R12     120  (+53.5)" in done.stdout


def test_framework_check_refuses_a_broken_file_naming_item_and_field(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        FRAMEWORK_FILE.read_text(encoding="utf-8").replace("count(followups) >= 2", "count(folowups) >= 2", 1),
        encoding="utf-8",
    )
    done = run("framework", "check", str(broken))
    assert done.returncode == 2
    assert done.stdout == ""
    assert (
        "broken.yaml: item 1.1.2: lines[1].when: column 7: unknown name 'folowups' (facts of this item: followups"
        in done.stderr
    )


def test_score_prints_a_thai_table_for_the_final_round_by_default():
    done = run("score", str(EXAMPLES / "strong-unit.yaml"))
    assert done.returncode == 0, done.stderr
    assert "ผลคะแนน ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร (oae-ict)" in done.stdout
    assert "รอบ 12 เดือน · ผลงาน 1 ส.ค. 2566 – 31 ก.ค. 2567" in done.stdout
    assert "  1.2.3      1/2  " in done.stdout
    assert "✗ ยังไม่ได้ 1 คะแนน (การทบทวนเสนอ ผอ. ทราบ): ต้องเสนอผลการทบทวนให้ ผอ. ทราบ" in done.stdout
    assert "รวม 110.5 จาก 120 คะแนน" in done.stdout
    # assumptions are shown wherever the item's rules are
    assert "✓ ได้ 6 คะแนน" not in done.stdout
    assert "✓ ได้ 4 คะแนน: แลกเปลี่ยนเรียนรู้กับหน่วยงานภายใน สศก. อย่างน้อย 7 ครั้ง [ข้อสมมติ]" in done.stdout
    assert "※ ข้อสมมติ: การเชิญวิทยากรมาบรรยายไม่นับเป็นการแลกเปลี่ยนภายนอก" in done.stdout
    assert "ยังทำเพิ่มได้อีก 9.5 คะแนน" in done.stdout


def test_score_json_for_a_round():
    done = run("score", str(EXAMPLES / "strong-unit.yaml"), "--round", "R6", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["framework"], data["unit"], data["round"], data["total"], data["max"]) == (
        "oae-2567@1", "oae-ict", "R6", 58, 120,
    )  # fmt: skip
    assert data["dimensions"] == {"1": 14, "2": 5, "3": 5, "4": 5.5, "5": 4.5, "6": 6.5, "7": 17.5}
    assert data["items"]["6.3"] == {
        "points": 3.5,
        "max": 4,
        "lines": [{
            "points": 3.5, "earned": True,
            "explanation_th": "ได้ 3.5 คะแนน: คะแนนคู่มือการปฏิบัติงานตามการพิจารณา",
            "explanation_en": "Earned 3.5 points: Points for the operations manual, as judged",
        }],
    }  # fmt: skip


def test_score_verified_uses_the_evaluators_values():
    data = json.loads(run("score", str(EXAMPLES / "strong-unit.yaml"), "--json", "--verified").stdout)
    assert data["items"]["6.3"]["points"] == 3
    assert data["total"] == 110


def test_score_with_an_explicit_framework_file():
    done = run("score", str(EXAMPLES / "empty-unit.yaml"), "--framework", str(FRAMEWORK_FILE), "--json")
    assert json.loads(done.stdout)["total"] == 0


BAD_INPUTS = [
    ("malformed.yaml", "format: [oops\n", "malformed.yaml: not valid YAML:"),
    ("malformed.json", '{"format": ', "malformed.json: not valid JSON:"),
    ("unknown-item.yaml", "ITEMS: {'9.9': {}}", "unknown-item.yaml: item 9.9: unknown item"),
    ("wrong-type.yaml", "ITEMS: {'5.1': {respondents: [{date: '2024-01-01', value: many}]}}",
     "wrong-type.yaml: item 5.1: respondents[0].value: expected a number, got 'many'"),
    ("bad-date.yaml", "ITEMS: {'1.2.2': {followups: [{date: '31/07/2567'}]}}",
     "bad-date.yaml: item 1.2.2: followups[0].date: '31/07/2567' is not a date"),
    ("no-framework.yaml", "format: pramern-assessment/1\nframework: {code: oae-2599, version: '1'}\n",
     "no-framework.yaml: framework: no framework oae-2599@1 found"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exits_2_names_the_place_and_prints_no_result(tmp_path, name, content, message):
    if content.startswith("ITEMS: "):
        header = (
            "format: pramern-assessment/1\nframework: {code: oae-2567, version: '1'}\n"
            "unit: {code: u, name_th: หน่วยทดสอบ}\nstaff_count: 10\n"
        )
        content = header + "items: " + content.removeprefix("ITEMS: ") + "\n"
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    for extra in ((), ("--json",)):
        done = run("score", str(path), *extra)
        assert done.returncode == 2
        assert done.stdout == ""
        assert message in done.stderr


def test_an_unknown_round_or_missing_file_exits_2(tmp_path):
    done = run("score", str(EXAMPLES / "empty-unit.yaml"), "--round", "R9")
    assert (done.returncode, done.stdout) == (2, "")
    assert "--round 'R9': unknown round (rounds: R6, R12)" in done.stderr
    done = run("score", str(tmp_path / "nothing.yaml"))
    assert (done.returncode, done.stdout) == (2, "")
    assert "nothing.yaml: No such file or directory" in done.stderr


HUGE_EXPONENT = """format: pramern-assessment/1
framework: {code: oae-2567, version: "1"}
unit: {code: oae-x, name_th: หน่วยทดสอบ}
staff_count: 20
items:
  "5.1":
    respondents: [{date: "2024-01-10", value: "%s"}]
"""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1e10000000", "item 5.1: respondents[0].value: expected a number, got '1e10000000' (an exponent larger"),
        ("NaN", "item 5.1: respondents[0].value: expected a number, got 'NaN'"),
        ("21", "item 5.1: respondents[0].value: 21 is more than the unit's staff in R6 (20)"),
    ],
)
def test_score_refuses_huge_nan_and_over_staff_numbers_within_a_second(tmp_path, capsys, value, expected):
    from pramern.cli import main

    path = tmp_path / "huge.yaml"
    path.write_text(HUGE_EXPONENT % value, encoding="utf-8")
    started = time.perf_counter()
    status = main(["score", str(path), "--framework", str(FRAMEWORK_FILE)])
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert f"huge.yaml: {expected}" in err
    # a bound on a hang, not a speed: turning 1e10000000 into a number would take minutes, and
    # the machine running the suite may be busy (the framework's own load is in this time too)
    assert elapsed < 10.0


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("digits.json", '{"format": "pramern-assessment/1", "staff_count": ' + "9" * 5000 + "}",
         "digits.json: not accepted JSON: a number with thousands of digits"),
        ("digits.yaml", "format: pramern-assessment/1\nstaff_count: " + "9" * 5000 + "\n",
         "digits.yaml: not accepted YAML: a number with thousands of digits"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "deep.json: not accepted: lists and mappings nested more than 32"),
    ],
)  # fmt: skip
def test_score_refuses_huge_integers_and_deep_nesting_without_a_traceback(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = run("score", str(path))
    assert (done.returncode, done.stdout) == (2, "")
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
