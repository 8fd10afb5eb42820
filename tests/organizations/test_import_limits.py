"""A tiny workbook declaring a million rows is refused early, naming the sheet and the cap."""

from __future__ import annotations

import io
import re
import signal
import zipfile
from contextlib import contextmanager

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from pramern.organizations import importers
from pramern.organizations.importers import OrganizationImportError, import_organization
from pramern.organizations.models import Unit

pytestmark = pytest.mark.django_db

LAST_ROW = 1_048_576  # Excel's last row


def declared_huge(last_row: int = LAST_ROW, dimension: str = f"A1:XFD{LAST_ROW}") -> io.BytesIO:
    """A valid units sheet (header and one unit) whose XML also declares the sheet as Excel's
    whole grid and puts one cell in its last row: a few kilobytes that read as a million rows,
    each as wide as the declared dimension."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "หน่วยงาน"
    sheet.append(["รหัส", "ชื่อภาษาไทย", "ประเภท"])
    sheet.append(["bae", "สำนักวิจัยเศรษฐกิจการเกษตร", "สำนัก"])
    plain = io.BytesIO()
    book.save(plain)
    crafted = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml, found = re.subn(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>', data.decode())
                assert found == 1
                last = f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr"><is><t>x</t></is></c></row>'
                data = xml.replace("</sheetData>", last + "</sheetData>").encode()
            target.writestr(info, data)
    crafted.seek(0)
    return crafted


@contextmanager
def must_finish_within(seconds: float):
    """Fail (instead of hanging for minutes) when the block runs longer than ``seconds``."""

    def too_slow(*_):
        raise AssertionError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_crafted_workbook_is_small_but_declares_a_million_rows():
    stream = declared_huge()
    assert len(stream.getvalue()) < 10_000
    sheet = openpyxl.load_workbook(stream, read_only=True)["หน่วยงาน"]
    assert (sheet.max_row, sheet.max_column) == (LAST_ROW, 16384)


def test_a_million_declared_rows_are_refused_early_naming_the_sheet_and_the_cap():
    with must_finish_within(10), pytest.raises(OrganizationImportError) as caught:
        import_organization(declared_huge(), max_rows=200)
    assert [str(issue) for issue in caught.value.issues] == [
        'แผ่นงาน "หน่วยงาน" แถว 202: แผ่นงานนี้มีเกิน 200 แถว (นับแถวว่างด้วย) จึงไม่ได้อ่านต่อ '
        "— ลบแถวว่างหรือแถวที่จัดรูปแบบไว้ท้ายแผ่นงานแล้วลองใหม่"
    ]
    assert not Unit.objects.exists()


def test_blank_rows_count_towards_the_cap():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "หน่วยงาน"
    sheet.append(["รหัส", "ชื่อภาษาไทย", "ประเภท"])
    sheet.append(["bae", "สำนักวิจัยเศรษฐกิจการเกษตร", "สำนัก"])
    sheet.cell(row=20, column=1, value="")  # an empty cell far down: rows 3..19 are blank
    sheet.cell(row=20, column=2, value=" ")
    stream = io.BytesIO()
    book.save(stream)
    with pytest.raises(OrganizationImportError) as caught:
        import_organization(stream, max_rows=10)
    assert [issue.row for issue in caught.value.issues] == [12]
    stream.seek(0)
    assert import_organization(stream, max_rows=19).units_created == 1


def test_the_command_refuses_it_too_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_ROWS", 200)
    path = tmp_path / "units.xlsx"
    path.write_bytes(declared_huge().getvalue())
    with must_finish_within(10), pytest.raises(CommandError) as caught:
        call_command("import_organization", str(path))
    assert 'แผ่นงาน "หน่วยงาน" แถว 202: แผ่นงานนี้มีเกิน 200 แถว' in str(caught.value)
    assert not Unit.objects.exists()
