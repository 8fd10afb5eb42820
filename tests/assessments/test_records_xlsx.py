"""A unit's records as an Excel workbook: Thai headers and texts intact, Buddhist-era dates as
text and as date cells, only for people who may read the unit."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.services import add_file_evidence, add_link_evidence
from pramern.reports.exporters import XLSX_CONTENT_TYPE
from tests.factories import record

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def records(world):
    followup = record(world.a, "1.2.2", "followups", "2024-07-25", presented_to_director=True)
    followup.title = "ติดตามผลครั้งที่ ๑"
    followup.note = "นำเสนอในที่ประชุมผู้บริหาร"
    followup.save()
    record(world.a, "5.1", "respondents", "2024-06-30", value=22)
    record(world.a, "6.1", "flowcharts", "2024-03-02", section="s1", task="งานสารบรรณ", meets_standard=False)
    add_file_evidence(world.a, SimpleUploadedFile("บันทึกข้อความ.pdf", PDF), user=world.alice, records=[followup])
    add_link_evidence(world.a, "https://example.go.th/a", user=world.alice, title="เว็บไซต์", records=[followup])
    record(world.b, "5.1", "respondents", "2024-06-30", value=99)  # another unit's


def workbook(client, world):
    response = client.get(f"/a/{world.a.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="oae-bapp-oae-2567-records.xlsx"'
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_thai_survives_the_excel_export(client, world, records):
    client.force_login(world.alice)
    book = workbook(client, world)
    assert book.sheetnames == ["ข้อมูลที่บันทึก", "เกี่ยวกับไฟล์นี้"]
    sheet = book["ข้อมูลที่บันทึก"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "รหัสรายการ", "ข้อ", "ข้อมูลที่บันทึก", "วันที่ (พ.ศ.)", "วันที่ (ค่าวันที่)", "ชื่อเรื่อง", "รายละเอียด",
        "หมายเหตุ", "หลักฐาน", "บันทึกโดย", "แก้ไขล่าสุด",
    )  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["1.2.2", "5.1", "6.1"]  # the framework's order; not unit B's
    followup = rows[1]
    assert followup[1] == "มีการติดตามการดำเนินงานตามมาตรการฯ"
    assert followup[2] == "การติดตามผลการดำเนินงาน"
    assert followup[3] == "25 ก.ค. 2567"  # Buddhist era, as text
    assert followup[4] == dt.datetime(2024, 7, 25)  # and a real date
    assert followup[5:8] == ("ติดตามผลครั้งที่ ๑", "เสนอ ผอ. ทราบ: ใช่", "นำเสนอในที่ประชุมผู้บริหาร")
    assert set(followup[8].split("\n")) == {"บันทึกข้อความ.pdf", "เว็บไซต์"}
    assert rows[2][6] == "จำนวน: 22"
    assert rows[3][6] == "ส่วน/ฝ่าย: s1\nงาน: งานสารบรรณ"  # a flag not ticked says nothing
    assert sheet.cell(row=2, column=5).number_format == "[$-107041E]d mmm yyyy"
    about = dict(book["เกี่ยวกับไฟล์นี้"].iter_rows(min_row=2, values_only=True))
    assert about["หน่วยงาน"] == "สำนักวิจัยเศรษฐกิจการเกษตร (oae-bapp)"
    assert about["จำนวนบุคลากรรอบ R6"] == 40 and about["ข้อมูลที่บันทึก"] == 3


def test_the_workbook_is_in_thai_when_the_page_is_in_english(client, world, records):
    client.force_login(world.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Import an assessment file" in client.get(f"/a/{world.a.pk}/").content.decode()  # English pages
    rows = list(workbook(client, world)["ข้อมูลที่บันทึก"].iter_rows(values_only=True))
    assert rows[0][0] == "รหัสรายการ" and rows[1][3] == "25 ก.ค. 2567"


def test_the_workspace_offers_the_excel_export(client, world, records):
    client.force_login(world.dan)
    assert f'href="/a/{world.a.pk}/export.xlsx"' in client.get(f"/a/{world.a.pk}/").content.decode()


def test_another_units_officer_and_anonymous_visitors_are_refused(client, world, records):
    assert client.get(f"/a/{world.a.pk}/export.xlsx")["Location"].startswith("/login/")
    client.force_login(world.bob)
    assert client.get(f"/a/{world.a.pk}/export.xlsx").status_code == 404
