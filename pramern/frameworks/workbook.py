"""The authoring workbook: a framework document as an Excel workbook a Thai office can fill, and back.

``write_authoring_workbook(document, stream)`` writes the document (the dict
``pramern.scoring.yamlio.load_text`` returns for a framework file) as one sheet per kind of thing:
the framework's own keys, rounds, assumptions, the tree of dimensions, sub-dimensions and items,
evidence examples, item assumptions, facts, fields, field choices, scoring options, lines, line
tests and last year's mapping. ``read_authoring_workbook(stream)`` reads such a workbook back into
a document and validates it with the framework loader; every problem is reported together, each
named by sheet, row and column in Thai (``ชีต "บรรทัดคะแนน" แถว 12 คอลัมน์ "คะแนน": ...``).

A round trip changes nothing: ``read(write(d)) == d`` and ``dump_framework`` gives the same text.
That takes three things besides the visible columns: each cell keeps its YAML type (text stays
text, ``2`` stays an int and ``0.5`` a float; a whole float such as ``2.0`` is marked by its
number format ``0.0``); a hidden column "ลำดับคีย์" holds an object's key order where it differs
from the usual one (and lists empty lists that must stay); a hidden column "คีย์อื่น" holds, as
YAML, any key the columns cannot hold. Rows added by hand need neither.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from pramern.errors import UserError
from pramern.scoring import FrameworkError, parse_framework
from pramern.scoring.yamlio import SyntaxProblem, dump_framework, load_text
from pramern.thaitext import display_width

#: The reports' xlsx font (pramern.reports.exporters.FONT_NAME): Thai glyphs on every Windows PC.
FONT_NAME = "Tahoma"
FONT_SIZE = 10
#: Data start below two header rows: Thai names (row 1) and the keys the reader matches (row 2).
FIRST_ROW = 3
#: A sheet longer than this is not an authoring workbook (FY2567 needs a few hundred rows).
MAX_ROWS = 20_000
WHOLE_FLOAT_FORMAT = "0.0"
TEXT_FORMAT = "@"
ORDER_KEY = "_order"
EXTRA_KEY = "_extra"
VALIDATION_NAME = "workbook"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_A_WORKBOOK = "ไฟล์นี้ไม่ใช่สมุดงาน Excel (.xlsx) ที่อ่านได้: บันทึกจาก Excel เป็นชนิด .xlsx แล้วลองอีกครั้ง"


# --- Problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookProblem:
    """One problem at a place in the workbook (row and column when known)."""

    sheet: str | None  # None: the file as a whole
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.sheet is None:
            return self.message
        where = f'ชีต "{self.sheet}"'
        if self.row is not None:
            where += f" แถว {self.row}"
        if self.column is not None:
            where += f' คอลัมน์ "{self.column}"'
        return f"{where}: {self.message}"


class WorkbookError(UserError):
    """A workbook that cannot become a framework; ``problems`` lists every message (Thai), and
    ``details`` the same problems as ``WorkbookProblem``\\ s."""

    def __init__(self, details: list[WorkbookProblem]) -> None:
        super().__init__(f"สมุดงานมีปัญหา {len(details)} ข้อ", [str(p) for p in details])
        self.details = details


# --- The sheets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # row 2, matched when reading; a document key unless ``owner``
    th: str  # row 1, and the name problems give
    kind: str = "text"  # text, code, number, bool, yaml, date, any
    width: int = 14  # at least this wide
    required: bool = False  # the sheet must have this column
    owner: bool = False  # says where the row belongs (item, fact...), not a key of its object
    note: str = ""
    wrap: bool = False


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    note: str
    columns: tuple[Column, ...]
    freeze: int = 1  # columns kept in view
    hidden_columns: bool = True  # the key order and other keys

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _item(required: bool = True) -> Column:
    return Column("item", "รหัสข้อ", "code", 9, required, True, "the item's code, as in sheet โครงสร้าง")


def _fact() -> Column:
    return Column("fact", "ชื่อข้อมูล", "code", 18, True, True, "the fact's name, as in sheet ข้อมูลที่บันทึก")


def _th(th: str, width: int = 40, key: str = "th") -> Column:
    return Column(key, th, "text", width, wrap=True)


def _en(th: str, width: int = 40, key: str = "en") -> Column:
    return Column(key, f"{th} (อังกฤษ)", "text", width, wrap=True)


FRAMEWORK = Sheet(
    "framework",
    "กรอบการประเมิน",
    "ค่าของกรอบการประเมิน: แก้เฉพาะคอลัมน์ ค่า / The framework's own keys: edit the value column only.",
    (
        Column("label", "รายการ", width=30, owner=True),
        Column("key", "คีย์", "code", 22, True, True),
        Column("value", "ค่า", "raw", 60, True, True, wrap=True),
    ),
    hidden_columns=False,
)
ROUNDS = Sheet(
    "rounds",
    "รอบการประเมิน",
    "รอบการประเมิน เรียงตามลำดับ วันที่เป็น ค.ศ. ปปปป-ดด-วว / Rounds in order; dates are CE, YYYY-MM-DD.",
    (
        Column("code", "รหัสรอบ", "code", 9, True),
        _th("ชื่อรอบ", 20, "title_th"),
        _en("ชื่อรอบ", 20, "title_en"),
        Column("starts", "วันเริ่ม", "date", 12, note="YYYY-MM-DD (ค.ศ.)"),
        Column("cutoff", "วันตัดรอบ", "date", 12, note="YYYY-MM-DD (ค.ศ.)"),
    ),
)
FRAMEWORK_ASSUMPTIONS = Sheet(
    "framework_assumptions",
    "ข้อสมมติของกรอบ",
    "ข้อสมมติที่ใช้กับทั้งกรอบ / Framework-wide assumptions.",
    (Column("id", "รหัส", "code", 18), _th("ข้อสมมติ", 60), _en("ข้อสมมติ", 60)),
)
KINDS = {"ด้าน": "dimension", "ด้านย่อย": "group", "ข้อ": "item"}
KIND_NAMES = {v: k for k, v in KINDS.items()}
TREE = Sheet(
    "tree",
    "โครงสร้าง",
    "ด้าน ด้านย่อย และข้อ ตามลำดับ / Dimensions, sub-dimensions and items, in order.",
    (
        Column("code", "รหัส", "code", 9, True),
        Column("parent", "รหัสแม่", "code", 9, True, True, "ว่างสำหรับด้าน / empty for a dimension"),
        Column("kind", "ประเภท", "code", 10, True, True, "ด้าน (dimension), ด้านย่อย (sub-dimension), ข้อ (item)"),
        _th("ชื่อ", 40, "title_th"),
        _en("ชื่อ", 40, "title_en"),
        Column("points", "คะแนน", "number", 8),
        _th("แนวทางการดำเนินการ", 60, "guidance_th"),
        _en("แนวทางการดำเนินการ", 60, "guidance_en"),
        _th("หมายเหตุต้นฉบับ", 30, "source_note.th"),
        _en("หมายเหตุต้นฉบับ", 30, "source_note.en"),
    ),
)
EVIDENCE = Sheet(
    "evidence",
    "ตัวอย่างหลักฐาน",
    "ตัวอย่าง/หลักฐานของแต่ละข้อ ตามลำดับ / Evidence examples of each item, in order.",
    (_item(), _th("ตัวอย่าง/หลักฐาน", 60), _en("ตัวอย่าง/หลักฐาน", 60)),
)
ITEM_ASSUMPTIONS = Sheet(
    "item_assumptions",
    "ข้อสมมติรายข้อ",
    "ข้อสมมติของแต่ละข้อ / Each item's assumptions.",
    (_item(), Column("id", "รหัส", "code", 18), _th("ข้อสมมติ", 60), _en("ข้อสมมติ", 60)),
)
FACT_TYPES = ("event", "measurement", "choice", "periodic", "judgement")
FIELD_TYPES = ("flag", "choice", "section", "number", "text")
FACTS = Sheet(
    "facts",
    "ข้อมูลที่บันทึก",
    "ข้อมูลที่หน่วยงานบันทึกในแต่ละข้อ / What a unit records for each item (facts).",
    (
        _item(),
        Column("name", "ชื่อข้อมูล", "code", 18, True, True, "a word of a-z, 0-9, _ (used in rules)"),
        Column("type", "ชนิด", "code", 12, True, note=", ".join(FACT_TYPES)),
        _th("ชื่อที่แสดง", 30),
        _en("ชื่อที่แสดง", 30),
        _th("คำแนะนำ", 40, "help_th"),
        _en("คำแนะนำ", 40, "help_en"),
        Column("cumulative", "สะสม", "bool", 8, note="TRUE: the number only grows (measurement)"),
        Column("maximum", "ค่าสูงสุด", "any", 10, note="a number, or staff (measurement, judgement)"),
        Column("step", "ช่วงคะแนน", "number", 10, note="judgement: the step (default 0.5)"),
    ),
    freeze=2,
)
FIELDS = Sheet(
    "fields",
    "ช่องข้อมูล",
    "ช่องของแต่ละข้อมูล / The fields of each fact.",
    (
        _item(),
        _fact(),
        Column("name", "ชื่อช่อง", "code", 20, True, True),
        Column("type", "ชนิด", "code", 10, True, note=", ".join(FIELD_TYPES)),
        Column("required", "ต้องกรอก", "bool", 9),
        _th("ชื่อที่แสดง", 40),
        _en("ชื่อที่แสดง", 40),
    ),
    freeze=3,
)
CHOICES = Sheet(
    "choices",
    "ตัวเลือกของช่อง",
    "ตัวเลือกของช่องชนิด choice / The choices of each choice field.",
    (
        _item(),
        _fact(),
        Column("field", "ชื่อช่อง", "code", 20, True, True),
        Column("code", "รหัสตัวเลือก", "code", 20, True, True),
        _th("ชื่อที่แสดง", 40),
        _en("ชื่อที่แสดง", 40),
    ),
    freeze=4,
)
OPTIONS = Sheet(
    "options",
    "ตัวเลือกคะแนน",
    "ตัวเลือกของข้อมูลชนิด choice และคะแนน / The scored options of each choice fact.",
    (
        _item(),
        _fact(),
        Column("code", "รหัสตัวเลือก", "code", 24, True, True),
        _th("ชื่อที่แสดง", 40),
        _en("ชื่อที่แสดง", 40),
        Column("points", "คะแนน", "number", 8),
        Column("points_if", "คะแนนเมื่อมีธง", "yaml", 24, note="YAML, one per line: flag: points", wrap=True),
    ),
    freeze=3,
)
LINES = Sheet(
    "lines",
    "บรรทัดคะแนน",
    "บรรทัดคะแนนของแต่ละข้อ ตามลำดับ / The scoring lines of each item, in order.",
    (
        _item(),
        Column("id", "รหัสบรรทัด", "code", 16, True),
        Column("round", "รอบ", "code", 6),
        Column("points", "คะแนน", "number", 8, True, note="with เงื่อนไข (when); or คะแนนจาก (points_from)"),
        Column("points_from", "คะแนนจาก", "text", 14, note="e.g. best(applications)"),
        Column("assumed", "ข้อสมมติ", "bool", 9, note="TRUE: the round or rule is an assumption"),
        Column("when", "เงื่อนไข", "text", 40, note="the rule (docs/rules.md)", wrap=True),
        _th("คำอธิบาย", 40),
        _en("คำอธิบาย", 40),
        _th("สิ่งที่ขาด", 40, "missing_th"),
        _en("สิ่งที่ขาด", 40, "missing_en"),
    ),
    freeze=2,
)
TESTS = Sheet(
    "tests",
    "กรณีทดสอบ",
    "กรณีทดสอบของบรรทัดคะแนน: บันทึกเป็น YAML และคะแนนที่คาด / Line tests: records (YAML) and the points expected.",
    (
        _item(),
        Column("line", "รหัสบรรทัด", "code", 16, True, True),
        Column("name", "ชื่อกรณี", "text", 24, wrap=True),
        Column("round", "รอบ", "code", 6),
        Column("staff_count", "จำนวนบุคลากร", "yaml", 10),
        Column("sections", "ส่วน/ฝ่าย", "yaml", 16, wrap=True),
        Column("records", "บันทึก (YAML)", "yaml", 50, note="fact: [records], as YAML", wrap=True),
        Column("expect", "คะแนนที่คาด", "yaml", 10),
    ),
    freeze=2,
)
PREVIOUS_KINDS = {"ข้อ": "items", "ข้อมูล": "facts"}
PREVIOUS = Sheet(
    "previous",
    "เทียบปีก่อน",
    "ข้อและข้อมูลของกรอบปีก่อนที่ต่อเนื่องมาเป็นของปีนี้ (ว่าง = ไม่มี) / Last year's items and facts → this "
    "year's (empty: no successor). A fact is written item/fact.",
    (
        Column("kind", "ประเภท", "code", 10, True, True, "ข้อ (item) or ข้อมูล (fact: item/fact)"),
        Column("old", "ของเดิม", "code", 24, True, True),
        Column("new", "ของใหม่", "code", 24, True, True),
    ),
    hidden_columns=False,
)
SHEETS = (
    FRAMEWORK,
    ROUNDS,
    FRAMEWORK_ASSUMPTIONS,
    TREE,
    EVIDENCE,
    ITEM_ASSUMPTIONS,
    FACTS,
    FIELDS,
    CHOICES,
    OPTIONS,
    LINES,
    TESTS,
    PREVIOUS,
)
#: Columns offered as a drop-down list (any other value is still read, and refused with its row).
DROPDOWNS: dict[str, dict[str, tuple[str, ...]]] = {
    TREE.key: {"kind": tuple(KINDS)},
    PREVIOUS.key: {"kind": tuple(PREVIOUS_KINDS)},
    FACTS.key: {"type": FACT_TYPES},
    FIELDS.key: {"type": FIELD_TYPES},
}
ORDER_COLUMN = Column(ORDER_KEY, "ลำดับคีย์", "text", 12, note="kept for an exact round trip: leave as is")
EXTRA_COLUMN = Column(EXTRA_KEY, "คีย์อื่น", "yaml", 12, note="other keys, as YAML: leave as is")

#: The framework sheet's rows: key, Thai label, kind of value.
FRAMEWORK_ROWS = (
    ("format", "รูปแบบไฟล์", "text"),
    ("code", "รหัสกรอบการประเมิน", "code"),
    ("version", "ฉบับ", "any"),
    ("title_th", "ชื่อ", "text"),
    ("title_en", "ชื่อ (อังกฤษ)", "text"),
    ("total_points", "คะแนนเต็ม", "number"),
    ("max_records_per_fact", "จำนวนบันทึกสูงสุดต่อข้อมูล", "any"),
    ("previous.code", "กรอบปีก่อน: รหัส", "code"),
    ("previous.version", "กรอบปีก่อน: ฉบับ", "any"),
)
ROOT_ORDER_ROW = "key_order"
#: A framework-sheet key ending so holds its value as YAML (a value of a kind its row cannot hold).
YAML_SUFFIX = "#yaml"
PREVIOUS_ORDER_ROW = "previous.key_order"

#: Each object's usual key order: the reader writes keys in this order unless the row's hidden
#: "ลำดับคีย์" says otherwise. ``COLLECTIONS``: keys filled from other sheets, with their type;
#: ``ALWAYS``: collections written even when empty.
ORDER = {
    "root": ("format", "code", "version", "title_th", "title_en", "total_points", "max_records_per_fact", "rounds",
             "assumptions", "dimensions", "previous"),
    "previous": ("code", "version", "items", "facts"),
    "round": ("code", "title_th", "title_en", "starts", "cutoff"),
    "assumption": ("id", "th", "en"),
    "text": ("th", "en"),
    "node": ("code", "title_th", "title_en", "points", "source_note", "guidance_th", "guidance_en", "evidence",
             "assumptions", "facts", "lines", "items"),
    "item": ("code", "title_th", "title_en", "points", "source_note", "guidance_th", "guidance_en", "evidence",
             "assumptions", "facts", "lines"),
    "fact": ("type", "cumulative", "maximum", "th", "en", "help_th", "help_en", "step", "fields", "options"),
    "field": ("type", "required", "th", "en", "choices"),
    "choice": ("th", "en"),
    "option": ("th", "en", "points", "points_if"),
    "line": ("id", "round", "points", "points_from", "assumed", "when", "th", "en", "missing_th", "missing_en",
             "tests"),
    "case": ("name", "round", "staff_count", "sections", "records", "expect"),
}  # fmt: skip
COLLECTIONS: dict[str, dict[str, type]] = {
    "root": {"rounds": list, "assumptions": list, "dimensions": list, "previous": dict},
    "previous": {"items": dict, "facts": dict},
    "node": {"evidence": list, "assumptions": list, "facts": dict, "lines": list, "items": list},
    "item": {"evidence": list, "assumptions": list, "facts": dict, "lines": list},
    "fact": {"fields": dict, "options": dict},
    "field": {"choices": dict},
    "line": {"tests": list},
}
ALWAYS = {"root": ("rounds", "dimensions"), "node": ("items",), "item": ("facts", "lines")}


# --- Cell values ---------------------------------------------------------------------------------


def _yaml_text(value: Any) -> str:
    text = dump_framework(value)
    if text.endswith("\n...\n"):  # a lone scalar
        text = text[: -len("\n...\n")]
    return text.rstrip("\n")


def _fits(kind: str, value: Any) -> bool:
    """Whether a column of ``kind`` holds ``value`` so that it reads back equal and of its type."""
    if kind == "text":
        return _cell_text(value)
    if kind == "date":
        return _cell_text(value) and value == value.strip()
    if kind == "code":
        return (_cell_text(value) and value == value.strip()) or _is_number(value)
    if kind == "number":
        return _is_number(value) or (_cell_text(value) and _numeric_text(value))
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "any":
        return (_cell_text(value) and value == value.strip()) or _is_number(value) or isinstance(value, bool)
    if kind == "yaml":
        return value is not None and value != ""
    raise ValueError(kind)


def _cell_text(value: Any) -> bool:
    """Text a cell gives back as it was: not empty, no control characters (XML has none, and
    reading turns a carriage return into a line break)."""
    return isinstance(value, str) and value != "" and "\r" not in value and not ILLEGAL_CHARACTERS_RE.search(value)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # Excel keeps 15-16 significant digits: anything longer would come back changed.
    return value == value and abs(value) != float("inf") and float(f"{value:.16g}") == value


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _numeric_text(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text.strip()))


def _put(cell: Any, kind: str, value: Any) -> None:
    """Write ``value`` into ``cell`` as its type: text as text (never a formula), numbers as numbers."""
    if kind == "yaml" and not (_is_number(value) or isinstance(value, bool)):
        value = _yaml_text(value)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # "=..." stays text
        cell.number_format = TEXT_FORMAT
    else:
        cell.value = value
        if isinstance(value, float) and value.is_integer():
            cell.number_format = WHOLE_FLOAT_FORMAT


class _Reader:
    """Reads cells into document values, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[WorkbookProblem] = []

    def fail(
        self, sheet: Sheet | str, message: str, row: int | None = None, column: Column | str | None = None
    ) -> None:
        title = sheet.title if isinstance(sheet, Sheet) else sheet
        name = column.th if isinstance(column, Column) else column
        self.problems.append(WorkbookProblem(title, message, row, name))

    def value(self, sheet: Sheet, row: int, column: Column, cell: Any, kind: str | None = None) -> Any:
        """The document value of ``cell`` (``None``: empty), or ``None`` after noting a problem."""
        value = cell.value if cell is not None else None
        if isinstance(value, int) and not isinstance(value, bool) and cell.number_format == WHOLE_FLOAT_FORMAT:
            value = float(value)
        return self.convert(sheet, row, column, value, kind or column.kind)

    def convert(self, sheet: Sheet, row: int, column: Column, value: Any, kind: str) -> Any:
        if value is None or value == "" or (isinstance(value, str) and not value.strip() and kind != "text"):
            return None
        if kind == "raw":
            return value
        if isinstance(value, dt.datetime | dt.date):
            if kind in ("date", "text", "any", "code"):
                return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
            self.fail(sheet, f"ต้องเป็น{_KIND_TH[kind]} ไม่ใช่วันที่", row, column)
            return None
        if kind == "text":
            if isinstance(value, bool):
                return "true" if value else "false"
            return _number_text(value) if isinstance(value, int | float) else value
        if kind in ("code", "date"):
            if isinstance(value, str):
                return value.strip()
            if isinstance(value, bool):
                self.fail(sheet, f"ต้องเป็น{_KIND_TH[kind]} ได้ {value}", row, column)
                return None
            return value if kind == "code" else _number_text(value)
        if kind == "number":
            if isinstance(value, bool) or (isinstance(value, str) and not _numeric_text(value)):
                self.fail(sheet, f"ต้องเป็นตัวเลข ได้ {_shown(value)}", row, column)
                return None
            return value
        if kind == "bool":
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            self.fail(sheet, f"ต้องเป็น TRUE (ใช่) หรือ FALSE (ไม่ใช่) ได้ {_shown(value)}", row, column)
            return None
        if kind == "any":
            return value.strip() if isinstance(value, str) else value
        if kind == "yaml":
            if not isinstance(value, str):
                return value
            try:
                return load_text(value, "cell.yaml", aliases=False)
            except SyntaxProblem as exc:
                self.fail(sheet, f"YAML ไม่ถูกต้อง: {exc}", row, column)
                return None
        raise ValueError(kind)


_KIND_TH = {"text": "ข้อความ", "code": "รหัส", "date": "วันที่ ปปปป-ดด-วว", "number": "ตัวเลข", "any": "ค่า"}
_TRUE = frozenset({"true", "yes", "y", "1", "ใช่", "จริง"})
_FALSE = frozenset({"false", "no", "n", "0", "ไม่ใช่", "ไม่", "เท็จ"})


def _number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _shown(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if len(text) <= 40 else f'"{text[:30]}…"'


# --- Objects and their key order ---------------------------------------------------------------


def _split(kind: str, obj: dict[str, Any], columns: dict[str, Column]) -> tuple[dict[str, Any], dict[str, Any], str]:
    """``obj``'s cells (column key → value), its other keys (for "คีย์อื่น") and its "ลำดับคีย์"
    (empty when the reader's usual order gives the same keys in the same order)."""
    cells: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    collections = COLLECTIONS.get(kind, {})
    present: set[str] = set()
    for key, value in obj.items():
        if key in collections:
            if _held(kind, key, value) and (kind != "line" or _fits("code", obj.get("id"))):
                if value:
                    present.add(key)
                continue
            extra[key] = value
        elif key == "source_note" and "source_note.th" in columns and _plain_text_pair(value):
            for sub, text in value.items():
                cells[f"source_note.{sub}"] = text
            present.add(key)
        elif key in columns and not columns[key].owner and _fits(columns[key].kind, value):
            cells[key] = value
            present.add(key)
        else:
            extra[key] = value
    usual = [k for k in ORDER[kind] if k in present or (k in ALWAYS.get(kind, ()) and k in obj)]
    usual += list(extra)
    missing_always = [k for k in ALWAYS.get(kind, ()) if k not in obj]
    order = "" if usual == list(obj) and not missing_always else ", ".join(obj)
    return cells, extra, order


def _plain_text_pair(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and list(value) == [k for k in ("th", "en") if k in value]
        and all(isinstance(v, str) and v for v in value.values())
    )


def _assemble(
    kind: str, cells: dict[str, Any], children: dict[str, Any], extra: dict[str, Any], order: list[str]
) -> dict[str, Any]:
    """The object a row describes: keys in the row's recorded order, else in the usual order."""
    values: dict[str, Any] = {}
    note = {sub: cells.pop(f"source_note.{sub}") for sub in ("th", "en") if f"source_note.{sub}" in cells}
    if note:
        cells["source_note"] = note
    values.update(cells)
    collections = COLLECTIONS.get(kind, {})
    for key, value in children.items():
        if value or (key in ALWAYS.get(kind, ()) and not order):
            values[key] = value
    out: dict[str, Any] = {}
    for key in order:
        if key in out:
            continue
        if key in values:
            out[key] = values[key]
        elif key in extra:
            out[key] = extra[key]
        elif key in collections:
            out[key] = collections[key]()
    for key in ORDER[kind]:
        if key in values and key not in out:
            out[key] = values[key]
    for key, value in values.items():  # a column outside the usual order (a node's guidance)
        out.setdefault(key, value)
    for key, value in extra.items():
        out.setdefault(key, value)
    return out


# --- Writing -------------------------------------------------------------------------------------


def write_authoring_workbook(document: dict[str, Any], stream: IO[bytes]) -> None:
    """Write ``document`` (a framework as ``load_text`` returns it) as an authoring workbook."""
    book = openpyxl.Workbook()
    readme = book.active
    _write_readme(readme)
    tables: dict[str, list[tuple[dict[str, Any], str, dict[str, Any]]]] = {s.key: [] for s in SHEETS}
    _collect(document, tables)
    _write_framework_sheet(book, document)
    for sheet in SHEETS:
        if sheet is not FRAMEWORK:
            _write_table(book, sheet, tables[sheet.key])
    book.save(stream)


def workbook_bytes(source: str, name: str = "framework.yaml") -> bytes:
    """The authoring workbook of a framework's YAML text (as installed), as the bytes of an xlsx file."""
    document = load_text(source, name)
    if not isinstance(document, dict):
        raise ValueError(f"{name}: not a framework document")
    stream = io.BytesIO()
    write_authoring_workbook(document, stream)
    return stream.getvalue()


def _collect(document: dict[str, Any], tables: dict[str, list[tuple[dict[str, Any], str, dict[str, Any]]]]) -> None:
    """Each sheet's rows: (the row's owner cells, the object's kind, the object)."""
    for rnd in _rows("root", document, "rounds"):
        tables["rounds"].append(({}, "round", rnd))
    for assumption in _rows("root", document, "assumptions"):
        tables["framework_assumptions"].append(({}, "assumption", assumption))

    def walk(node: dict[str, Any], parent: Any, depth: int) -> None:
        has_children = "items" in node and _held("node", "items", node["items"])
        kind = "dimension" if depth == 0 else "group" if has_children else "item"
        obj_kind = "node" if kind != "item" else "item"
        tables["tree"].append(({"parent": parent, "kind": KIND_NAMES[kind]}, obj_kind, node))
        code = node.get("code")
        for evidence in _rows(obj_kind, node, "evidence"):
            tables["evidence"].append(({"item": code}, "text", evidence))
        for assumption in _rows(obj_kind, node, "assumptions"):
            tables["item_assumptions"].append(({"item": code}, "assumption", assumption))
        for name, fact in _rows(obj_kind, node, "facts").items():
            tables["facts"].append(({"item": code, "name": name}, "fact", fact))
            for field_name, spec in _rows("fact", fact, "fields").items():
                tables["fields"].append(({"item": code, "fact": name, "name": field_name}, "field", spec))
                for choice, label in _rows("field", spec, "choices").items():
                    owner = {"item": code, "fact": name, "field": field_name, "code": choice}
                    tables["choices"].append((owner, "choice", label))
            for option, spec in _rows("fact", fact, "options").items():
                tables["options"].append(({"item": code, "fact": name, "code": option}, "option", spec))
        for line in _rows(obj_kind, node, "lines"):
            tables["lines"].append(({"item": code}, "line", line))
            for case in _rows("line", line, "tests"):
                tables["tests"].append(({"item": code, "line": line.get("id")}, "case", case))
        for child in _rows("node", node, "items") if has_children else ():
            walk(child, code, depth + 1)

    for dimension in _rows("root", document, "dimensions"):
        walk(dimension, None, 0)
    previous = document.get("previous")
    if isinstance(previous, dict):
        for collection, kind_th in (("items", "ข้อ"), ("facts", "ข้อมูล")):
            for old, new in _rows("previous", previous, collection).items():
                tables["previous"].append(({"kind": kind_th, "old": old, "new": new}, "", {}))


def _held(kind: str, key: str, value: Any) -> bool:
    """Whether the collection ``value`` under ``key`` can be spread over rows (one row per element,
    each a mapping, named by a code where it is a mapping's value); else it is kept as YAML."""
    wanted = COLLECTIONS.get(kind, {}).get(key)
    if wanted is None or not isinstance(value, wanted):
        return False
    if key == "previous":  # its own keys are rows of the framework sheet
        return True
    elements: Any = value
    if kind == "previous":
        return all(_fits("code", old) and (new is None or _fits("code", new)) for old, new in elements.items())
    if isinstance(elements, dict):
        return all(_fits("code", name) and isinstance(child, dict) for name, child in elements.items())
    return all(isinstance(child, dict) for child in elements)


def _rows(kind: str, obj: dict[str, Any], key: str) -> Any:
    """``obj[key]`` when its elements go to rows of their own sheet, else an empty collection."""
    value = obj.get(key)
    if _held(kind, key, value) and (kind != "line" or _fits("code", obj.get("id"))):
        return value
    return COLLECTIONS[kind][key]()


_HEADER_FILL = PatternFill("solid", fgColor="E2EFDA")
_KEY_FILL = PatternFill("solid", fgColor="F2F2F2")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)


def _font(**kwargs: Any) -> Font:
    return Font(name=FONT_NAME, size=kwargs.pop("size", FONT_SIZE), **kwargs)


_PLAIN = _font()


def _write_headers(ws: Any, columns: Iterable[Column], note: str) -> None:
    for index, column in enumerate(columns, start=1):
        head = ws.cell(row=1, column=index, value=column.th)
        head.font = _font(bold=True)
        head.fill = _HEADER_FILL
        head.alignment = _WRAP
        key = ws.cell(row=2, column=index, value=column.key)
        key.font = _font(italic=True, size=FONT_SIZE - 1, color="595959")
        key.fill = _KEY_FILL
        if column.note:
            head.comment = Comment(column.note, "Pramern")
    first = ws.cell(row=1, column=1)
    first.comment = Comment(note + (f"\n{first.comment.text}" if first.comment else ""), "Pramern")


def _write_table(book: Any, sheet: Sheet, rows: list[tuple[dict[str, Any], str, dict[str, Any]]]) -> None:
    ws = book.create_sheet(sheet.title)
    columns = list(sheet.columns) + ([ORDER_COLUMN, EXTRA_COLUMN] if sheet.hidden_columns else [])
    by_key = {c.key: c for c in columns}
    _write_headers(ws, columns, sheet.note)
    widths = [max(c.width, min(display_width(c.th), 16)) for c in columns]
    for offset, (owner, kind, obj) in enumerate(rows):
        number = FIRST_ROW + offset
        if kind:
            cells, extra, order = _split(kind, obj, by_key)
        else:  # the previous-year sheet: owner cells only
            cells, extra, order = {}, {}, ""
        cells = {**{k: v for k, v in owner.items() if v is not None}, **cells}
        if extra:
            cells[EXTRA_KEY] = extra
        if order:
            cells[ORDER_KEY] = order
        for index, column in enumerate(columns):
            cell = ws.cell(row=number, column=index + 1)
            cell.font = _PLAIN
            cell.alignment = _WRAP if column.wrap else _TOP
            if column.key not in cells:
                continue
            _put(cell, column.kind, cells[column.key])
            shown = cell.value if isinstance(cell.value, str) else _number_text(cell.value) if not isinstance(
                cell.value, bool) else "FALSE"  # fmt: skip
            widths[index] = max(widths[index], max(display_width(p) for p in shown.split("\n")) + 2)
    _finish(ws, sheet, columns, widths, len(rows))


def _finish(ws: Any, sheet: Sheet, columns: list[Column], widths: list[int], count: int) -> None:
    for index, column in enumerate(columns):
        letter = get_column_letter(index + 1)
        dimension = ws.column_dimensions[letter]
        dimension.width = min(widths[index], 60 if column.wrap else 40)
        if column.kind in ("code", "text", "date"):
            dimension.number_format = TEXT_FORMAT  # what people type in new rows stays text ("1.10")
        if column.key in (ORDER_KEY, EXTRA_KEY):
            dimension.hidden = True
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=sheet.freeze + 1)
    last = FIRST_ROW + max(count, 1) + 500
    for key, choices in DROPDOWNS.get(sheet.key, {}).items():
        letter = get_column_letter(next(i for i, c in enumerate(columns) if c.key == key) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        validation.showErrorMessage = False  # the reader names a wrong value with its row
        validation.add(f"{letter}{FIRST_ROW}:{letter}{last}")
        ws.add_data_validation(validation)


def _write_framework_sheet(book: Any, document: dict[str, Any]) -> None:
    ws = book.create_sheet(FRAMEWORK.title, 1)
    _write_headers(ws, FRAMEWORK.columns, FRAMEWORK.note)
    own = {key: Column(key, "", kind) for key, _, kind in FRAMEWORK_ROWS if "." not in key}
    root_cells, root_extra, root_order = _split("root", document, own)
    previous = document.get("previous")
    prev_cells: dict[str, Any] = {}
    prev_extra: dict[str, Any] = {}
    prev_order = ""
    if isinstance(previous, dict):
        prev_columns = {key[9:]: Column(key[9:], "", kind) for key, _, kind in FRAMEWORK_ROWS if "." in key}
        prev_cells, prev_extra, prev_order = _split("previous", previous, prev_columns)
    rows: list[tuple[str, str, str, Any]] = []
    for key, label, kind in FRAMEWORK_ROWS:
        value = prev_cells.get(key[9:]) if key.startswith("previous.") else root_cells.get(key)
        rows.append((key, label, kind, value))
    for key, value in root_extra.items():  # a key the rows above cannot hold, as YAML
        rows.append((key + YAML_SUFFIX if key in ORDER["root"] else key, key, "yaml", value))
    for key, value in prev_extra.items():
        rows.append((f"previous.{key}{YAML_SUFFIX}", f"previous.{key}", "yaml", value))
    rows.append((ROOT_ORDER_ROW, "ลำดับคีย์", "text", root_order or None))
    rows.append((PREVIOUS_ORDER_ROW, "ลำดับคีย์ (กรอบปีก่อน)", "text", prev_order or None))
    width = 30
    for offset, (key, label, kind, value) in enumerate(rows):
        number = FIRST_ROW + offset
        for index, text in ((1, label), (2, key)):
            cell = ws.cell(row=number, column=index, value=text)
            cell.font = _PLAIN
            cell.alignment = _TOP
        cell = ws.cell(row=number, column=3)
        cell.font = _PLAIN
        cell.alignment = _WRAP
        if value is not None and value != "":
            _put(cell, kind, value)
            if isinstance(cell.value, str):
                width = max(width, max(display_width(p) for p in cell.value.split("\n")) + 2)
        if key in (ROOT_ORDER_ROW, PREVIOUS_ORDER_ROW):
            ws.row_dimensions[number].hidden = True
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = min(width, 80)
    ws.freeze_panes = "A3"


def _write_readme(ws: Any) -> None:
    ws.title = "วิธีใช้"
    lines = [
        "สมุดงานสำหรับเขียนกรอบการประเมิน (Pramern) / Pramern framework authoring workbook",
        "",
        "แก้ไขข้อความ คะแนน เงื่อนไข และเพิ่มหรือลบแถวได้ในทุกชีต แล้วนำเข้ากลับด้วย",
        "  pramern framework from-workbook ไฟล์.xlsx -o กรอบ.yaml  หรืออัปโหลดในสตูดิโอ",
        "Edit texts, points and rules, add or delete rows on any sheet, then import the workbook back.",
        "",
        "แถว 1: ชื่อคอลัมน์ภาษาไทย  แถว 2: คีย์ที่ระบบใช้ (อย่าแก้)  ข้อมูลเริ่มที่แถว 3",
        "Row 1: Thai column names; row 2: the keys the importer reads (keep them); data from row 3.",
        "แต่ละแถวอ้างถึงข้อด้วย รหัสข้อ และถึงข้อมูลด้วย ชื่อข้อมูล / Rows name their item and fact.",
        "คอลัมน์ที่ซ่อน (ลำดับคีย์, คีย์อื่น) ช่วยให้ไฟล์กลับมาเหมือนเดิมทุกตัวอักษร: ไม่ต้องแก้",
        "Hidden columns (key order, other keys) keep the round trip exact: leave them as they are.",
        "",
        "ชีต / Sheets:",
    ]
    lines += [f"  {s.title}: {s.note}" for s in SHEETS]
    for number, text in enumerate(lines, start=1):
        cell = ws.cell(row=number, column=1, value=text)
        cell.font = _font(bold=number == 1)
    ws.column_dimensions["A"].width = 120


# --- Reading -------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    owners: dict[str, Any]  # owner column key -> value: where the row belongs
    cells: dict[str, Any]  # column key -> document value (present only)
    order: list[str]
    extra: dict[str, Any]


@dataclass
class _Node:
    row: _Row
    kind: str  # dimension, group, item
    obj_kind: str
    code: Any
    parent: Any
    children: list[_Node] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[Any, dict[str, Any]] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Index:
    """Where each part of the document came from, to name validation problems by row."""

    framework: dict[str, int] = field(default_factory=dict)
    rounds: dict[str, int] = field(default_factory=dict)
    round_rows: list[int] = field(default_factory=list)
    assumptions: list[int] = field(default_factory=list)
    tree: dict[str, int] = field(default_factory=dict)
    evidence: dict[str, list[int]] = field(default_factory=dict)
    item_assumptions: dict[str, list[int]] = field(default_factory=dict)
    facts: dict[tuple[str, str], int] = field(default_factory=dict)
    fields: dict[tuple[str, str, str], int] = field(default_factory=dict)
    choices: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    options: dict[tuple[str, str, str], int] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)
    tests: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    previous: dict[tuple[str, str], int] = field(default_factory=dict)


def read_authoring_workbook(stream: IO[bytes], *, validate: bool = True) -> dict[str, Any]:
    """The framework document an authoring workbook holds, validated as ``parse_framework`` does.

    Raises ``WorkbookError`` naming every problem by sheet, row and column (nothing is returned
    from a workbook with any problem). ``validate=False`` skips the framework's own checks (rules,
    sums, required texts) for a draft still being written; the workbook must still be readable."""
    reader = _Reader()
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError) as exc:
        message = NOT_A_WORKBOOK + (f" ({exc})" if isinstance(exc, InvalidFileException) else "")
        raise WorkbookError([WorkbookProblem(None, message)]) from None
    try:
        document, index = _read_document(book, reader)
    finally:
        book.close()
    if reader.problems:
        raise WorkbookError(reader.problems)
    if not validate:
        return document
    try:
        parse_framework(dump_framework(document), VALIDATION_NAME)
    except FrameworkError as exc:
        raise WorkbookError([_locate(problem, index) for problem in exc.problems]) from None
    return document


def _read_document(book: Any, reader: _Reader) -> tuple[dict[str, Any], _Index]:
    index = _Index()
    tables: dict[str, list[_Row]] = {}
    incomplete = False
    for sheet in SHEETS:
        if sheet.title not in book.sheetnames:
            reader.fail(sheet, "ไม่พบชีตนี้ในสมุดงาน")
            incomplete = True
            continue
        rows = _read_table(book[sheet.title], sheet, reader)
        incomplete = incomplete or rows is None
        tables[sheet.key] = rows or []
    if incomplete:  # a sheet or column missing: the rows that refer to it would only repeat that
        return {}, index
    root, previous = _read_framework_rows(tables["framework"], tables["previous"], reader, index)

    rounds = []
    for row in tables["rounds"]:
        rounds.append(_assemble("round", row.cells, {}, row.extra, row.order))
        index.round_rows.append(row.number)
        if "code" in row.cells:
            index.rounds[str(row.cells["code"])] = row.number
    assumptions = []
    for row in tables["framework_assumptions"]:
        assumptions.append(_assemble("assumption", row.cells, {}, row.extra, row.order))
        index.assumptions.append(row.number)

    nodes = _read_tree(tables["tree"], reader, index)
    _attach(tables, nodes, reader, index)
    dimensions = [_node_object(n) for n in nodes.values() if n.kind == "dimension"]
    children: dict[str, Any] = {"rounds": rounds, "assumptions": assumptions, "dimensions": dimensions}
    if previous is not None:
        children["previous"] = previous
    document = _assemble("root", root.cells, children, root.extra, root.order)
    return document, index


def _read_table(ws: Any, sheet: Sheet, reader: _Reader) -> list[_Row] | None:
    """The sheet's rows with content (``None`` when a required column is missing)."""
    ws.reset_dimensions()
    columns = list(sheet.columns) + ([ORDER_COLUMN, EXTRA_COLUMN] if sheet.hidden_columns else [])
    rows = ws.iter_rows()
    header = [c.value for c in next(rows, ())]
    keys = [c.value for c in next(rows, ())]
    positions: dict[str, int] = {}
    for column in columns:
        found = [i for i, k in enumerate(keys) if isinstance(k, str) and k.strip() == column.key]
        found = found or [i for i, h in enumerate(header) if isinstance(h, str) and h.strip() == column.th]
        if found:
            positions[column.key] = found[0]
        elif column.required:
            reader.fail(sheet, f"ไม่มีคอลัมน์นี้ (คีย์ {column.key} ในแถว 2)", 2, column)
    if any(c.required and c.key not in positions for c in columns):
        return None
    out = []
    for number, cells in enumerate(rows, start=FIRST_ROW):
        if number - FIRST_ROW >= MAX_ROWS:
            reader.fail(sheet, f"ชีตยาวเกิน {MAX_ROWS:,} แถว", number)
            break
        values: dict[str, Any] = {}
        for column in columns:
            position = positions.get(column.key)
            if position is None or position >= len(cells):
                continue
            value = reader.value(sheet, number, column, cells[position])
            if value is not None:
                values[column.key] = value
        if not values:
            continue  # a blank row
        order = _keys(values.pop(ORDER_KEY, ""))
        extra = values.pop(EXTRA_KEY, {})
        if not isinstance(extra, dict):
            reader.fail(sheet, "ต้องเป็น YAML แบบ คีย์: ค่า", number, EXTRA_COLUMN)
            extra = {}
        owners = {c.key: values.pop(c.key) for c in columns if c.owner and c.key in values}
        out.append(_Row(number, owners, values, order, extra))
    return out


def _read_framework_rows(
    rows: list[_Row], previous_rows: list[_Row], reader: _Reader, index: _Index
) -> tuple[_Row, dict[str, Any] | None]:
    """The root's own keys, and ``previous`` (from its framework rows and its own sheet)."""
    kinds = {key: kind for key, _, kind in FRAMEWORK_ROWS}
    kinds[ROOT_ORDER_ROW] = kinds[PREVIOUS_ORDER_ROW] = "text"
    root = _Row(0, {}, {}, [], {})
    previous_cells: dict[str, Any] = {}
    previous_extra: dict[str, Any] = {}
    previous_order: list[str] = []
    seen_previous = False
    value_column = FRAMEWORK.column("value")
    for row in rows:
        key = row.owners.get("key")
        if key is None:
            if row.owners.get("value") is not None:
                reader.fail(FRAMEWORK, "ต้องกรอกคีย์ของค่านี้", row.number, FRAMEWORK.column("key"))
            continue
        key = str(key)
        index.framework[key] = row.number
        kind = kinds.get(key, "yaml")
        if key.endswith(YAML_SUFFIX):
            key, kind = key.removesuffix(YAML_SUFFIX), "yaml"
        value = reader.convert(FRAMEWORK, row.number, value_column, row.owners.get("value"), kind)
        if value is None:
            continue
        if key == ROOT_ORDER_ROW:
            root.order = _keys(value)
        elif key == PREVIOUS_ORDER_ROW:
            previous_order = _keys(value)
            seen_previous = True
        elif key.startswith("previous."):
            sub = key.split(".", 1)[1]
            (previous_cells if key in kinds and kind != "yaml" else previous_extra)[sub] = value
            seen_previous = True
        elif key in kinds and kind != "yaml":
            root.cells[key] = value
        else:
            root.extra[key] = value
    mappings: dict[str, dict[Any, Any]] = {"items": {}, "facts": {}}
    rows_of: dict[tuple[str, str], int] = {}
    for row in previous_rows:
        kind_text = row.owners.get("kind")
        collection = PREVIOUS_KINDS.get(str(kind_text), str(kind_text) if kind_text in ("items", "facts") else None)
        if collection is None:
            reader.fail(PREVIOUS, f"ประเภทต้องเป็น ข้อ หรือ ข้อมูล ได้ {_shown(kind_text)}", row.number,
                        PREVIOUS.column("kind"))  # fmt: skip
            continue
        old = row.owners.get("old")
        if old is None:
            reader.fail(PREVIOUS, "ต้องกรอกรหัสของเดิม", row.number, PREVIOUS.column("old"))
            continue
        if (collection, str(old)) in rows_of:
            first = rows_of[(collection, str(old))]
            reader.fail(PREVIOUS, f"{old} ซ้ำกับแถว {first}", row.number, PREVIOUS.column("old"))
            continue
        rows_of[(collection, str(old))] = index.previous[(collection, str(old))] = row.number
        mappings[collection][old] = row.owners.get("new")
        seen_previous = True
    if not seen_previous:
        return root, None
    return root, _assemble("previous", previous_cells, mappings, previous_extra, previous_order)


def _keys(text: Any) -> list[str]:
    return [k.strip() for k in str(text).split(",") if k.strip()]


def _read_tree(rows: list[_Row], reader: _Reader, index: _Index) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    for row in rows:
        code = row.cells.get("code")
        if code is None:
            reader.fail(TREE, "ต้องกรอกรหัส", row.number, TREE.column("code"))
            continue
        kind_text = row.owners.get("kind")
        kind = KINDS.get(str(kind_text).strip(), str(kind_text) if kind_text in KIND_NAMES else None)
        if kind is None:
            reader.fail(TREE, f"ประเภทต้องเป็น ด้าน, ด้านย่อย หรือ ข้อ ได้ {_shown(kind_text)}", row.number,
                        TREE.column("kind"))  # fmt: skip
            continue
        key = str(code)
        if key in nodes:
            reader.fail(TREE, f"รหัส {key} ซ้ำกับแถว {nodes[key].row.number}", row.number, TREE.column("code"))
            continue
        nodes[key] = _Node(row, kind, "item" if kind == "item" else "node", code, row.owners.get("parent"))
        index.tree[key] = row.number
    parent_column = TREE.column("parent")
    placed = {key for key, node in nodes.items() if node.kind == "dimension"}
    for key, node in nodes.items():
        number = node.row.number
        if node.kind == "dimension":
            if node.parent is not None:
                reader.fail(TREE, "ด้านต้องไม่มีรหัสแม่", number, parent_column)
            continue
        if node.parent is None:
            reader.fail(TREE, "ต้องกรอกรหัสแม่ (ด้านหรือด้านย่อยที่รายการนี้อยู่)", number, parent_column)
            continue
        owner = nodes.get(str(node.parent))
        if owner is None:
            reader.fail(TREE, f'ไม่พบรหัสแม่ "{node.parent}" ในคอลัมน์ "รหัส" ของชีตนี้', number, parent_column)
            continue
        if owner.kind == "item":
            reader.fail(TREE, f"รหัสแม่ {node.parent} เป็นข้อ: ข้อไม่มีรายการย่อย (เปลี่ยนประเภทเป็นด้านย่อย)", number,
                        parent_column)  # fmt: skip
            continue
        owner.children.append(node)
        placed.add(key)
    reached: set[str] = set()
    stack = [n for n in nodes.values() if n.kind == "dimension"]
    while stack:
        node = stack.pop()
        reached.add(str(node.code))
        stack.extend(c for c in node.children if str(c.code) not in reached)
    for key in placed - reached:
        reader.fail(TREE, "ไม่อยู่ใต้ด้านใด (รหัสแม่วนกัน)", nodes[key].row.number, parent_column)
    return nodes


@dataclass
class _Fact:
    row: _Row
    fields: dict[Any, tuple[_Row, dict[Any, tuple[_Row, dict[str, Any]]]]] = field(default_factory=dict)
    options: dict[Any, tuple[_Row, dict[str, Any]]] = field(default_factory=dict)


def _attach(tables: dict[str, list[_Row]], nodes: dict[str, _Node], reader: _Reader, index: _Index) -> None:
    """Evidence, assumptions, facts (with fields, choices, options), lines and line tests, each
    added to the item its row names."""

    def node_of(sheet: Sheet, row: _Row) -> _Node | None:
        code = row.owners.get("item")
        column = sheet.column("item")
        if code is None:
            reader.fail(sheet, "ต้องกรอกรหัสข้อ", row.number, column)
            return None
        node = nodes.get(str(code))
        if node is None:
            reader.fail(sheet, f'ไม่พบข้อ "{code}" ในชีต "{TREE.title}"', row.number, column)
        return node

    def keyed(sheet: Sheet, row: _Row, key: str, seen: dict[Any, Any], what: str) -> Any:
        """The row's name in its owner (``None`` after a problem: missing or repeated); ``seen``
        holds the names so far, each with its (row, ...)."""
        name = row.owners.get(key)
        column = sheet.column(key)
        if name is None:
            reader.fail(sheet, f"ต้องกรอก{what}", row.number, column)
            return None
        if name in seen:
            first = seen[name].row if isinstance(seen[name], _Fact) else seen[name][0]
            reader.fail(sheet, f'{what} "{name}" ซ้ำกับแถว {first.number}', row.number, column)
            return None
        return name

    for row in tables["evidence"]:
        node = node_of(EVIDENCE, row)
        if node is not None:
            node.evidence.append(_assemble("text", row.cells, {}, row.extra, row.order))
            index.evidence.setdefault(str(node.code), []).append(row.number)
    for row in tables["item_assumptions"]:
        node = node_of(ITEM_ASSUMPTIONS, row)
        if node is not None:
            node.assumptions.append(_assemble("assumption", row.cells, {}, row.extra, row.order))
            index.item_assumptions.setdefault(str(node.code), []).append(row.number)

    facts: dict[str, dict[Any, _Fact]] = {}
    for row in tables["facts"]:
        node = node_of(FACTS, row)
        if node is None:
            continue
        item_facts = facts.setdefault(str(node.code), {})
        name = keyed(FACTS, row, "name", item_facts, "ชื่อข้อมูล")
        if name is not None:
            item_facts[name] = _Fact(row)
            index.facts[(str(node.code), str(name))] = row.number

    def fact_of(sheet: Sheet, row: _Row) -> tuple[str, Any, _Fact] | None:
        node = node_of(sheet, row)
        if node is None:
            return None
        name = row.owners.get("fact")
        found = facts.get(str(node.code), {}).get(name) if name is not None else None
        if found is None:
            message = f'ไม่พบข้อมูล "{name}" ของข้อ {node.code} ในชีต "{FACTS.title}"' if name else "ต้องกรอกชื่อข้อมูล"
            reader.fail(sheet, message, row.number, sheet.column("fact"))
            return None
        return str(node.code), name, found

    for row in tables["fields"]:
        owner = fact_of(FIELDS, row)
        if owner is None:
            continue
        item, fact_name, fact = owner
        name = keyed(FIELDS, row, "name", fact.fields, "ชื่อช่อง")
        if name is not None:
            fact.fields[name] = (row, {})
            index.fields[(item, str(fact_name), str(name))] = row.number
    for row in tables["choices"]:
        owner = fact_of(CHOICES, row)
        if owner is None:
            continue
        item, fact_name, fact = owner
        field_name = row.owners.get("field")
        if field_name not in fact.fields:
            message = f'ไม่พบช่อง "{field_name}" ของข้อมูล {fact_name} ในชีต "{FIELDS.title}"'
            reader.fail(CHOICES, message if field_name is not None else "ต้องกรอกชื่อช่อง", row.number,
                        CHOICES.column("field"))  # fmt: skip
            continue
        choices = fact.fields[field_name][1]
        code = keyed(CHOICES, row, "code", choices, "รหัสตัวเลือก")
        if code is not None:
            choices[code] = (row, _assemble("choice", row.cells, {}, row.extra, row.order))
            index.choices[(item, str(fact_name), str(field_name), str(code))] = row.number
    for row in tables["options"]:
        owner = fact_of(OPTIONS, row)
        if owner is None:
            continue
        item, fact_name, fact = owner
        code = keyed(OPTIONS, row, "code", fact.options, "รหัสตัวเลือก")
        if code is not None:
            fact.options[code] = (row, _assemble("option", row.cells, {}, row.extra, row.order))
            index.options[(item, str(fact_name), str(code))] = row.number

    lines: dict[tuple[str, str], tuple[_Row, list[dict[str, Any]], int]] = {}
    line_rows: dict[str, list[tuple[_Row, list[dict[str, Any]]]]] = {}
    for row in tables["lines"]:
        node = node_of(LINES, row)
        if node is None:
            continue
        item = str(node.code)
        ident = row.cells.get("id")
        own = line_rows.setdefault(item, [])
        tests: list[dict[str, Any]] = []
        if ident is not None:
            if (item, str(ident)) in lines:
                first = lines[(item, str(ident))][0].number
                reader.fail(LINES, f'รหัสบรรทัด "{ident}" ซ้ำกับแถว {first} (ข้อ {item})', row.number,
                            LINES.column("id"))  # fmt: skip
                continue
            lines[(item, str(ident))] = (row, tests, len(own))
        own.append((row, tests))
        index.lines.setdefault(item, []).append(row.number)
    for row in tables["tests"]:
        node = node_of(TESTS, row)
        if node is None:
            continue
        ident = row.owners.get("line")
        found = lines.get((str(node.code), str(ident))) if ident is not None else None
        if found is None:
            message = f'ไม่พบบรรทัด "{ident}" ของข้อ {node.code} ในชีต "{LINES.title}"' if ident else "ต้องกรอกรหัสบรรทัด"
            reader.fail(TESTS, message, row.number, TESTS.column("line"))
            continue
        found[1].append(_assemble("case", row.cells, {}, row.extra, row.order))
        index.tests.setdefault((str(node.code), found[2]), []).append(row.number)

    for code, node in nodes.items():
        for name, fact in facts.get(code, {}).items():
            fields = {
                field_name: _assemble(
                    "field", field_row.cells, {"choices": {k: v for k, (_, v) in choices.items()}}, field_row.extra,
                    field_row.order,
                )
                for field_name, (field_row, choices) in fact.fields.items()
            }  # fmt: skip
            options = {k: v for k, (_, v) in fact.options.items()}
            children = {"fields": fields, "options": options}
            node.facts[name] = _assemble("fact", fact.row.cells, children, fact.row.extra, fact.row.order)
        for row, tests in line_rows.get(code, []):
            node.lines.append(_assemble("line", row.cells, {"tests": tests}, row.extra, row.order))


def _node_object(node: _Node) -> dict[str, Any]:
    children: dict[str, Any] = {
        "evidence": node.evidence,
        "assumptions": node.assumptions,
        "facts": node.facts,
        "lines": node.lines,
    }
    if node.kind != "item":
        children["items"] = [_node_object(child) for child in node.children]
    return _assemble(node.obj_kind, dict(node.row.cells), children, node.row.extra, node.row.order)


# --- Validation problems, named by sheet and row -------------------------------------------------

_WHERE = re.compile(
    r"(round \S+|rounds\[\d+\]|dimension \S+|dimensions\[\d+\]|group \S+|item \S+|framework|previous): (.*)", re.S
)
#: A line test's field: ``lines[1] (second): tests[0].expect`` (the line's id in brackets).
_CASE_FIELD = re.compile(r"(lines\[\d+\]) \([^)]*\): (tests[\w.\[\]/-]*): (.*)", re.S)
_FIELD = re.compile(r"([\w.\[\]/-]+): (.*)", re.S)
_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"is required"), "ต้องกรอก"),
    (re.compile(r"is required \(text such as (.*)\)"), r"ต้องกรอก (ข้อความ เช่น \1)"),
    (re.compile(r"is required: the points the line must give in the case's round"),
     "ต้องกรอกคะแนนที่บรรทัดต้องให้ในรอบของกรณีนี้"),
    (re.compile(r"unknown key \(expected one of: (.*)\)"), r"คีย์ที่ไม่รู้จัก (ที่ใช้ได้: \1)"),
    (re.compile(r"unknown round '(.*)' \(rounds: (.*)\)"), r"ไม่มีรอบ \1 (รอบที่มี: \2)"),
    (re.compile(r"duplicate code '(.*)'"), r"รหัส \1 ซ้ำ"),
    (re.compile(r"must start with its parent's code '(.*)' and a dot"), r"รหัสต้องขึ้นต้นด้วยรหัสแม่ \1 ตามด้วยจุด"),
    (re.compile(r"'(.*)' is not an item of this framework"), r"\1 ไม่ใช่ข้อของกรอบนี้"),
    (re.compile(r"a line must give more than zero points"), "บรรทัดต้องให้คะแนนมากกว่าศูนย์"),
    (re.compile(r"the lines can give at most (\S+) of the item's (\S+) points"),
     r"บรรทัดคะแนนรวมกันได้สูงสุด \1 จาก \2 คะแนนของข้อ"),
    (re.compile(r"its items add up to (\S+), not (\S+)"), r"รายการย่อยรวมกันได้ \1 คะแนน ไม่ใช่ \2"),
    (re.compile(r"the dimensions add up to (\S+), not (\S+)"), r"ด้านต่าง ๆ รวมกันได้ \1 คะแนน ไม่ใช่ \2"),
    (re.compile(r"the line can give (\S+), more than the item's (\S+)"),
     r"บรรทัดนี้ให้ได้ \1 คะแนน มากกว่าคะแนนเต็มของข้อ \2"),
    (re.compile(r"expected a list of scoring lines"), f'ยังไม่มีบรรทัดคะแนน: เพิ่มแถวของข้อนี้ในชีต "{LINES.title}"'),
    (re.compile(r"expected a list of items"), "ยังไม่มีรายการย่อย: เพิ่มแถวที่มีรหัสแม่เป็นรหัสนี้"),
    (re.compile(r"give either points \(with when\) or points_from"),
     "ให้กรอก คะแนน (กับ เงื่อนไข) หรือ คะแนนจาก อย่างใดอย่างหนึ่ง"),
]  # fmt: skip


def _thai(message: str) -> str:
    """The checker's most common messages in Thai (rule errors and the rest stay as they are)."""
    for pattern, thai in _MESSAGES:
        if pattern.fullmatch(message):
            return pattern.sub(thai, message)
    return message


def _locate(problem: str, index: _Index) -> WorkbookProblem:
    """A loader problem (``workbook: item 1.2.2: lines[1].when: ...``) at its sheet, row and column."""
    text = problem.removeprefix(f"{VALIDATION_NAME}: ")
    where, rest = "", text
    match = _WHERE.fullmatch(text)
    if match:
        where, rest = match.groups()
    path, message = "", rest
    match = _CASE_FIELD.fullmatch(rest)
    if match:
        path, message = f"{match.group(1)}.{match.group(2)}", match.group(3)
    elif match := _FIELD.fullmatch(rest):
        path, message = match.groups()
    found = _place(where, path, _thai(message), index)
    if found.column is None and path and found.sheet != FRAMEWORK.title:
        return WorkbookProblem(found.sheet, f"{path}: {found.message}", found.row)
    return found


def _place(where: str, path: str, message: str, index: _Index) -> WorkbookProblem:
    kind, _, code = where.partition(" ")
    if kind == "item":
        return _locate_item(code, path, message, index)
    if kind in ("dimension", "group"):
        column = "code" if path == "items" and "ยังไม่มี" in message else "points" if path.startswith("items") else path
        return _at(TREE, index.tree.get(code), column, message)
    if kind == "previous":
        collection, _, old = path.partition(".")
        if collection in ("items", "facts") and old:
            return _at(PREVIOUS, index.previous.get((collection, old)), "new", message)
        row = index.framework.get(f"previous.{collection}")
        return _at(FRAMEWORK, row, "value", message if row else f"previous: {path}: {message}")
    if kind == "round":
        return _at(ROUNDS, index.rounds.get(code), path, message)
    if kind.startswith("rounds["):
        position = int(kind[7:-1])
        rows = index.round_rows
        return _at(ROUNDS, rows[position] if position < len(rows) else None, path, message)
    if kind.startswith("dimensions["):
        return _at(TREE, None, None, message)
    if kind == "framework":
        found = re.fullmatch(r"assumptions\[(\d+)\](?:\.(\w+))?", path)
        if found:
            return _at(FRAMEWORK_ASSUMPTIONS, _nth(index.assumptions, found.group(1)), found.group(2), message)
        return _at(FRAMEWORK_ASSUMPTIONS, None, None, message)
    key = path.split(".")[0]
    row = index.framework.get(key)
    if row is None and key in ("rounds", "dimensions", "assumptions"):
        sheet = {"rounds": ROUNDS, "dimensions": TREE, "assumptions": FRAMEWORK_ASSUMPTIONS}[key]
        return _at(sheet, None, None, message)
    return _at(FRAMEWORK, row, "value" if row else None, f"{key}: {message}" if row is None and key else message)


def _nth(rows: list[int], position: str) -> int | None:
    number = int(position)
    return rows[number] if number < len(rows) else None


def _locate_item(code: str, path: str, message: str, index: _Index) -> WorkbookProblem:
    found = re.fullmatch(r"lines\[(\d+)\](?:\.tests\[(\d+)\])?(?:\.(\w+))?\.?(.*)", path, re.S)
    if found:
        line, case, column, tail = found.groups()
        message = f"{tail}: {message}" if tail else message  # within the cell: records.followups[0].date
        if case is not None:
            rows = index.tests.get((code, int(line)), [])
            return _at(TESTS, _nth(rows, case), column, message)
        return _at(LINES, _nth(index.lines.get(code, []), line), column or "id", message)
    found = re.fullmatch(r"facts\.(\w+)\.fields\.(\w+)\.choices\.([^.]+)(?:\.(\w+))?.*", path)
    if found:
        fact, name, choice, column = found.groups()
        return _at(CHOICES, index.choices.get((code, fact, name, choice)), column or "code", message)
    found = re.fullmatch(r"facts\.(\w+)\.fields\.(\w+)(?:\.(\w+))?.*", path)
    if found:
        fact, name, column = found.groups()
        column = column if column != "choices" else "type"
        return _at(FIELDS, index.fields.get((code, fact, name)), column or "name", message)
    found = re.fullmatch(r"facts\.(\w+)\.options\.([^.]+)(?:\.(\w+))?.*", path)
    if found:
        fact, option, column = found.groups()
        return _at(OPTIONS, index.options.get((code, fact, option)), column or "code", message)
    found = re.fullmatch(r"facts\.(\w+)(?:\.(\w+))?.*", path)
    if found:
        fact, column = found.groups()
        column = {"fields": "name", "options": "type"}.get(column or "", column)
        return _at(FACTS, index.facts.get((code, fact)), column or "name", message)
    found = re.fullmatch(r"(evidence|assumptions)\[(\d+)\](?:\.(\w+))?.*", path)
    if found:
        what, position, column = found.groups()
        sheet = EVIDENCE if what == "evidence" else ITEM_ASSUMPTIONS
        by_item = index.evidence if what == "evidence" else index.item_assumptions
        return _at(sheet, _nth(by_item.get(code, []), position), column, message)
    column = {"lines": "points" if "บรรทัดคะแนนรวมกัน" in message else "code", "facts": "code"}.get(path, path)
    return _at(TREE, index.tree.get(code), column, message)


def _at(sheet: Sheet, row: int | None, column: str | None, message: str) -> WorkbookProblem:
    named = next((c.th for c in sheet.columns if c.key == column), None) if column else None
    if row is None:
        return WorkbookProblem(sheet.title, message)
    return WorkbookProblem(sheet.title, message, row, named)
