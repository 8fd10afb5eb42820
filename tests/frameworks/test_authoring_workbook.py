"""The authoring workbook: a framework to xlsx and back, unchanged; edits come back; every problem
is named by sheet, row and column; the CLI both ways; the download on the framework page."""

from __future__ import annotations

import copy
import functools
import io
import unicodedata
import zipfile
from typing import Any

import openpyxl
import pytest

from pramern.cli import main
from pramern.frameworks.workbook import (
    NOT_A_WORKBOOK,
    WorkbookError,
    read_authoring_workbook,
    write_authoring_workbook,
)
from pramern.scoring import parse_framework
from pramern.scoring.yamlio import dump_framework, load_text
from tests.conftest import FRAMEWORK_FILE


def fy2567() -> dict[str, Any]:
    return load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), FRAMEWORK_FILE.name)


@functools.cache
def fy2567_xlsx() -> bytes:
    """FY2567's workbook, written once for the tests that edit it."""
    return to_xlsx(fy2567())


def to_xlsx(document: dict[str, Any]) -> bytes:
    stream = io.BytesIO()
    write_authoring_workbook(document, stream)
    return stream.getvalue()


def from_xlsx(data: bytes, **options: Any) -> dict[str, Any]:
    return read_authoring_workbook(io.BytesIO(data), **options)


def edited(data: bytes, change) -> bytes:
    """``data`` opened in openpyxl, changed by ``change(book)`` and saved, as a person would."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_of(sheet, key: str) -> int:
    """The column (1-based) whose key (row 2) is ``key``."""
    return next(cell.column for cell in sheet[2] if cell.value == key)


def row_of(sheet, **match: Any) -> int:
    """The first data row whose cells equal ``match`` (column key → value)."""
    columns = {key: column_of(sheet, key) for key in match}
    for row in range(3, sheet.max_row + 1):
        if all(sheet.cell(row, column).value == match[key] for key, column in columns.items()):
            return row
    raise LookupError(match)


def problems_of(data: bytes, **options: Any) -> list[str]:
    with pytest.raises(WorkbookError) as caught:
        from_xlsx(data, **options)
    return caught.value.problems


# --- Round trips -------------------------------------------------------------------------------


def test_fy2567_round_trips_exactly():
    document = fy2567()
    back = from_xlsx(to_xlsx(document))
    assert back == document
    assert dump_framework(back) == dump_framework(document)


def test_the_sheets_a_thai_office_fills():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(fy2567())))
    assert book.sheetnames == [
        "วิธีใช้",
        "กรอบการประเมิน",
        "รอบการประเมิน",
        "ข้อสมมติของกรอบ",
        "โครงสร้าง",
        "ตัวอย่างหลักฐาน",
        "ข้อสมมติรายข้อ",
        "ข้อมูลที่บันทึก",
        "ช่องข้อมูล",
        "ตัวเลือกของช่อง",
        "ตัวเลือกคะแนน",
        "บรรทัดคะแนน",
        "กรณีทดสอบ",
        "เทียบปีก่อน",
    ]
    lines = book["บรรทัดคะแนน"]
    assert [c.value for c in lines[1]][:7] == ["รหัสข้อ", "รหัสบรรทัด", "รอบ", "คะแนน", "คะแนนจาก", "ข้อสมมติ", "เงื่อนไข"]
    assert [c.value for c in lines[2]][:7] == ["item", "id", "round", "points", "points_from", "assumed", "when"]
    assert lines.freeze_panes == "C3"
    assert lines["A1"].font.name == "Tahoma"
    row = row_of(lines, item="1.1.2", id="second")
    points = lines.cell(row, column_of(lines, "points"))
    assert points.value == 0.5 and points.data_type == "n"  # a number Excel can add up
    tree = book["โครงสร้าง"]
    guidance = tree.cell(row_of(tree, code="1.1.2"), column_of(tree, "guidance_th"))
    assert guidance.alignment.wrap_text
    assert tree.column_dimensions["G"].width >= 40
    kinds = [v for v in tree.data_validations.dataValidation if v.formula1 == '"ด้าน,ด้านย่อย,ข้อ"']
    assert str(kinds[0].sqref).startswith("C3:C")  # the kind is picked from a list


def test_numbers_keep_their_yaml_type_and_odd_documents_survive():
    """Every kind of value the format holds, in key orders and shapes the columns alone could not keep."""
    document = fy2567()
    item = document["dimensions"][0]["items"][0]["items"][1]  # 1.1.2
    item["lines"][0]["points"] = 1.0  # a whole float stays a float
    item["lines"][1]["points"] = "0.5"  # text stays text
    item["lines"][2] = {"when": item["lines"][2].pop("when"), **item["lines"][2]}  # another key order
    item["evidence"] = []  # an empty list stays
    item["facts"]["followups"]["fields"]["presented_to_director"]["required"] = False
    item["facts"]["followups"]["odd"] = None  # a key no column holds
    item["guidance_th"] = "  บรรทัดแรก\n\tย่อหน้า\n=สูตร? ไม่ใช่\n"
    item["title_en"] = "=1+1"
    item["lines"][0]["en"] = "Windows line\r\nends, a bell \x07 and a tab\t"  # not cell text: kept as YAML
    document["rounds"][0]["starts"] = " 2023-08-01"
    judgement = next(
        f for d in document["dimensions"] for i in _items(d) for f in i["facts"].values() if f["type"] == "judgement"
    )
    judgement["step"] = 0.25
    document["version"] = 2
    document["total_points"] = 120.0
    document["max_records_per_fact"] = 0.30000000000000004  # more digits than a cell holds
    document["dimensions"][1]["title_th"] = "ด้าน\nสอง"
    back = from_xlsx(to_xlsx(document), validate=False)
    assert back == document
    assert dump_framework(back) == dump_framework(document)
    for key in ("version", "total_points", "max_records_per_fact"):
        assert type(back[key]) is type(document[key])
    back_item = back["dimensions"][0]["items"][0]["items"][1]
    assert [type(line["points"]) for line in back_item["lines"]] == [float, str, float]


def test_shapes_the_sheets_cannot_spread_over_rows_are_kept_as_yaml():
    """A draft may hold anything YAML can: what does not fit the rows survives in "คีย์อื่น"."""
    document = fy2567()
    document["notes"] = ["ร่าง", {"by": "ศูนย์ประเมินผล"}]
    document["previous"] = {"code": "oae-2566", "items": {"1.1.1": ["1.1.1", "1.1.2"]}}
    dimension = document["dimensions"][6]
    dimension["items"].append({"code": "7.9", "items": None})
    item = document["dimensions"][0]["items"][0]["items"][0]
    item["facts"]["broken"] = None
    item["facts"]["guideline"]["fields"]["kind"] = {"type": "choice", "th": "ชนิด", "en": "Kind", "choices": {"a": "ก"}}
    item["lines"].append("not a mapping")
    item["lines"][0]["assumed"] = "yes"
    item["evidence"].append({"en": "English first", "th": "ไทยทีหลัง"})
    item["source_note"] = {"en": "only English"}
    second = document["dimensions"][0]["items"][0]["items"][1]
    second["lines"].append({"round": "R12", "points": 1, "tests": [{"expect": 1}]})  # no id to hang tests on
    back = from_xlsx(to_xlsx(document), validate=False)
    assert back == document
    assert dump_framework(back) == dump_framework(document)


def test_line_tests_and_last_years_mapping_round_trip():
    document = fy2567()
    document["previous"] = {
        "code": "oae-2566",
        "version": "1",
        "items": {"1.1.1": "1.1.1", "1.2.9": None},
        "facts": {"1.1.2/followups": "followups", "1.1.2/memos": None},
    }
    line = document["dimensions"][0]["items"][0]["items"][1]["lines"][1]
    line["tests"] = [
        {
            "name": "ติดตามผล 2 ครั้ง",
            "round": "R12",
            "records": {"followups": [{"date": "2024-01-10"}, {"date": "2024-03-01", "presented_to_director": True}]},
            "expect": 0.5,
        },
        {"staff_count": 12, "sections": ["ฝ่ายบริหาร", "ฝ่ายวิชาการ"], "records": {"followups": []}, "expect": 0},
    ]
    data = to_xlsx(document)
    back = from_xlsx(data)
    assert back == document
    assert dump_framework(back) == dump_framework(document)
    book = openpyxl.load_workbook(io.BytesIO(data))
    tests = book["กรณีทดสอบ"]
    first = row_of(tests, item="1.1.2", line="second")
    assert [tests.cell(first + n, column_of(tests, "line")).value for n in range(3)] == [
        "second",
        "second",
        "second-presented",
    ]
    records = tests.cell(first, column_of(tests, "records")).value
    assert records.startswith("followups:\n- date: '2024-01-10'")
    previous = book["เทียบปีก่อน"]
    assert [[c.value for c in row] for row in previous.iter_rows(min_row=3)] == [
        ["ข้อ", "1.1.1", "1.1.1"],
        ["ข้อ", "1.2.9", None],
        ["ข้อมูล", "1.1.2/followups", "followups"],
        ["ข้อมูล", "1.1.2/memos", None],
    ]


def test_thai_text_survives_to_the_last_combining_mark():
    document = fy2567()
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(document)))
    tree = book["โครงสร้าง"]
    for item in _all_items(document):
        row = row_of(tree, code=item["code"])
        for key in ("title_th", "guidance_th", "guidance_en"):
            assert tree.cell(row, column_of(tree, key)).value == item[key]
    texts = list(_strings(document))
    back = list(_strings(from_xlsx(to_xlsx(document))))
    assert back == texts
    marks = sum(1 for text in back for ch in text if unicodedata.category(ch) == "Mn")
    assert marks > 5_000  # vowels and tone marks above and below (ำ, ี, ่, ้ ...)
    assert any("\n" in text for text in back)


# --- Edits come back -----------------------------------------------------------------------------


def test_an_edited_workbook_imports_with_the_change():
    document = fy2567()

    def change(book):
        lines = book["บรรทัดคะแนน"]
        lines.cell(row_of(lines, item="1.1.2", id="second"), column_of(lines, "points"), 1)
        tree = book["โครงสร้าง"]
        tree.cell(row_of(tree, code="1.1.4"), column_of(tree, "points")).value -= 1
        new = tree.max_row + 1
        for key, value in {
            "code": "1.1.5",
            "parent": "1.1",
            "kind": "ข้อ",
            "title_th": "หน่วยงานประชุมเรื่องความโปร่งใส",
            "title_en": "The unit meets on transparency",
            "points": 1,
            "guidance_th": "ประชุมอย่างน้อย 1 ครั้ง",
            "guidance_en": "At least one meeting",
        }.items():
            tree.cell(new, column_of(tree, key), value)
        facts = book["ข้อมูลที่บันทึก"]
        new = facts.max_row + 1
        for key, value in {
            "item": "1.1.5",
            "name": "meetings",
            "type": "event",
            "th": "การประชุม",
            "en": "Meeting",
        }.items():
            facts.cell(new, column_of(facts, key), value)
        lines = book["บรรทัดคะแนน"]
        new = lines.max_row + 1
        for key, value in {
            "item": "1.1.5",
            "id": "met",
            "round": "R12",
            "points": 1,
            "when": "count(meetings) >= 1",
            "th": "ประชุมแล้ว",
            "en": "Met",
            "missing_th": "ต้องประชุม",
            "missing_en": "Needs a meeting",
        }.items():
            lines.cell(new, column_of(lines, key), value)

    back = from_xlsx(edited(fy2567_xlsx(), change))

    expected = copy.deepcopy(document)
    group = expected["dimensions"][0]["items"][0]
    group["items"][1]["lines"][1]["points"] = 1
    group["items"][3]["points"] -= 1
    group["items"].append(
        {
            "code": "1.1.5",
            "title_th": "หน่วยงานประชุมเรื่องความโปร่งใส",
            "title_en": "The unit meets on transparency",
            "points": 1,
            "guidance_th": "ประชุมอย่างน้อย 1 ครั้ง",
            "guidance_en": "At least one meeting",
            "facts": {"meetings": {"type": "event", "th": "การประชุม", "en": "Meeting"}},
            "lines": [
                {
                    "id": "met",
                    "round": "R12",
                    "points": 1,
                    "when": "count(meetings) >= 1",
                    "th": "ประชุมแล้ว",
                    "en": "Met",
                    "missing_th": "ต้องประชุม",
                    "missing_en": "Needs a meeting",
                }
            ],
        }
    )
    assert back == expected
    assert dump_framework(back) == dump_framework(expected)
    framework = parse_framework(dump_framework(back))
    assert framework.items_by_code["1.1.5"].lines[0].points == 1


# --- Problems, each named by sheet, row and column --------------------------------------------------


def test_a_wrong_type_in_a_points_cell_is_named():
    def change(book):
        lines = book["บรรทัดคะแนน"]
        change.row = row_of(lines, item="1.2.2", id="second-presented")
        lines.cell(change.row, column_of(lines, "points"), "ครึ่ง")

    problems = problems_of(edited(fy2567_xlsx(), change))
    assert problems == [f'ชีต "บรรทัดคะแนน" แถว {change.row} คอลัมน์ "คะแนน": ต้องเป็นตัวเลข ได้ "ครึ่ง"']


def test_an_unknown_parent_code_is_named():
    def change(book):
        tree = book["โครงสร้าง"]
        change.row = row_of(tree, code="2.2")
        tree.cell(change.row, column_of(tree, "parent"), "2.9")

    problems = problems_of(edited(fy2567_xlsx(), change))
    assert problems == [f'ชีต "โครงสร้าง" แถว {change.row} คอลัมน์ "รหัสแม่": ไม่พบรหัสแม่ "2.9" ในคอลัมน์ "รหัส" ของชีตนี้']


def test_a_missing_required_column_is_named():
    def change(book):
        lines = book["บรรทัดคะแนน"]
        lines.delete_cols(column_of(lines, "points"))

    problems = problems_of(edited(fy2567_xlsx(), change))
    assert problems == ['ชีต "บรรทัดคะแนน" แถว 2 คอลัมน์ "คะแนน": ไม่มีคอลัมน์นี้ (คีย์ points ในแถว 2)']


def test_a_duplicate_line_id_is_named_with_the_first_row():
    def change(book):  # a line's row copied below the others, its id left as it was
        lines = book["บรรทัดคะแนน"]
        change.first = row_of(lines, item="1.1.2", id="second")
        change.row = lines.max_row + 1
        for column in range(1, lines.max_column + 1):
            lines.cell(change.row, column, lines.cell(change.first, column).value)

    problems = problems_of(edited(fy2567_xlsx(), change))
    assert problems == [
        f'ชีต "บรรทัดคะแนน" แถว {change.row} คอลัมน์ "รหัสบรรทัด": รหัสบรรทัด "second" ซ้ำกับแถว {change.first} (ข้อ 1.1.2)'
    ]


def test_a_missing_sheet_is_named():
    problems = problems_of(edited(fy2567_xlsx(), lambda book: book.remove(book["ตัวอย่างหลักฐาน"])))
    assert problems == ['ชีต "ตัวอย่างหลักฐาน": ไม่พบชีตนี้ในสมุดงาน']


def test_every_problem_is_reported_not_only_the_first():
    def change(book):
        lines = book["บรรทัดคะแนน"]
        lines.cell(row_of(lines, item="1.1.1", id="guideline"), column_of(lines, "points"), "x")
        facts = book["ข้อมูลที่บันทึก"]
        facts.cell(row_of(facts, item="1.1.2", name="followups"), column_of(facts, "cumulative"), "บางที")
        evidence = book["ตัวอย่างหลักฐาน"]
        evidence.cell(3, column_of(evidence, "item"), "8.8.8")

    problems = problems_of(edited(fy2567_xlsx(), change))
    assert len(problems) == 3
    assert [p.split(" แถว")[0] for p in problems] == ['ชีต "ข้อมูลที่บันทึก"', 'ชีต "บรรทัดคะแนน"', 'ชีต "ตัวอย่างหลักฐาน"']
    assert 'คอลัมน์ "รหัสข้อ": ไม่พบข้อ "8.8.8" ในชีต "โครงสร้าง"' in problems[2]


def test_the_frameworks_own_problems_are_named_by_the_row_of_their_item_and_line():
    def change(book):
        lines = book["บรรทัดคะแนน"]
        change.line = row_of(lines, item="1.1.2", id="second")
        lines.cell(change.line, column_of(lines, "when"), "count(folowups) >= 2")
        tree = book["โครงสร้าง"]
        change.item = row_of(tree, code="1.1.3")
        tree.cell(change.item, column_of(tree, "title_en")).value = None

    problems = problems_of(edited(fy2567_xlsx(), change))
    assert problems[0].startswith(f'ชีต "บรรทัดคะแนน" แถว {change.line} คอลัมน์ "เงื่อนไข": column 7: unknown name')
    assert "folowups" in problems[0]
    assert problems[1] == f'ชีต "โครงสร้าง" แถว {change.item} คอลัมน์ "ชื่อ (อังกฤษ)": ต้องกรอก'
    assert len(problems) == 2


def test_an_item_added_without_lines_says_where_to_add_them():
    def change(book):
        tree = book["โครงสร้าง"]
        change.row = tree.max_row + 1
        for key, value in {"code": "7.9", "parent": "7", "kind": "ข้อ", "title_th": "ข้อใหม่", "title_en": "New",
                           "points": 0.5, "guidance_th": "-", "guidance_en": "-"}.items():  # fmt: skip
            tree.cell(change.row, column_of(tree, key), value)

    problems = problems_of(edited(fy2567_xlsx(), change))
    dimension = row_of(openpyxl.load_workbook(io.BytesIO(fy2567_xlsx()))["โครงสร้าง"], code="7")
    assert problems == [
        f'ชีต "โครงสร้าง" แถว {change.row} คอลัมน์ "รหัส": ยังไม่มีบรรทัดคะแนน: เพิ่มแถวของข้อนี้ในชีต "บรรทัดคะแนน"',
        f'ชีต "โครงสร้าง" แถว {dimension} คอลัมน์ "คะแนน": รายการย่อยรวมกันได้ 40.5 คะแนน ไม่ใช่ 40',
    ]


def test_a_line_tests_problem_is_named_by_its_row_in_the_tests_sheet():
    def change(book):
        tests = book["กรณีทดสอบ"]
        change.row = row_of(tests, item="1.1.2", line="second")
        tests.cell(change.row, column_of(tests, "records"), "folowups: [{date: '2024-01-10'}]")

    problems = problems_of(edited(fy2567_xlsx(), change))
    assert len(problems) == 1
    assert problems[0].startswith(f'ชีต "กรณีทดสอบ" แถว {change.row} คอลัมน์ "บันทึก (YAML)": ')
    assert "folowups" in problems[0]


def test_a_mapping_to_an_item_that_does_not_exist_is_named_by_its_row():
    document = fy2567()
    document["previous"] = {"code": "oae-2566", "version": "1", "items": {"1.1.1": "1.1.1", "1.1.9": "9.9"}}
    problems = problems_of(to_xlsx(document))
    assert problems == ['ชีต "เทียบปีก่อน" แถว 4 คอลัมน์ "ของใหม่": 9.9 ไม่ใช่ข้อของกรอบนี้']
    document["previous"]["version"] = None
    del document["previous"]["items"]["1.1.9"]
    problems = problems_of(to_xlsx(document))
    assert problems == ['ชีต "กรอบการประเมิน" แถว 11 คอลัมน์ "ค่า": ต้องกรอก (ข้อความ เช่น "1")']


def test_a_file_that_is_not_a_workbook_is_refused_clearly():
    not_zip = b"format: pramern-framework/1\n"
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "สวัสดี")
    for data in (not_zip, other_zip.getvalue(), b""):
        assert problems_of(data) == [NOT_A_WORKBOOK]


def test_another_workbook_lists_every_sheet_it_lacks():
    book = openpyxl.Workbook()
    book.active.title = "รายงาน"
    out = io.BytesIO()
    book.save(out)
    problems = problems_of(out.getvalue())
    assert len(problems) == 13
    assert problems[0] == 'ชีต "กรอบการประเมิน": ไม่พบชีตนี้ในสมุดงาน'


# --- The command line ---------------------------------------------------------------------------------


def test_the_cli_writes_the_workbook_and_reads_it_back(tmp_path, capsys):
    workbook, back = tmp_path / "fy.xlsx", tmp_path / "fy.yaml"
    assert main(["framework", "workbook", str(FRAMEWORK_FILE), "-o", str(workbook)]) == 0
    assert main(["framework", "from-workbook", str(workbook), "-o", str(back)]) == 0
    assert back.read_text(encoding="utf-8") == dump_framework(fy2567())
    assert "fy.xlsx: the authoring workbook of oae-2567.yaml" in capsys.readouterr().out


def test_the_cli_names_the_problems_of_a_bad_workbook_and_writes_nothing(tmp_path, capsys):
    def change(book):
        book["บรรทัดคะแนน"].cell(3, 4, "สอง")

    workbook, back = tmp_path / "bad.xlsx", tmp_path / "out.yaml"
    workbook.write_bytes(edited(fy2567_xlsx(), change))
    assert main(["framework", "from-workbook", str(workbook), "-o", str(back)]) == 2
    assert not back.exists()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert 'ชีต "บรรทัดคะแนน" แถว 3 คอลัมน์ "คะแนน": ต้องเป็นตัวเลข ได้ "สอง"' in captured.err


def test_the_cli_refuses_a_yaml_that_is_not_a_framework(tmp_path, capsys):
    source = tmp_path / "list.yaml"
    source.write_text("- 1\n- 2\n", encoding="utf-8")
    assert main(["framework", "workbook", str(source), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "list.yaml: not a framework" in capsys.readouterr().err


# --- helpers -----------------------------------------------------------------------------------------


def _items(node: dict[str, Any]):
    for child in node["items"]:
        if "items" in child:
            yield from _items(child)
        else:
            yield child


def _all_items(document: dict[str, Any]):
    for dimension in document["dimensions"]:
        yield from _items(dimension)


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(key)
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)


# --- The download on the framework page ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_framework_page_links_its_authoring_workbook(client, world):
    page = client.get(world.framework.get_absolute_url()).content.decode()
    assert 'href="/frameworks/oae-2567/1/authoring.xlsx" download>สมุดงานสำหรับเขียนกรอบ (Excel)</a>' in page


@pytest.mark.django_db
def test_the_authoring_workbook_has_the_access_of_the_framework_page(client, world):
    """The framework page is public (the guideline is), and so is its workbook: anonymous and
    logged-in people get it; an unknown framework is 404 and nothing but GET is answered."""
    url = "/frameworks/oae-2567/1/authoring.xlsx"
    anonymous = client.get(url)
    assert anonymous.status_code == client.get(world.framework.get_absolute_url()).status_code == 200
    assert anonymous["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert anonymous["Content-Disposition"] == 'attachment; filename="oae-2567-1-authoring.xlsx"'
    assert from_xlsx(anonymous.content) == load_text(world.framework.source, "installed.yaml")
    client.force_login(world.alice)
    assert client.get(url).status_code == 200
    assert client.get("/frameworks/oae-2567/9/authoring.xlsx").status_code == 404
    assert client.get("/frameworks/oae-2599/1/authoring.xlsx").status_code == 404
    assert client.post(url).status_code == 405
