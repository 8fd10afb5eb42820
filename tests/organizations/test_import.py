"""Importing units, sections and people from one workbook: all or nothing, every error located."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from pramern.audit.models import AuditEntry
from pramern.organizations.importers import (
    ImportIssue,
    OrganizationImportError,
    build_template,
    import_organization,
    write_template,
)
from pramern.organizations.models import Role, Section, Unit

pytestmark = pytest.mark.django_db

UNIT_HEADERS = ["รหัส", "ชื่อภาษาไทย", "ชื่อภาษาอังกฤษ", "ชื่อย่อ", "ประเภท", "เขต"]
SECTION_HEADERS = ["รหัสหน่วยงาน", "รหัสส่วน", "ชื่อส่วน", "ลำดับ"]
PEOPLE_HEADERS = ["ชื่อผู้ใช้", "ชื่อ", "นามสกุล", "อีเมล", "บทบาท", "รหัสหน่วยงาน"]

UNITS = [
    ["bae", "สำนักวิจัยเศรษฐกิจการเกษตร", "Bureau of Agricultural Economic Research", "สวศ.", "สำนัก", None],
    ["oae-r3", "สำนักงานเศรษฐกิจการเกษตรที่ 3", "Regional Office 3", "สศท.3", "สศท.", 3],
]
SECTIONS = [
    ["bae", "planning", "ส่วนแผนงานและวิชาการ", 1],
    ["oae-r3", "data", "ส่วนข้อมูลและสารสนเทศ", None],
]
PEOPLE = [
    ["somchai", "สมชาย", "ใจดี", "somchai@oae.go.th", "เจ้าหน้าที่หน่วยงาน", "bae"],
    ["pranee", "ปราณี", "ศรีสุข", "pranee@oae.go.th", "ผู้อำนวยการ", "bae"],
    ["pranee", "ปราณี", "ศรีสุข", "pranee@oae.go.th", "ผู้ประเมิน", None],
]


def workbook(sheets: dict[str, list[list]]) -> io.BytesIO:
    """An .xlsx in memory: sheet name → rows (the first row holds the headers)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


def standard(units=UNITS, sections=SECTIONS, people=PEOPLE) -> io.BytesIO:
    return workbook(
        {
            "หน่วยงาน": [UNIT_HEADERS, *units],
            "ส่วน": [SECTION_HEADERS, *sections],
            "บุคลากร": [PEOPLE_HEADERS, *people],
        }
    )


def errors_of(stream) -> list[ImportIssue]:
    with pytest.raises(OrganizationImportError) as caught:
        import_organization(stream)
    return caught.value.issues


def messages_of(stream) -> list[str]:
    return [str(issue) for issue in errors_of(stream)]


def assert_nothing_imported():
    assert Unit.objects.count() == 0
    assert Section.objects.count() == 0
    assert User.objects.count() == 0
    assert Role.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_it_imports_units_sections_and_people_with_thai_text_intact():
    result = import_organization(standard())

    bae = Unit.objects.get(code="bae")
    assert bae.name_th == "สำนักวิจัยเศรษฐกิจการเกษตร"
    assert bae.short_name == "สวศ."
    assert bae.kind == Unit.Kind.BUREAU and bae.region is None
    region3 = Unit.objects.get(code="oae-r3")
    assert region3.kind == Unit.Kind.REGIONAL and region3.region == 3
    assert [(s.code, s.name_th, s.position) for s in bae.sections.all()] == [("planning", "ส่วนแผนงานและวิชาการ", 1)]
    assert region3.sections.get().position == 0
    somchai = User.objects.get(username="somchai")
    assert (somchai.first_name, somchai.last_name, somchai.email) == ("สมชาย", "ใจดี", "somchai@oae.go.th")
    assert set(Role.objects.values_list("user__username", "kind", "unit__code")) == {
        ("somchai", "officer", "bae"),
        ("pranee", "director", "bae"),
        ("pranee", "evaluator", None),
    }
    assert (result.units_created, result.sections_created, result.people_created, result.roles_added) == (2, 2, 2, 3)
    assert "หน่วยงาน: เพิ่ม 2" in str(result)


def test_new_people_have_no_usable_password_until_they_reset_it():
    import_organization(standard())
    assert not User.objects.get(username="somchai").has_usable_password()


def test_english_sheet_names_headers_and_codes_are_accepted():
    stream = workbook(
        {
            "Units": [["code", "name_th", "kind", "region"], ["oae-r12", "สศท.12", "regional", 12]],
            "people": [
                ["username", "first_name", "last_name", "email", "role", "unit_code"],
                ["malee", "มาลี", "ดีงาม", "malee@oae.go.th", "Director", "oae-r12"],
            ],
        }
    )
    import_organization(stream)
    assert Unit.objects.get(code="oae-r12").region == 12
    assert Role.objects.get().kind == Role.Kind.DIRECTOR


def test_columns_may_come_in_any_order():
    stream = workbook({"หน่วยงาน": [["ประเภท", "ชื่อภาษาไทย", "รหัส"], ["กอง", "กองแผนงาน", "plan"]]})
    import_organization(stream)
    unit = Unit.objects.get(code="plan")
    assert (unit.name_th, unit.kind) == ("กองแผนงาน", Unit.Kind.DIVISION)


def test_blank_rows_are_skipped_and_errors_keep_the_excel_row_number():
    issues = errors_of(
        workbook({"หน่วยงาน": [UNIT_HEADERS, UNITS[0], [None] * 6, ["  ", None, None, None, None, None], UNITS[0]]})
    )
    assert [(issue.row, issue.column) for issue in issues] == [(5, "A")]
    assert issues[0].message == 'รหัส "bae" ซ้ำกับแถว 2'


def test_one_bad_cell_changes_nothing_and_the_error_names_sheet_row_and_column():
    people = [*PEOPLE, *[[f"user{n}", "ชื่อ", "สกุล", f"user{n}@oae.go.th", "ผู้บริหาร", None] for n in range(2)]]
    people.append(["boss", "สมศักดิ์", "ใหญ่ยิ่ง", "boss@oae.go.th", "หัวหน้า", None])  # row 7
    issues = errors_of(standard(people=people))

    assert [str(issue) for issue in issues] == ['แผ่นงาน "บุคลากร" แถว 7 คอลัมน์ E (บทบาท): ไม่รู้จักบทบาท "หัวหน้า"']
    assert (issues[0].sheet, issues[0].row, issues[0].column, issues[0].header) == ("บุคลากร", 7, "E", "บทบาท")
    assert_nothing_imported()


def test_every_error_is_reported_at_once_in_sheet_and_row_order():
    units = [["bad code", "", None, None, "สำนัก", None], ["r13", "สศท.13", None, None, "สศท.", 13]]
    sections = [["bae", "ok", "ส่วน", "ที่หนึ่ง"]]
    people = [["", "ก", "ข", "not-an-email", "เจ้าหน้าที่หน่วยงาน", "bae"]]
    assert messages_of(standard(units=units, sections=sections, people=people)) == [
        'แผ่นงาน "หน่วยงาน" แถว 2 คอลัมน์ A (รหัส): รหัส "bad code" ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข - และ _',
        'แผ่นงาน "หน่วยงาน" แถว 2 คอลัมน์ B (ชื่อภาษาไทย): ต้องกรอกช่องนี้',
        'แผ่นงาน "หน่วยงาน" แถว 3 คอลัมน์ F (เขต): เขตต้องอยู่ระหว่าง 1 ถึง 12',
        'แผ่นงาน "ส่วน" แถว 2 คอลัมน์ A (รหัสหน่วยงาน): ไม่พบหน่วยงานรหัส "bae" ทั้งในไฟล์และในระบบ',
        'แผ่นงาน "ส่วน" แถว 2 คอลัมน์ D (ลำดับ): ลำดับต้องเป็นตัวเลข ไม่ใช่ "ที่หนึ่ง"',
        'แผ่นงาน "บุคลากร" แถว 2 คอลัมน์ A (ชื่อผู้ใช้): ต้องกรอกช่องนี้',
        'แผ่นงาน "บุคลากร" แถว 2 คอลัมน์ D (อีเมล): อีเมล "not-an-email" ไม่ถูกต้อง',
        'แผ่นงาน "บุคลากร" แถว 2 คอลัมน์ F (รหัสหน่วยงาน): ไม่พบหน่วยงานรหัส "bae" ทั้งในไฟล์และในระบบ',
    ]
    assert_nothing_imported()


def test_an_unknown_header_is_an_error_naming_its_column_letter():
    stream = workbook({"หน่วยงาน": [["รหัส", "ชื่อภาษาไทย", "ประเภท", "หมายเหตุ"], ["bae", "สวศ.", "สำนัก", "x"]]})
    assert messages_of(stream) == [
        'แผ่นงาน "หน่วยงาน" แถว 1 คอลัมน์ D (หมายเหตุ): ไม่รู้จักหัวคอลัมน์นี้ (ใช้ได้: รหัส, ชื่อภาษาไทย, ชื่อภาษาอังกฤษ, ชื่อย่อ, ประเภท, เขต)'
    ]


def test_a_missing_required_column_and_data_under_no_header_are_errors():
    stream = workbook({"หน่วยงาน": [["รหัส", "ชื่อภาษาไทย"], ["bae", "สวศ.", None, "ลอย"]]})
    assert messages_of(stream) == [
        'แผ่นงาน "หน่วยงาน" แถว 1: ไม่มีคอลัมน์ "ประเภท"',
        'แผ่นงาน "หน่วยงาน" แถว 2 คอลัมน์ D: มีข้อมูลในคอลัมน์ที่ไม่มีหัวคอลัมน์',
    ]


def test_an_unknown_sheet_is_an_error():
    stream = workbook({"หน่วยงาน": [UNIT_HEADERS, UNITS[0]], "บุคคลากร": [PEOPLE_HEADERS]})
    assert messages_of(stream) == [
        'แผ่นงาน "บุคคลากร": ไม่รู้จักแผ่นงานนี้ (ใช้ได้: หน่วยงาน (units), ส่วน (sections), บุคลากร (people))'
    ]


def test_unit_kinds_and_regions_are_checked():
    units = [
        ["a", "ก", None, None, "ฝ่าย", None],
        ["b", "ข", None, None, "สศท.", None],
        ["c", "ค", None, None, "สำนัก", 2],
        ["d", "ง", None, None, "สศท.", 5],
        ["e", "จ", None, None, "สศท.", 5],
    ]
    assert messages_of(standard(units=units, sections=[], people=[])) == [
        'แผ่นงาน "หน่วยงาน" แถว 2 คอลัมน์ E (ประเภท): ไม่รู้จักประเภทหน่วยงาน "ฝ่าย"',
        'แผ่นงาน "หน่วยงาน" แถว 3 คอลัมน์ F (เขต): สศท. ต้องระบุเขต (1–12)',
        'แผ่นงาน "หน่วยงาน" แถว 4 คอลัมน์ F (เขต): ระบุเขตได้เฉพาะหน่วยงานประเภท สศท.',
        'แผ่นงาน "หน่วยงาน" แถว 6 คอลัมน์ F (เขต): เขต 5 ซ้ำกับแถว 5',
    ]


def test_duplicates_within_the_file_are_errors():
    sections = [*SECTIONS, ["bae", "planning", "ส่วนแผนงาน (ซ้ำ)", 2]]
    people = [
        *PEOPLE,
        ["somchai", "สมชาย", "ใจดี", "somchai@oae.go.th", "officer", "bae"],  # the same role again
        ["somchai", "สมชาย", "ใจร้าย", "somchai@oae.go.th", "ผู้บริหาร", None],  # different surname
        ["somsri", "สมศรี", "ใจดี", "SOMCHAI@oae.go.th", "ผู้บริหาร", None],  # someone else's address
    ]
    assert messages_of(standard(units=[*UNITS, UNITS[0]], sections=sections, people=people)) == [
        'แผ่นงาน "หน่วยงาน" แถว 4 คอลัมน์ A (รหัส): รหัส "bae" ซ้ำกับแถว 2',
        'แผ่นงาน "ส่วน" แถว 4 คอลัมน์ B (รหัสส่วน): ส่วน "planning" ของหน่วยงาน "bae" ซ้ำกับแถว 2',
        'แผ่นงาน "บุคลากร" แถว 5 คอลัมน์ E (บทบาท): บทบาทนี้ของผู้ใช้นี้ ซ้ำกับแถว 2',
        'แผ่นงาน "บุคลากร" แถว 6 คอลัมน์ B (ชื่อ): ชื่อ นามสกุล หรืออีเมลไม่ตรงกับแถว 2',
        'แผ่นงาน "บุคลากร" แถว 7 คอลัมน์ D (อีเมล): อีเมลนี้เป็นของ somchai ในแถว 2',
    ]
    assert_nothing_imported()


def test_roles_need_a_unit_exactly_when_they_belong_to_one():
    people = [
        ["a", "ก", "ก", "a@oae.go.th", "เจ้าหน้าที่หน่วยงาน", None],
        ["b", "ข", "ข", "b@oae.go.th", "ผู้บริหาร", "bae"],
        ["c", "ค", "ค", "c@oae.go.th", "administrator", None],
    ]
    assert messages_of(standard(people=people)) == [
        'แผ่นงาน "บุคลากร" แถว 2 คอลัมน์ F (รหัสหน่วยงาน): บทบาทนี้ต้องระบุรหัสหน่วยงาน',
        'แผ่นงาน "บุคลากร" แถว 3 คอลัมน์ F (รหัสหน่วยงาน): บทบาทนี้ไม่สังกัดหน่วยงาน: ให้เว้นว่าง',
    ]


def test_sections_and_people_may_refer_to_units_already_in_the_database():
    Unit.objects.create(code="bae", name_th="สำนักวิจัยเศรษฐกิจการเกษตร")
    stream = workbook(
        {
            "ส่วน": [SECTION_HEADERS, SECTIONS[0]],
            "บุคลากร": [PEOPLE_HEADERS, PEOPLE[0]],
        }
    )
    result = import_organization(stream)
    assert (result.units_created, result.sections_created, result.roles_added) == (0, 1, 1)
    assert Role.objects.get().unit.code == "bae"


def test_an_email_used_by_another_account_is_refused():
    User.objects.create_user("someone-else", email="Somchai@OAE.go.th")
    assert messages_of(standard()) == [
        'แผ่นงาน "บุคลากร" แถว 2 คอลัมน์ D (อีเมล): อีเมลนี้เป็นของบัญชี someone-else ที่มีอยู่ในระบบแล้ว'
    ]


def test_reimport_updates_instead_of_duplicating():
    import_organization(standard())
    units = [[*UNITS[0][:1], "สำนักวิจัยเศรษฐกิจการเกษตร (ใหม่)", *UNITS[0][2:]], UNITS[1]]
    sections = [["bae", "planning", "ส่วนแผนงาน", 3], SECTIONS[1]]
    people = [["somchai", "สมชาย", "ใจดีมาก", "somchai@oae.go.th", "เจ้าหน้าที่หน่วยงาน", "bae"], *PEOPLE[1:]]

    result = import_organization(standard(units=units, sections=sections, people=people))

    assert (result.units_created, result.units_updated, result.units_unchanged) == (0, 1, 1)
    assert (result.sections_created, result.sections_updated, result.sections_unchanged) == (0, 1, 1)
    assert (result.people_created, result.people_updated, result.people_unchanged) == (0, 1, 1)
    assert (result.roles_added, result.roles_existing) == (0, 3)
    assert Unit.objects.count() == 2 and Section.objects.count() == 2 and User.objects.count() == 2
    assert Role.objects.count() == 3
    assert Unit.objects.get(code="bae").name_th == "สำนักวิจัยเศรษฐกิจการเกษตร (ใหม่)"
    assert Section.objects.get(code="planning").position == 3
    assert User.objects.get(username="somchai").last_name == "ใจดีมาก"


def test_an_existing_person_keeps_their_roles_and_password():
    bae = Unit.objects.create(code="bae", name_th="สวศ.")
    somchai = User.objects.create_user("somchai", password="secret-passphrase", email="old@oae.go.th")
    Role.objects.create(user=somchai, kind=Role.Kind.DIRECTOR, unit=bae)

    import_organization(workbook({"บุคลากร": [PEOPLE_HEADERS, PEOPLE[0]]}))

    somchai.refresh_from_db()
    assert somchai.email == "somchai@oae.go.th" and somchai.check_password("secret-passphrase")
    assert set(somchai.roles.values_list("kind", flat=True)) == {"director", "officer"}


def test_a_column_left_out_leaves_that_field_alone():
    Unit.objects.create(code="bae", name_th="เดิม", name_en="Bureau", short_name="สวศ.")
    import_organization(workbook({"หน่วยงาน": [["รหัส", "ชื่อภาษาไทย", "ประเภท"], ["bae", "ใหม่", "สำนัก"]]}))
    unit = Unit.objects.get()
    assert (unit.name_th, unit.name_en, unit.short_name) == ("ใหม่", "Bureau", "สวศ.")


def test_every_changed_unit_and_person_is_in_the_audit_log():
    actor = User.objects.create_user("admin-user", email="admin@oae.go.th")
    import_organization(standard(), actor=actor, source_name="/tmp/org.xlsx")

    entries = AuditEntry.objects.order_by("id")
    assert [(e.action, e.object_repr) for e in entries] == [
        ("pramern.unit.imported", "สำนักวิจัยเศรษฐกิจการเกษตร"),
        ("pramern.unit.imported", "สำนักงานเศรษฐกิจการเกษตรที่ 3"),
        ("pramern.person.imported", "somchai"),
        ("pramern.person.imported", "pranee"),
    ]
    bae = entries[0]
    assert bae.actor == actor
    assert bae.data["file"] == "org.xlsx"
    assert bae.data["created"] is True and bae.data["sections_created"] == ["planning"]
    assert bae.data["summary"]["roles_added"] == 3
    assert len({e.data["batch"] for e in entries}) == 1
    assert entries[3].data["roles_added"] == [{"kind": "director", "unit": "bae"}, {"kind": "evaluator", "unit": None}]

    import_organization(standard())
    assert AuditEntry.objects.count() == 4  # nothing changed, nothing logged


def test_a_file_that_is_not_an_xlsx_is_refused_in_thai():
    assert messages_of(io.BytesIO(b"name,code\nx,y\n")) == [
        "อ่านไฟล์ไม่ได้: ต้องเป็นไฟล์ Excel (.xlsx) — ไฟล์ .xls แบบเก่าให้บันทึกเป็น .xlsx ก่อน"
    ]


def test_a_workbook_can_be_read_from_a_path(tmp_path: Path):
    target = tmp_path / "องค์กร.xlsx"
    target.write_bytes(standard().getvalue())
    import_organization(target)
    assert Unit.objects.count() == 2


def test_a_dry_run_counts_but_changes_nothing():
    result = import_organization(standard(), dry_run=True)
    assert result.dry_run and result.units_created == 2 and result.roles_added == 3
    assert_nothing_imported()


def test_the_template_reads_back_with_thai_headers_and_imports_cleanly(tmp_path: Path):
    target = tmp_path / "template.xlsx"
    write_template(target)

    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["หน่วยงาน", "ส่วน", "บุคลากร"]
    assert [c.value for c in book["หน่วยงาน"][1]] == UNIT_HEADERS
    assert [c.value for c in book["ส่วน"][1]] == SECTION_HEADERS
    assert [c.value for c in book["บุคลากร"][1]] == PEOPLE_HEADERS
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 2
        assert all(sheet.column_dimensions[letter].width >= 12 for letter in "ABCD")
    assert book["หน่วยงาน"]["B2"].value == "สำนักวิจัยเศรษฐกิจการเกษตร"

    result = import_organization(target)
    assert (result.units_created, result.sections_created, result.people_created) == (1, 1, 1)


def test_the_template_column_width_ignores_thai_marks():
    sheet = build_template()["หน่วยงาน"]
    # "สำนักวิจัยเศรษฐกิจการเกษตร" is 26 code points but 22 cells wide (4 vowels sit above); + 4 padding
    assert sheet.column_dimensions["B"].width == 26


def test_the_command_prints_the_summary(tmp_path: Path, capsys):
    target = tmp_path / "org.xlsx"
    target.write_bytes(standard().getvalue())
    call_command("import_organization", str(target))
    assert "นำเข้าแล้ว หน่วยงาน: เพิ่ม 2" in capsys.readouterr().out
    assert Unit.objects.count() == 2


def test_the_command_dry_run_changes_nothing(tmp_path: Path, capsys):
    target = tmp_path / "org.xlsx"
    target.write_bytes(standard().getvalue())
    call_command("import_organization", str(target), "--dry-run")
    assert "ไม่ได้บันทึก" in capsys.readouterr().out
    assert_nothing_imported()


def test_the_command_lists_every_error(tmp_path: Path):
    target = tmp_path / "org.xlsx"
    target.write_bytes(standard(people=[["x", "ก", "ข", "bad", "หัวหน้า", None]]).getvalue())
    with pytest.raises(CommandError) as caught:
        call_command("import_organization", str(target))
    assert str(caught.value).splitlines() == [
        "ไม่ได้นำเข้า: พบข้อผิดพลาด 2 รายการ",
        'แผ่นงาน "บุคลากร" แถว 2 คอลัมน์ D (อีเมล): อีเมล "bad" ไม่ถูกต้อง',
        'แผ่นงาน "บุคลากร" แถว 2 คอลัมน์ E (บทบาท): ไม่รู้จักบทบาท "หัวหน้า"',
    ]
    assert_nothing_imported()


def test_the_command_reports_a_missing_file(tmp_path: Path):
    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        call_command("import_organization", str(tmp_path / "nothing.xlsx"))


def test_an_imported_administrator_can_use_the_admin():
    people = [["chai", "ชาย", "ดูแลระบบ", "chai@oae.go.th", "ผู้ดูแลระบบ", None]]
    import_organization(standard(people=people))
    admin = User.objects.get(username="chai")
    assert admin.is_staff and admin.is_superuser
    assert Role.objects.get(user=admin).kind == "administrator"
