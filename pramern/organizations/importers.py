"""Units, sections and people from one Excel workbook, all or nothing.

The workbook has up to three sheets, named in Thai or English:

- ``หน่วยงาน`` (``units``): รหัส, ชื่อภาษาไทย, ชื่อภาษาอังกฤษ, ชื่อย่อ, ประเภท, เขต
- ``ส่วน`` (``sections``): รหัสหน่วยงาน, รหัสส่วน, ชื่อส่วน, ลำดับ
- ``บุคลากร`` (``people``): ชื่อผู้ใช้, ชื่อ, นามสกุล, อีเมล, บทบาท, รหัสหน่วยงาน

Row 1 holds the headers (any order, Thai or the English field names). Everything is checked before
anything is written; every problem is reported with its sheet, Excel row and column, in Thai.
Units are matched by code, sections by (unit, code), people by username. Roles are only added,
never removed. An optional column left out of a sheet leaves that field alone; an empty cell in a
column that is there clears it (a section's empty position keeps the one it has).
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.db.models.functions import Lower
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pramern.audit.services import log_action
from pramern.organizations.models import Role, Section, Unit
from pramern.thaitext import display_width

#: Largest workbook accepted through the admin upload.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Rows read per sheet below the header, blank ones included: a workbook of a few kilobytes can
#: declare all 1,048,576 rows of Excel's grid, and reading them took a quarter of an hour. OAE
#: has a few dozen units and some hundreds of people.
MAX_ROWS = 5000
#: Columns read per sheet (AX): a sheet may declare all 16,384, which every row would be padded to.
MAX_COLUMNS = 50
REGIONS = range(1, 13)

Source = str | Path | IO[bytes]


# --- what the workbook looks like --------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Thai header written in the template
    required: bool = False  # the cell must be filled (and so the column must be there)
    max_length: int | None = None
    example: str | int | None = None


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str  # the Thai sheet name
    english: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        wanted = _normalise_header(name)
        for col in self.columns:
            if wanted in (_normalise_header(col.header), col.field):
                return col
        return None


UNITS = SheetSpec(
    "units",
    "หน่วยงาน",
    "units",
    (
        Column("code", "รหัส", required=True, max_length=40, example="bae"),
        Column("name_th", "ชื่อภาษาไทย", required=True, max_length=200, example="สำนักวิจัยเศรษฐกิจการเกษตร"),
        Column("name_en", "ชื่อภาษาอังกฤษ", max_length=200, example="Bureau of Agricultural Economic Research"),
        Column("short_name", "ชื่อย่อ", max_length=40, example="สวศ."),
        Column("kind", "ประเภท", required=True, example="สำนัก"),
        Column("region", "เขต"),
    ),
)
SECTIONS = SheetSpec(
    "sections",
    "ส่วน",
    "sections",
    (
        Column("unit_code", "รหัสหน่วยงาน", required=True, example="bae"),
        Column("code", "รหัสส่วน", required=True, max_length=40, example="planning"),
        Column("name_th", "ชื่อส่วน", required=True, max_length=200, example="ส่วนแผนงานและวิชาการ"),
        Column("position", "ลำดับ", example=1),
    ),
)
PEOPLE = SheetSpec(
    "people",
    "บุคลากร",
    "people",
    (
        Column("username", "ชื่อผู้ใช้", required=True, max_length=150, example="somchai.j"),
        Column("first_name", "ชื่อ", required=True, max_length=150, example="สมชาย"),
        Column("last_name", "นามสกุล", required=True, max_length=150, example="ใจดี"),
        Column("email", "อีเมล", required=True, max_length=254, example="somchai.j@oae.go.th"),
        Column("role", "บทบาท", required=True, example="เจ้าหน้าที่หน่วยงาน"),
        Column("unit_code", "รหัสหน่วยงาน", example="bae"),
    ),
)
SHEETS = (UNITS, SECTIONS, PEOPLE)

UNIT_KINDS: dict[str, str] = {
    "สำนัก": Unit.Kind.BUREAU,
    "ศูนย์": Unit.Kind.CENTRE,
    "กอง": Unit.Kind.DIVISION,
    "สศท.": Unit.Kind.REGIONAL,
    "สศท": Unit.Kind.REGIONAL,
    "อื่นๆ": Unit.Kind.OTHER,
    "อื่น ๆ": Unit.Kind.OTHER,
    "อื่น": Unit.Kind.OTHER,
    **{kind.value: kind.value for kind in Unit.Kind},
}
ROLE_KINDS: dict[str, str] = {
    "เจ้าหน้าที่หน่วยงาน": Role.Kind.OFFICER,
    "ผู้อำนวยการ": Role.Kind.DIRECTOR,
    "ผู้ประเมิน": Role.Kind.EVALUATOR,
    "ผู้บริหาร": Role.Kind.EXECUTIVE,
    "ผู้ดูแลระบบ": Role.Kind.ADMINISTRATOR,
    "ผู้แก้ไขกรอบการประเมิน": Role.Kind.FRAMEWORK_EDITOR,
    **{kind.value: kind.value for kind in Role.Kind},
}
# The Thai words written into the template's drop-downs (the first word for each code above).
UNIT_KIND_WORDS = ("สำนัก", "ศูนย์", "กอง", "สศท.", "อื่นๆ")
ROLE_WORDS = ("เจ้าหน้าที่หน่วยงาน", "ผู้อำนวยการ", "ผู้ประเมิน", "ผู้บริหาร", "ผู้ดูแลระบบ", "ผู้แก้ไขกรอบการประเมิน")


# --- results and errors ------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class ImportIssue:
    """One problem in the workbook; ``str()`` is the Thai sentence shown to the person importing."""

    sheet: str = ""
    row: int | None = None
    column: str = ""  # the Excel letter, e.g. "C"
    header: str = ""  # the header text as written in the file
    message: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f'แผ่นงาน "{self.sheet}"')
        if self.row is not None:
            where.append(f"แถว {self.row}")
        if self.column:
            where.append(f"คอลัมน์ {self.column} ({self.header})" if self.header else f"คอลัมน์ {self.column}")
        return f"{' '.join(where)}: {self.message}" if where else self.message


class OrganizationImportError(Exception):
    """The workbook has problems; nothing was changed. ``issues`` lists every one of them."""

    def __init__(self, issues: Iterable[ImportIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would have done)."""

    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    sections_created: int = 0
    sections_updated: int = 0
    sections_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    roles_added: int = 0
    roles_existing: int = 0
    dry_run: bool = False
    #: The accounts this import created (ids), for their set-your-password invitations.
    new_people: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {key: value for key, value in asdict(self).items() if key not in ("dry_run", "new_people")}

    def __str__(self) -> str:
        return (
            f"หน่วยงาน: เพิ่ม {self.units_created} แก้ไข {self.units_updated} ไม่เปลี่ยน {self.units_unchanged}; "
            f"ส่วน: เพิ่ม {self.sections_created} แก้ไข {self.sections_updated} ไม่เปลี่ยน {self.sections_unchanged}; "
            f"บุคลากร: เพิ่ม {self.people_created} แก้ไข {self.people_updated} ไม่เปลี่ยน {self.people_unchanged}; "
            f"บทบาท: เพิ่ม {self.roles_added} มีอยู่แล้ว {self.roles_existing}"
        )


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: str
    column: str
    header: str


@dataclass
class Row:
    """One non-blank data row: the cells of the recognised columns, by field name."""

    sheet: str
    number: int
    cells: dict[str, Cell]

    def text(self, name: str) -> str:
        cell = self.cells.get(name)
        return cell.value if cell else ""

    def has(self, name: str) -> bool:
        return name in self.cells

    def issue(self, name: str | None, message: str) -> ImportIssue:
        cell = self.cells.get(name) if name else None
        if cell is None:
            return ImportIssue(self.sheet, self.number, message=message)
        return ImportIssue(self.sheet, self.number, cell.column, cell.header, message)


@dataclass
class Parsed:
    units: list[Row] = field(default_factory=list)
    sections: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)


def _normalise_header(text: str) -> str:
    return " ".join(text.split()).casefold()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # A zero-width space is common in Thai text pasted from the web; at the edges it only hides.
    return str(value).strip().strip("\u200b").strip()


def _open(source: Source) -> openpyxl.Workbook:
    if isinstance(source, Path):
        source = str(source)
    if hasattr(source, "seek"):
        source.seek(0)
    with warnings.catch_warnings():
        # Styles and extensions openpyxl cannot keep do not matter here: only cell values are read.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        return openpyxl.load_workbook(source, read_only=True, data_only=True)


def read_workbook(source: Source, *, max_rows: int | None = None) -> Parsed:
    """Read the sheets into rows; the issues found while reading are in ``Parsed.issues``. A sheet
    is read in streaming mode and no further than ``max_rows`` (``MAX_ROWS``) rows below its header."""
    max_rows = max_rows or MAX_ROWS
    parsed = Parsed()
    try:
        book = _open(source)
    except FileNotFoundError:
        parsed.issues.append(ImportIssue(message=f"ไม่พบไฟล์ {source}"))
        return parsed
    except Exception:  # openpyxl raises zipfile, XML, KeyError and its own errors for a bad file
        parsed.issues.append(
            ImportIssue(message="อ่านไฟล์ไม่ได้: ต้องเป็นไฟล์ Excel (.xlsx) — ไฟล์ .xls แบบเก่าให้บันทึกเป็น .xlsx ก่อน")
        )
        return parsed
    try:
        found: dict[str, str] = {}
        for name in book.sheetnames:
            spec = next((s for s in SHEETS if _normalise_header(name) in (s.title, s.english)), None)
            if spec is None:
                known = ", ".join(f"{s.title} ({s.english})" for s in SHEETS)
                parsed.issues.append(ImportIssue(name, message=f"ไม่รู้จักแผ่นงานนี้ (ใช้ได้: {known})"))
            elif spec.key in found:
                parsed.issues.append(ImportIssue(name, message=f'ซ้ำกับแผ่นงาน "{found[spec.key]}"'))
            else:
                found[spec.key] = name
                rows = getattr(parsed, spec.key)
                rows.extend(_read_sheet(book[name], name, spec, parsed.issues, max_rows))
        if not found and not parsed.issues:
            parsed.issues.append(ImportIssue(message="ไม่พบแผ่นงาน หน่วยงาน, ส่วน หรือ บุคลากร"))
    finally:
        book.close()
    return parsed


def _read_sheet(sheet: Any, name: str, spec: SheetSpec, issues: list[ImportIssue], max_rows: int) -> Iterator[Row]:
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    header_row = next(rows, ())
    columns: dict[int, Column] = {}
    headers: dict[int, str] = {}
    labelled: set[int] = set()  # every column with a header, known or not
    for index, value in enumerate(header_row):
        text = _cell_text(value)
        if not text:
            continue
        labelled.add(index)
        letter = get_column_letter(index + 1)
        col = spec.column(text)
        if col is None:
            expected = ", ".join(c.header for c in spec.columns)
            issues.append(ImportIssue(name, 1, letter, text, f"ไม่รู้จักหัวคอลัมน์นี้ (ใช้ได้: {expected})"))
        elif col in columns.values():
            first = next(i for i, c in columns.items() if c == col)
            issues.append(ImportIssue(name, 1, letter, text, f"คอลัมน์ซ้ำกับคอลัมน์ {get_column_letter(first + 1)}"))
        else:
            columns[index] = col
            headers[index] = text
    for col in spec.columns:
        if col.required and col not in columns.values():
            issues.append(ImportIssue(name, 1, message=f'ไม่มีคอลัมน์ "{col.header}"'))

    for number, values in enumerate(rows, start=2):
        if number > max_rows + 1:  # counted as read, so a million declared blank rows stop here too
            issues.append(
                ImportIssue(
                    name,
                    number,
                    message=f"แผ่นงานนี้มีเกิน {max_rows:,} แถว (นับแถวว่างด้วย) จึงไม่ได้อ่านต่อ "
                    "— ลบแถวว่างหรือแถวที่จัดรูปแบบไว้ท้ายแผ่นงานแล้วลองใหม่",
                )
            )
            return
        texts = [_cell_text(v) for v in values]
        if not any(texts):
            continue
        cells: dict[str, Cell] = {}
        for index, text in enumerate(texts):
            letter = get_column_letter(index + 1)
            if index in columns:
                cells[columns[index].field] = Cell(text, letter, headers[index])
            elif text and index not in labelled:
                issues.append(ImportIssue(name, number, letter, message="มีข้อมูลในคอลัมน์ที่ไม่มีหัวคอลัมน์"))
        yield Row(name, number, cells)


# --- checking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitData:
    code: str
    fields: dict[str, Any]  # only the fields whose columns are in the sheet


@dataclass(frozen=True)
class SectionData:
    unit_code: str
    code: str
    name_th: str
    position: int | None


@dataclass(frozen=True)
class PersonData:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    unit_code: str


@dataclass
class Checked:
    units: list[UnitData] = field(default_factory=list)
    sections: list[SectionData] = field(default_factory=list)
    people: list[PersonData] = field(default_factory=list)


def _check_cells(row: Row, spec: SheetSpec, issues: list[ImportIssue]) -> bool:
    """Required cells are filled and no text is too long; returns whether the row passed."""
    ok = True
    for col in spec.columns:
        value = row.text(col.field)
        if col.required and not value:
            if row.has(col.field):  # a missing column is reported once, for the sheet
                issues.append(row.issue(col.field, "ต้องกรอกช่องนี้"))
            ok = False
        elif col.max_length and len(value) > col.max_length:
            issues.append(row.issue(col.field, f"ยาวเกิน {col.max_length} ตัวอักษร"))
            ok = False
    return ok


def _check_slug(row: Row, name: str, issues: list[ImportIssue]) -> bool:
    value = row.text(name)
    if not value:
        return False
    try:
        validate_slug(value)
    except ValidationError:
        issues.append(row.issue(name, f'รหัส "{value}" ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข - และ _'))
        return False
    return True


def _parse_int(row: Row, name: str, issues: list[ImportIssue], allowed: range, what: str) -> int | None:
    value = row.text(name)
    try:
        number = int(value)
    except ValueError:
        issues.append(row.issue(name, f'{what}ต้องเป็นตัวเลข ไม่ใช่ "{value}"'))
        return None
    if number not in allowed:
        issues.append(row.issue(name, f"{what}ต้องอยู่ระหว่าง {allowed.start} ถึง {allowed.stop - 1}"))
        return None
    return number


def _lookup(row: Row, name: str, table: dict[str, str], issues: list[ImportIssue], what: str) -> str | None:
    value = row.text(name)
    found = table.get(value) or table.get(value.casefold())
    if found is None and value:
        issues.append(row.issue(name, f'ไม่รู้จัก{what} "{value}"'))
    return found


def _first_seen(seen: dict[Any, int], key: Any, row: Row, name: str, issues: list[ImportIssue], label: str) -> bool:
    """Remember ``key`` at this row; report a duplicate (and return False) when it was seen before."""
    if key in seen:
        issues.append(row.issue(name, f"{label} ซ้ำกับแถว {seen[key]}"))
        return False
    seen[key] = row.number
    return True


def check(parsed: Parsed) -> tuple[Checked, list[ImportIssue]]:
    """Check every row against the rules and the database; returns the clean data and all issues.

    Each sheet is checked on its own, then what one sheet says about another or about the database."""
    issues = list(parsed.issues)
    units = _check_units(parsed.units, issues)
    sections = _check_sections(parsed.sections, issues)
    people, email_owners = _check_people(parsed.people, issues)
    _check_unit_references(parsed, issues)
    _check_emails_unused(parsed.people, email_owners, issues)
    return Checked(units, sections, people), sorted(set(issues), key=_issue_order)


def _check_units(rows: list[Row], issues: list[ImportIssue]) -> list[UnitData]:
    """The units sheet: codes valid and once each, kinds known, a region for regional offices only."""
    units = []
    seen_codes: dict[Any, int] = {}
    seen_regions: dict[Any, int] = {}
    for row in rows:
        ok = _check_cells(row, UNITS, issues)
        code = row.text("code")
        ok = _check_slug(row, "code", issues) and ok
        ok = _first_seen(seen_codes, code, row, "code", issues, f'รหัส "{code}"') and ok
        kind = _lookup(row, "kind", UNIT_KINDS, issues, "ประเภทหน่วยงาน")
        region, region_ok = _check_region(row, kind, seen_regions, issues)
        if ok and region_ok and kind is not None:
            fields: dict[str, Any] = {"name_th": row.text("name_th"), "kind": kind, "region": region}
            fields.update({name: row.text(name) for name in ("name_en", "short_name") if row.has(name)})
            units.append(UnitData(code, fields))
    return units


def _check_region(
    row: Row, kind: str | None, seen: dict[Any, int], issues: list[ImportIssue]
) -> tuple[int | None, bool]:
    """A regional office's region (1–12, one office each; other kinds have none) and whether the row passed."""
    if kind != Unit.Kind.REGIONAL:
        if kind is not None and row.text("region"):
            issues.append(row.issue("region", "ระบุเขตได้เฉพาะหน่วยงานประเภท สศท."))
            return None, False
        return None, True
    if not row.text("region"):
        issues.append(row.issue("region", "สศท. ต้องระบุเขต (1–12)"))
        return None, False
    region = _parse_int(row, "region", issues, REGIONS, "เขต")
    if region is None:
        return None, False
    return region, _first_seen(seen, region, row, "region", issues, f"เขต {region}")


def _check_sections(rows: list[Row], issues: list[ImportIssue]) -> list[SectionData]:
    """The sections sheet: codes valid and once each per unit, positions whole numbers."""
    sections = []
    seen: dict[Any, int] = {}
    for row in rows:
        ok = _check_cells(row, SECTIONS, issues)
        unit_code, code = row.text("unit_code"), row.text("code")
        ok = _check_slug(row, "code", issues) and ok
        label = f'ส่วน "{code}" ของหน่วยงาน "{unit_code}"'
        ok = _first_seen(seen, (unit_code, code), row, "code", issues, label) and ok
        position = None
        if row.text("position"):
            position = _parse_int(row, "position", issues, range(0, 32768), "ลำดับ")
            ok = position is not None and ok
        if ok:
            sections.append(SectionData(unit_code, code, row.text("name_th"), position))
    return sections


def _check_people(rows: list[Row], issues: list[ImportIssue]) -> tuple[list[PersonData], dict[str, tuple[int, str]]]:
    """The people sheet: user names and addresses valid, one person's rows alike, an address for one
    person only, roles known and with a unit as their kind needs, no role twice. Also returns each
    address's first owner in the sheet (address in lower case -> (row, username))."""
    people = []
    names_seen: dict[str, tuple[int, tuple[str, str, str]]] = {}
    roles_seen: dict[Any, int] = {}
    email_owners: dict[str, tuple[int, str]] = {}
    for row in rows:
        ok = _check_cells(row, PEOPLE, issues)
        username, unit_code = row.text("username"), row.text("unit_code")
        ok = _check_username(row, issues) and ok
        email, email_ok = _check_email(row, email_owners, issues)
        role = _lookup(row, "role", ROLE_KINDS, issues, "บทบาท")
        ok = _check_role_unit(row, role, issues) and email_ok and ok
        names = (row.text("first_name"), row.text("last_name"), email)
        ok = _check_same_person(row, names, names_seen, issues) and ok
        if role is not None:
            key = (username, role, unit_code)
            ok = _first_seen(roles_seen, key, row, "role", issues, "บทบาทนี้ของผู้ใช้นี้") and ok
        if ok and role is not None:
            people.append(PersonData(username, *names, role, unit_code))
    return people, email_owners


def _check_username(row: Row, issues: list[ImportIssue]) -> bool:
    username = row.text("username")
    if not username:
        return True  # a required cell: _check_cells reports it
    try:
        get_user_model().username_validator(username)
    except ValidationError:
        issues.append(row.issue("username", f'ชื่อผู้ใช้ "{username}" ใช้ได้เฉพาะตัวอักษร ตัวเลข และ @ . + - _'))
        return False
    return True


def _check_email(row: Row, owners: dict[str, tuple[int, str]], issues: list[ImportIssue]) -> tuple[str, bool]:
    """The row's address (normalised when valid) and whether it passed: valid, and not the address
    of another person in an earlier row (``owners`` remembers each address's first row)."""
    email, username = row.text("email"), row.text("username")
    if not email:
        return email, True  # a required cell: _check_cells reports it
    try:
        validate_email(email)
    except ValidationError:
        issues.append(row.issue("email", f'อีเมล "{email}" ไม่ถูกต้อง'))
        return email, False
    email = get_user_model().objects.normalize_email(email)
    owner = owners.setdefault(email.lower(), (row.number, username))
    if owner[1] != username:
        issues.append(row.issue("email", f"อีเมลนี้เป็นของ {owner[1]} ในแถว {owner[0]}"))
        return email, False
    return email, True


def _check_role_unit(row: Row, role: str | None, issues: list[ImportIssue]) -> bool:
    """A unit's roles (officer, director) name the unit; the others name none."""
    unit_code = row.text("unit_code")
    if role in Role.UNIT_KINDS and not unit_code:
        issues.append(row.issue("unit_code", "บทบาทนี้ต้องระบุรหัสหน่วยงาน"))
        return False
    if role is not None and role not in Role.UNIT_KINDS and unit_code:
        issues.append(row.issue("unit_code", "บทบาทนี้ไม่สังกัดหน่วยงาน: ให้เว้นว่าง"))
        return False
    return True


def _check_same_person(
    row: Row, names: tuple[str, str, str], seen: dict[str, tuple[int, tuple[str, str, str]]], issues: list[ImportIssue]
) -> bool:
    """A person on several rows (one per role) has the same names and address on each."""
    username = row.text("username")
    if not (username and all(names)):
        return True
    first_row, first_names = seen.setdefault(username, (row.number, names))
    if first_names != names:
        issues.append(row.issue("first_name", f"ชื่อ นามสกุล หรืออีเมลไม่ตรงกับแถว {first_row}"))
        return False
    return True


def _check_unit_references(parsed: Parsed, issues: list[ImportIssue]) -> None:
    """Units referred to by sections and people exist in the file or in the database."""
    file_units = {row.text("code") for row in parsed.units if row.text("code")}
    referring = [(row, row.text("unit_code")) for row in (*parsed.sections, *parsed.people)]
    wanted = {code for _, code in referring if code and code not in file_units}
    in_db = set(Unit.objects.filter(code__in=wanted).values_list("code", flat=True))
    for row, code in referring:
        if code and code not in file_units and code not in in_db:
            issues.append(row.issue("unit_code", f'ไม่พบหน่วยงานรหัส "{code}" ทั้งในไฟล์และในระบบ'))


def _check_emails_unused(rows: list[Row], owners: dict[str, tuple[int, str]], issues: list[ImportIssue]) -> None:
    """An address already used by another account would get that account's password-reset mails."""
    by_email = {email: username for email, (_, username) in owners.items()}
    if not by_email:
        return
    taken = _emails_of_other_accounts(by_email)
    for row in rows:
        other = taken.get(row.text("email").lower())
        if other is not None and other != row.text("username"):
            issues.append(row.issue("email", f"อีเมลนี้เป็นของบัญชี {other} ที่มีอยู่ในระบบแล้ว"))


def _emails_of_other_accounts(by_email: dict[str, str]) -> dict[str, str]:
    """Email (lower case) → username, for existing accounts other than the file's owner of that address."""
    accounts = (
        get_user_model()
        .objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=list(by_email))
        .values_list("email_lower", "username")
    )
    return {email: username for email, username in accounts if username != by_email[email]}


def _issue_order(issue: ImportIssue) -> tuple[int, str, int, int, str]:
    """Sheets in template order, then Excel row, then column (A..Z before AA)."""
    rank = next((i for i, s in enumerate(SHEETS) if _normalise_header(issue.sheet) in (s.title, s.english)), -1)
    return (rank, issue.sheet, issue.row or 0, len(issue.column), issue.column)


# --- applying ----------------------------------------------------------------------------------


def import_organization(
    source: Source, *, actor: Any = None, source_name: str = "", dry_run: bool = False, max_rows: int | None = None
) -> ImportResult:
    """Check the workbook and apply it in one transaction; raise ``OrganizationImportError`` listing
    every problem (changing nothing). With ``dry_run`` the changes are made and rolled back.
    ``max_rows``: rows read per sheet (``MAX_ROWS``)."""
    if not source_name:
        source_name = Path(str(source)).name if isinstance(source, str | Path) else getattr(source, "name", "") or ""
    checked, issues = check(read_workbook(source, max_rows=max_rows))
    if issues:
        raise OrganizationImportError(issues)
    with transaction.atomic():
        result = _apply(checked, actor=actor, source_name=Path(source_name).name)
        result.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return result


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``values`` on ``obj``; returns {field: [before, after]} for the ones that differ."""
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [before, value]
            setattr(obj, name, value)
    return changes


@dataclass
class _UnitLog:
    created: bool = False
    changes: dict[str, list[Any]] = field(default_factory=dict)
    sections_created: list[str] = field(default_factory=list)
    sections_updated: dict[str, dict[str, list[Any]]] = field(default_factory=dict)


def _apply(checked: Checked, *, actor: Any, source_name: str) -> ImportResult:
    result = ImportResult()
    unit_logs: dict[str, _UnitLog] = {}

    codes = {u.code for u in checked.units} | {s.unit_code for s in checked.sections}
    codes |= {p.unit_code for p in checked.people if p.unit_code}
    units = {u.code: u for u in Unit.objects.select_for_update().filter(code__in=codes)}
    for data in checked.units:
        unit = units.get(data.code)
        if unit is None:
            unit = units[data.code] = Unit.objects.create(code=data.code, **data.fields)
            unit_logs[data.code] = _UnitLog(created=True, changes={k: [None, v] for k, v in data.fields.items()})
            result.units_created += 1
        elif changes := _changes(unit, data.fields):
            unit.save(update_fields=list(changes))
            unit_logs[data.code] = _UnitLog(changes=changes)
            result.units_updated += 1
        else:
            result.units_unchanged += 1

    sections = {
        (s.unit.code, s.code): s
        for s in Section.objects.select_related("unit").filter(unit__code__in={s.unit_code for s in checked.sections})
    }
    for sdata in checked.sections:
        unit = units[sdata.unit_code]
        log = unit_logs.setdefault(sdata.unit_code, _UnitLog())
        section = sections.get((sdata.unit_code, sdata.code))
        values: dict[str, Any] = {"name_th": sdata.name_th}
        if sdata.position is not None:
            values["position"] = sdata.position
        if section is None:
            Section.objects.create(unit=unit, code=sdata.code, **values)
            log.sections_created.append(sdata.code)
            result.sections_created += 1
        elif changes := _changes(section, values):
            section.save(update_fields=list(changes))
            log.sections_updated[sdata.code] = changes
            result.sections_updated += 1
        else:
            result.sections_unchanged += 1

    person_logs = _apply_people(checked.people, units, result)

    # One entry per unit and per person that changed, tied together by a batch id and the totals.
    batch = {"file": source_name, "batch": uuid.uuid4().hex, "summary": result.counts()}
    for code, log in unit_logs.items():
        if log.created or log.changes or log.sections_created or log.sections_updated:
            log_action("pramern.unit.imported", units[code], actor=actor, data={**batch, **asdict(log)})
    for user, data in person_logs:
        log_action("pramern.person.imported", user, actor=actor, data={**batch, **data})
    return result


def _apply_people(
    people: list[PersonData], units: dict[str, Unit], result: ImportResult
) -> list[tuple[AbstractUser, dict[str, Any]]]:
    User = get_user_model()
    users = {u.username: u for u in User.objects.select_for_update().filter(username__in={p.username for p in people})}
    roles = set(Role.objects.filter(user__in=users.values()).values_list("user_id", "kind", "unit_id"))
    logs: dict[str, dict[str, Any]] = {}
    for person in people:
        values = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email}
        user = users.get(person.username)
        if user is None:
            user = users[person.username] = User(username=person.username, **values)
            # No password yet: the person sets one through an invitation link (pramern.accounts).
            user.set_unusable_password()
            user.save()
            result.new_people.append(user.pk)
            logs[person.username] = {"created": True, "changes": {}, "roles_added": []}
            result.people_created += 1
        elif person.username not in logs:
            changes = _changes(user, values)
            if changes:
                user.save(update_fields=list(changes))
                result.people_updated += 1
            else:
                result.people_unchanged += 1
            logs[person.username] = {"created": False, "changes": changes, "roles_added": []}
        unit = units[person.unit_code] if person.unit_code else None
        key = (user.pk, person.role, unit.pk if unit else None)
        if key in roles:
            result.roles_existing += 1
            continue
        Role.objects.create(user=user, kind=person.role, unit=unit)
        if person.role == Role.Kind.ADMINISTRATOR and not (user.is_staff and user.is_superuser):
            # Administrators run the Django admin (units, people, deadlines).
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        roles.add(key)
        logs[person.username]["roles_added"].append({"kind": person.role, "unit": person.unit_code or None})
        result.roles_added += 1
    return [
        (users[name], data) for name, data in logs.items() if data["created"] or data["changes"] or data["roles_added"]
    ]


# --- the template ------------------------------------------------------------------------------


def build_template() -> openpyxl.Workbook:
    """A workbook with the three sheets, Thai headers, one example row each and drop-down lists."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for spec in SHEETS:
        sheet = book.create_sheet(spec.title)
        sheet.append([col.header for col in spec.columns])
        sheet.append([col.example for col in spec.columns])
        for cell in sheet[1]:
            cell.font = bold
        for index, col in enumerate(spec.columns, start=1):
            width = max(display_width(col.header), display_width(str(col.example or "")), 8)
            sheet.column_dimensions[get_column_letter(index)].width = width + 4
        for number in (1, 2):
            sheet.row_dimensions[number].height = 22  # room for stacked Thai marks
        sheet.freeze_panes = "A2"
        choices = {"kind": UNIT_KIND_WORDS, "role": ROLE_WORDS}
        for index, col in enumerate(spec.columns, start=1):
            if col.field in choices:
                letter = get_column_letter(index)
                rule = DataValidation(type="list", formula1=f'"{",".join(choices[col.field])}"', allow_blank=True)
                rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
                sheet.add_data_validation(rule)
    return book


def write_template(target: str | Path | IO[bytes]) -> None:
    """Write the template workbook to a path or a binary stream."""
    build_template().save(target)
