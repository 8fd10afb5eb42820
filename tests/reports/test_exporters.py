"""Score lists as xlsx and CSV: Thai survives, points are numbers, dates show in the Buddhist era."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pramern.reports.exporters import (
    BE_DATE_FORMAT,
    BE_DATETIME_FORMAT,
    FONT_NAME,
    FONT_SIZE,
    LINE_HEIGHT,
    POINTS_FORMAT,
    ROW_HEIGHT,
    DimensionSummaryExporter,
    ItemScoresExporter,
    ReportInfoExporter,
    build_workbook,
    write_items_csv,
)
from pramern.reports.scorecards import refresh
from pramern.review.services import set_verdict, transition
from pramern.thaitext import display_width
from tests.factories import record

TITLE_1_2_2 = "มีการติดตามการดำเนินงานตามมาตรการฯ"
RANKING, ITEMS, DIMENSIONS, INFO = "ลำดับคะแนน", "คะแนนรายข้อ", "สรุปรายด้าน", "ข้อมูลรายงาน"


@pytest.fixture
def scored(world):
    """Unit A followed 1.2.2 up in each round, both presented to the director; the evaluator
    accepted only the first. Unit B followed up once, not presented."""
    first = record(world.a, "1.2.2", "followups", "2024-01-10", presented_to_director=True)
    record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    record(world.b, "1.2.2", "followups", "2024-03-15")
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verdict(first, "accepted", user=world.eve)
    for a in (world.a, world.b):
        refresh(a)
    return world


def workbook(framework, **filters):
    stream = io.BytesIO()
    build_workbook(framework, stream, **filters)
    stream.seek(0)
    return load_workbook(stream)


def as_dicts(sheet):
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def item_row(sheet, unit_code, item_code):
    return next(r for r in as_dicts(sheet) if r["รหัสหน่วยงาน"] == unit_code and r["ข้อ"] == item_code)


def test_the_workbook_has_thai_sheets_with_frozen_thai_headers(scored):
    book = workbook(scored.framework)

    assert book.sheetnames == [RANKING, ITEMS, DIMENSIONS, INFO]
    items = book[ITEMS]
    assert [c.value for c in items[1]] == [
        "รหัสหน่วยงาน",
        "หน่วยงาน",
        "ด้าน",
        "ข้อ",
        "รายการประเมิน",
        "คะแนนเต็ม",
        "รอบ 6 เดือน ประเมินตนเอง",
        "รอบ 6 เดือน ตรวจรับรอง",
        "รอบ 12 เดือน ประเมินตนเอง",
        "รอบ 12 เดือน ตรวจรับรอง",
        "คำอธิบายคะแนน รอบ 12 เดือน",
        "สถานะ รอบ 12 เดือน",
        "คะแนน รอบ 6 เดือน",
        "ที่มาของคะแนน รอบ 6 เดือน",
        "คะแนน รอบ 12 เดือน",
        "ที่มาของคะแนน รอบ 12 เดือน",
    ]
    assert all(c.font.b for c in items[1])
    assert items.freeze_panes == "A2"
    assert book[DIMENSIONS].freeze_panes == "A2"
    assert items.auto_filter.ref == "A1:P83"  # header + 2 units × 41 items


def test_every_unit_has_a_row_per_item_with_its_thai_name_and_the_item_title(scored):
    items = as_dicts(workbook(scored.framework)[ITEMS])

    assert len(items) == 2 * 41
    assert [r["รหัสหน่วยงาน"] for r in items[::41]] == ["oae-bapp", "oae-cae"]
    row = item_row(workbook(scored.framework)[ITEMS], "oae-bapp", "1.2.2")
    assert row["หน่วยงาน"] == "สำนักวิจัยเศรษฐกิจการเกษตร"
    assert row["รายการประเมิน"] == TITLE_1_2_2
    assert row["ด้าน"] == "1"


def test_points_are_numbers_formatted_with_two_decimals(scored):
    sheet = workbook(scored.framework)[ITEMS]
    row = item_row(sheet, "oae-bapp", "1.2.2")

    assert row["คะแนนเต็ม"] == 2
    assert row["รอบ 6 เดือน ประเมินตนเอง"] == 1
    assert row["รอบ 12 เดือน ประเมินตนเอง"] == 2
    assert row["รอบ 12 เดือน ตรวจรับรอง"] == 1  # only the first follow-up was accepted
    assert row["สถานะ รอบ 12 เดือน"] == "กำลังตรวจ"  # the round's state in Thai
    cells = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "oae-bapp" and r[3].value == "1.2.2")
    assert all(isinstance(c.value, int | float) and c.number_format == POINTS_FORMAT for c in cells[5:10])


def test_the_explanation_lists_earned_and_missing_lines_in_thai(scored):
    sheet = workbook(scored.framework)[ITEMS]

    done = item_row(sheet, "oae-bapp", "1.2.2")["คำอธิบายคะแนน รอบ 12 เดือน"]
    assert done.split("\n") == [
        "✓ ติดตามผลอย่างน้อย 1 ครั้ง",
        "✓ ติดตามผล 2 ครั้ง",
        "✓ ติดตามผล 2 ครั้ง และเสนอ ผอ. ทราบ",
    ]
    partial = item_row(sheet, "oae-cae", "1.2.2")["คำอธิบายคะแนน รอบ 12 เดือน"]
    assert partial.split("\n") == [
        "✓ ติดตามผลอย่างน้อย 1 ครั้ง",
        "✗ ต้องติดตามผลครั้งที่ 2",
        "✗ ต้องติดตามผลครั้งที่ 2 และเสนอ ผอ. ทราบทั้ง 2 ครั้ง",
    ]
    cell = next(r[10] for r in sheet.iter_rows(min_row=2) if r[0].value == "oae-cae" and r[3].value == "1.2.2")
    assert cell.alignment.wrap_text
    # three lines, the first 1.5 × the font size so that Thai marks are not clipped
    assert sheet.row_dimensions[cell.row].height >= ROW_HEIGHT + 2 * LINE_HEIGHT
    assert sheet.row_dimensions[2].height >= ROW_HEIGHT


def test_the_summary_has_dimension_points_and_round_totals(scored):
    summary = as_dicts(workbook(scored.framework)[DIMENSIONS])

    assert [r["หน่วยงาน"] for r in summary] == ["สำนักวิจัยเศรษฐกิจการเกษตร", "ศูนย์สารสนเทศการเกษตร"]
    a = summary[0]
    cards = {c.round_code: c for c in scored.a.scorecards.all()}
    assert Decimal(str(a["ด้าน 1 ประเมินตนเอง (รอบ 12 เดือน)"])) == Decimal(cards["R12"].self_dimensions["1"])
    assert a["ด้าน 1 ประเมินตนเอง (รอบ 12 เดือน)"] >= 2  # 1.2.2 at least
    assert a["ด้าน 1 ตรวจรับรอง (รอบ 12 เดือน)"] == 1  # only the accepted follow-up
    assert Decimal(str(a["รวม รอบ 6 เดือน ประเมินตนเอง"])) == cards["R6"].self_total
    assert Decimal(str(a["รวม รอบ 12 เดือน ประเมินตนเอง"])) == cards["R12"].self_total
    assert Decimal(str(a["รวม รอบ 12 เดือน ตรวจรับรอง"])) == cards["R12"].verified_total
    dimension_codes = [d.code for d in scored.framework.compiled().dimensions]
    assert sum(a[f"ด้าน {code} ประเมินตนเอง (รอบ 12 เดือน)"] for code in dimension_codes) == pytest.approx(
        a["รวม รอบ 12 เดือน ประเมินตนเอง"]
    )


def test_the_information_sheet_dates_the_report_in_the_buddhist_era(scored):
    info = workbook(scored.framework)[INFO]
    values = {row[0].value: row[1] for row in info.iter_rows(min_row=2)}

    assert values["กรอบการประเมิน"].value == scored.framework.title_th
    assert values["รหัสกรอบการประเมิน"].value == "oae-2567@1"
    assert values["จำนวนหน่วยงาน"].value == 2
    generated = values["วันที่จัดทำรายงาน"]
    assert generated.is_date
    assert generated.value.date() == timezone.localdate()
    assert generated.number_format == BE_DATE_FORMAT


def test_columns_are_as_wide_as_the_visible_characters(scored):
    sheet = workbook(scored.framework)[ITEMS]
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKL"}

    assert display_width("สำนักวิจัยเศรษฐกิจการเกษตร") == 22  # len() says 26: ั ิ ั ิ sit on their letters
    assert widths["E"] > widths["F"] and widths["E"] > widths["I"]  # item titles wider than points
    assert widths["E"] <= 60
    assert widths["B"] == 24  # the longest unit name (22 visible characters) + 2, not its 26 code points
    assert widths["C"] < 10


def test_filters_choose_the_units(scored):
    book = workbook(scored.framework, kinds=["centre"])

    assert book[ITEMS].max_row == 1
    values = {row[0].value: row[1].value for row in book[INFO].iter_rows(min_row=2)}
    assert values["จำนวนหน่วยงาน"] == 0
    assert "ประเภทหน่วยงาน" in values


def test_the_csv_has_the_same_thai_and_numbers(scored):
    stream = io.BytesIO()
    write_items_csv(scored.framework, stream)

    raw = stream.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 2 * 41
    row = next(r for r in rows if r["รหัสหน่วยงาน"] == "oae-bapp" and r["ข้อ"] == "1.2.2")
    assert row["หน่วยงาน"] == "สำนักวิจัยเศรษฐกิจการเกษตร"
    assert row["รายการประเมิน"] == TITLE_1_2_2
    assert Decimal(row["รอบ 12 เดือน ประเมินตนเอง"]) == 2
    assert Decimal(row["รอบ 12 เดือน ตรวจรับรอง"]) == 1
    assert row["คำอธิบายคะแนน รอบ 12 เดือน"].startswith("✓ ติดตามผลอย่างน้อย 1 ครั้ง\n✓")


def test_each_list_exporter_writes_a_sheet_of_its_own(scored):
    for exporter, rows in ((ItemScoresExporter, 83), (DimensionSummaryExporter, 3)):
        stream = io.BytesIO()
        exporter(scored.framework).write_xlsx(stream)
        stream.seek(0)
        book = load_workbook(stream)
        assert book.sheetnames == [exporter.sheet_title], exporter
        assert book.active.max_row == rows


def test_a_unit_without_score_cards_still_has_its_rows(world):
    refresh(world.a)  # unit B has never been scored

    items = as_dicts(workbook(world.framework)[ITEMS])
    b = [r for r in items if r["รหัสหน่วยงาน"] == "oae-cae"]
    assert len(b) == 41
    assert b[0]["รอบ 12 เดือน ประเมินตนเอง"] is None
    assert b[0]["รายการประเมิน"] == "หน่วยงานมีแนวทางในการป้องกันการทุจริต"
    assert b[0]["คำอธิบายคะแนน รอบ 12 เดือน"] is None


def test_sheet_names_excel_refuses_are_refused(world):
    class Slashed(ItemScoresExporter):
        sheet_title = "คะแนน/ข้อ"

    with pytest.raises(ValueError, match="sheet name"):
        Slashed(world.framework).write_xlsx(io.BytesIO())


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_executives_get_verified_points_only_once_published(client, scored, settings, fmt):
    """Unit A's R12 is in review: the Centre's export has its verified points, an executive's
    has empty cells until the round is published (the rule the dashboard and PDFs follow)."""
    settings.EXECUTIVES_SEE_UNPUBLISHED = False

    def verified_cell(user):
        client.force_login(user)
        response = client.get(f"/reports/scores.{fmt}")
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(response.content))[ITEMS]
            return item_row(sheet, "oae-bapp", "1.2.2")["รอบ 12 เดือน ตรวจรับรอง"]
        rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        row = next(r for r in rows if r["รหัสหน่วยงาน"] == "oae-bapp" and r["ข้อ"] == "1.2.2")
        return row["รอบ 12 เดือน ตรวจรับรอง"]

    assert Decimal(verified_cell(scored.eve)) == 1
    assert verified_cell(scored.xena) == (None if fmt == "xlsx" else "")  # an empty cell
    transition(scored.a, "R12", "verify", user=scored.eve, unreviewed_confirmed=True)
    transition(scored.a, "R12", "publish", user=scored.eve)
    refresh(scored.a)  # what the transition's after-commit hook does
    assert Decimal(verified_cell(scored.xena)) == 1


def test_csv_cells_that_look_like_formulas_are_not_run(world):
    from pramern.reports.exporters import csv_text

    assert csv_text('=HYPERLINK("http://evil.example","x")') == '\'=HYPERLINK("http://evil.example","x")'
    assert [csv_text(v) for v in ("+1", "-1", "@SUM(A1)", "\tx", "ปกติ", 5)] == [
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "ปกติ",
        5,
    ]
    world.unit_a.name_th = "=1+1"
    world.unit_a.save()
    refresh(world.a)
    stream = io.BytesIO()
    write_items_csv(world.framework, stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))
    assert {r["หน่วยงาน"] for r in rows if r["รหัสหน่วยงาน"] == "oae-bapp"} == {"'=1+1"}


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv; charset=utf-8"),
    ],
)
def test_the_score_downloads_are_for_the_office_wide_roles(client, world, fmt, content_type):
    url = f"/reports/scores.{fmt}"
    assert client.get(url)["Location"].startswith("/login/")
    client.force_login(world.alice)  # a unit's officer
    assert client.get(url).status_code == 403
    for persona in (world.eve, world.xena):
        client.force_login(persona)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="oae-2567-scores.{fmt}"'


def test_a_download_in_no_known_format_is_not_found(client, world):
    client.force_login(world.eve)
    assert client.get("/reports/scores.pdf").status_code == 404
    assert client.get("/reports/scores.").status_code == 404


def test_the_dashboard_links_both_downloads(client, world):
    """Of the fiscal year the dashboard shows (tests/reports/test_years.py: the other years)."""
    client.force_login(world.eve)
    body = client.get("/dashboard/").content.decode()
    assert (
        'href="/reports/scores.xlsx?year=2567&amp;round=R12"' in body and 'href="/reports/scores.csv?year=2567"' in body
    )


def test_every_cell_is_in_the_thai_capable_font_and_the_header_is_shaded(scored):
    book = workbook(scored.framework)

    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert (cell.font.name, cell.font.sz) == (FONT_NAME, FONT_SIZE), (sheet.title, cell.coordinate)
                    assert cell.font.scheme is None  # a theme font would show as the theme's (Calibri)
        for cell in sheet[1]:
            assert cell.fill.fgColor.rgb == "FFE2EFDA" and cell.alignment.wrap_text
    # the workbook's default style too: a cell typed in later shows in the same font
    assert (book._fonts[0].name, book._fonts[0].sz) == (FONT_NAME, FONT_SIZE)


def test_only_list_sheets_are_frozen_and_filtered(scored):
    book = workbook(scored.framework)

    summary = book[DIMENSIONS]
    compiled = scored.framework.compiled()
    assert summary.max_column == 2 + 2 * len(compiled.dimensions) + 2 * len(compiled.rounds) + 1
    assert summary.auto_filter.ref == f"A1:{get_column_letter(summary.max_column)}3"  # header + 2 units
    assert summary.freeze_panes == "A2"
    assert book[INFO].freeze_panes is None
    assert book[INFO].auto_filter.ref is None
    assert book.active.title == RANKING
    assert book[ITEMS].views.sheetView[0].selection[0].activeCell == "A2"  # the cursor starts below the header
    assert all((sheet.page_margins.left, sheet.page_margins.right) == (0.5, 0.5) for sheet in book)


def test_whole_numbers_and_dates_have_their_formats(scored):
    info = workbook(scored.framework)[INFO]
    values = {row[0].value: row[1] for row in info.iter_rows(min_row=2)}

    assert values["จำนวนหน่วยงาน"].number_format == "0"
    assert values["คะแนนเต็ม"].number_format == "0.00"  # the framework's total is a Decimal


def test_a_datetime_shows_in_the_buddhist_era_at_local_time(world):
    moment = dt.datetime(2024, 7, 25, 3, 30, tzinfo=dt.UTC)  # 10:30 in Bangkok

    class Moments(ReportInfoExporter):
        def rows(self):
            yield ["บันทึกเมื่อ", moment]

    stream = io.BytesIO()
    Moments(world.framework, scores=[]).write_xlsx(stream)
    cell = load_workbook(io.BytesIO(stream.getvalue()))[INFO]["B2"]
    assert cell.value == dt.datetime(2024, 7, 25, 10, 30)
    assert cell.number_format == BE_DATETIME_FORMAT


def test_thai_text_with_marks_formula_signs_and_line_breaks_comes_back_as_written(world):
    texts = ["น้ำ ทำ สำนักงานเศรษฐกิจการเกษตร", "=1+1", "บรรทัดแรก\nบรรทัดที่สอง", " มีช่องว่าง "]

    class Texts(ReportInfoExporter):
        def rows(self):
            for text in texts:
                yield ["ข้อความ", text]

    stream = io.BytesIO()
    Texts(world.framework, scores=[]).write_xlsx(stream)
    sheet = load_workbook(io.BytesIO(stream.getvalue()))[INFO]
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == texts
    assert all(row[1].data_type == "s" for row in sheet.iter_rows(min_row=2))  # text, never a formula


# ---- issue 11: the ranking sheet marks self-assessed figures as not verified


def test_the_ranking_sheet_ranks_by_the_verified_total_where_settled(scored):
    """A: claims 2 in R12, verified 1 (only the first follow-up accepted); B: claims 1."""
    transition(scored.a, "R12", "verify", user=scored.eve, unreviewed_confirmed=True)
    refresh(scored.a)
    rows = as_dicts(workbook(scored.framework)[RANKING])
    assert [r["รหัสหน่วยงาน"] for r in rows] == ["oae-bapp", "oae-cae"]
    a, b = rows
    assert a["ลำดับ"] == b["ลำดับ"] == 1  # verified 1 and claimed 1 share the rank
    assert (a["คะแนนที่ใช้จัดลำดับ รอบ 12 เดือน"], a["ที่มาของคะแนน"]) == (1, "ตรวจรับรองแล้ว")
    assert (a["รอบ 12 เดือน ประเมินตนเอง"], a["รอบ 12 เดือน ตรวจรับรอง"]) == (2, 1)
    assert b["ที่มาของคะแนน"] == "* ประเมินตนเอง ยังไม่ผ่านการตรวจรับรอง"
    assert a["สถานะ รอบ 12 เดือน"] == "ตรวจรับรองแล้ว"
    info = {row[0].value: row[1].value for row in workbook(scored.framework)[INFO].iter_rows(min_row=2)}
    assert info["การจัดลำดับ"].startswith("* คะแนนประเมินตนเอง ยังไม่ผ่านการตรวจรับรองของศูนย์ประเมินผล")


def test_an_executive_gets_the_claim_marked_until_publication(client, scored):
    transition(scored.a, "R12", "verify", user=scored.eve, unreviewed_confirmed=True)
    refresh(scored.a)

    def ranking(persona, round_code="R12"):
        client.force_login(getattr(scored, persona))
        response = client.get(f"/reports/scores.xlsx?round={round_code}")
        return as_dicts(load_workbook(io.BytesIO(response.content))[RANKING])

    a = next(r for r in ranking("xena") if r["รหัสหน่วยงาน"] == "oae-bapp")
    assert (a["ลำดับ"], a["คะแนนที่ใช้จัดลำดับ รอบ 12 เดือน"], a["รอบ 12 เดือน ตรวจรับรอง"]) == (1, 2, None)
    assert a["ที่มาของคะแนน"] == "* ประเมินตนเอง ยังไม่ผ่านการตรวจรับรอง"
    transition(scored.a, "R12", "publish", user=scored.eve)
    refresh(scored.a)
    a = next(r for r in ranking("xena") if r["รหัสหน่วยงาน"] == "oae-bapp")
    assert (a["คะแนนที่ใช้จัดลำดับ รอบ 12 เดือน"], a["ที่มาของคะแนน"]) == (1, "ตรวจรับรองแล้ว")
    r6 = ranking("xena", "R6")  # the dashboard's round
    assert "คะแนนที่ใช้จัดลำดับ รอบ 6 เดือน" in r6[0]
