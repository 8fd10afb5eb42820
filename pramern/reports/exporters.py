"""Score lists as spreadsheets: exporters only yield rows; the base class writes xlsx or CSV.

The shape follows pretix's exporter registry (``EXPORTERS`` maps an identifier to a
``ListExporter`` subclass). The xlsx files are written by the small streaming writer below
rather than by openpyxl: on the 2-core reference machine openpyxl (write-only mode, without
lxml) needs about 5 s just to append the 41,000 rows of 1,000 units × 41 items, 7 s with
number formats, before any data is read; this writer does the whole workbook in well under
that. openpyxl still reads these files back in the tests.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from functools import cached_property
from typing import IO, Any, ClassVar, TypeVar

from django.utils import timezone, translation

from pramern.assessments.models import UnitRound
from pramern.frameworks.models import Framework
from pramern.organizations.models import Unit
from pramern.reports.data import UnitScores, explain, unit_scores
from pramern.thaitext import display_width

#: Shown in Thai with the Buddhist-era year by Excel and LibreOffice ("25 ก.ค. 2567").
BE_DATE_FORMAT = "[$-107041E]d mmm yyyy"
BE_DATETIME_FORMAT = "[$-107041E]d mmm yyyy hh:mm"
POINTS_FORMAT = "0.00"  # built-in format 2; "0.##" would show "2." for whole points
FONT_NAME = "Tahoma"  # has Thai glyphs on every Windows machine; LibreOffice substitutes its own
FONT_SIZE = 10
#: Thai stacks vowels and tone marks above and below the line: rows of 1.5 × the font size keep
#: them from being clipped.
ROW_HEIGHT = FONT_SIZE * 1.5
#: Each further line of a wrapped cell (the marks of one line fit in the spacing to the next).
LINE_HEIGHT = FONT_SIZE * 1.3


E = TypeVar("E", bound="type[ListExporter]")

EXPORTERS: dict[str, type[ListExporter]] = {}


def register(exporter: E) -> E:
    """Add an exporter to ``EXPORTERS`` under its identifier."""
    EXPORTERS[exporter.identifier] = exporter
    return exporter


class ListExporter:
    """A list of rows under Thai headers. Subclasses give ``headers()`` and ``rows()``; this class
    writes them as an xlsx sheet (``write_xlsx``, or one sheet of ``build_workbook``) or as CSV.

    Cells are formatted by the type of their value: ``Decimal``/``float`` as points ("0.00"),
    ``int`` as a whole number, ``date``/``datetime`` in the Buddhist era, text with line breaks
    wrapped. Scores are read once (``unit_scores``) and can be shared between exporters.
    """

    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    sheet_title: ClassVar[str]
    #: The first cell that scrolls: "A2" keeps the header row in view.
    freeze_panes: ClassVar[str | None] = "A2"
    autofilter: ClassVar[bool] = True
    #: The widest a column gets (in characters); longer text wraps.
    max_width: ClassVar[int] = 60

    def __init__(
        self,
        framework: Framework,
        *,
        kinds: list[str] | None = None,
        region: int | None = None,
        scores: list[UnitScores] | None = None,
        verified_shown: Callable[[str, int], bool] | None = None,
    ) -> None:
        self.framework = framework
        self.compiled = framework.compiled()
        self.kinds = kinds
        self.region = region
        self.verified_shown = verified_shown
        if scores is not None:
            self.scores = scores

    @cached_property
    def scores(self) -> list[UnitScores]:
        return unit_scores(self.framework, kinds=self.kinds, region=self.region, verified_shown=self.verified_shown)

    def headers(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def write_xlsx(self, stream: IO[bytes]) -> None:
        """This list as a workbook of one sheet."""
        book = XlsxBook(title=self.verbose_name)
        book.add(self)
        book.save(stream)

    def write_csv(self, stream: IO[bytes]) -> None:
        """This list as CSV in UTF-8 with a byte-order mark (without it Excel reads Thai as mojibake)."""
        stream.write(codecs.BOM_UTF8)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.headers())
        for count, row in enumerate(self.rows(), 1):
            writer.writerow([_csv_value(value) for value in row])
            if count % 2000 == 0:
                stream.write(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        stream.write(buffer.getvalue().encode())


#: What a spreadsheet program runs as a formula when a CSV cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """Text for a CSV cell that a spreadsheet will show, never run: a cell a person typed that
    starts like a formula (``=HYPERLINK(...)``) gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, Decimal | float):
        return f"{value:.2f}"
    if isinstance(value, dt.date):  # ISO, which every program reads back as a date
        return value.isoformat()
    return value


def _state_labels() -> dict[str, str]:
    with translation.override("th"):
        return {value: str(label) for value, label in UnitRound.State.choices}


@register
class ItemScoresExporter(ListExporter):
    """One row per unit and item: points in every round and the final round's explanation."""

    identifier = "items"
    verbose_name = "คะแนนรายข้อของทุกหน่วยงาน"
    sheet_title = "คะแนนรายข้อ"

    def headers(self) -> list[str]:
        final = self.compiled.rounds[-1]
        columns = ["รหัสหน่วยงาน", "หน่วยงาน", "ด้าน", "ข้อ", "รายการประเมิน", "คะแนนเต็ม"]
        for rnd in self.compiled.rounds:
            columns += [f"{rnd.title.th} ประเมินตนเอง", f"{rnd.title.th} ตรวจรับรอง"]
        return [*columns, f"คำอธิบายคะแนน {final.title.th}", f"สถานะ {final.title.th}"]

    def rows(self) -> Iterator[list[Any]]:
        rounds = self.compiled.rounds
        final = rounds[-1]
        states = _state_labels()
        items = [(dimension.code, item) for dimension in self.compiled.dimensions for item in dimension.items]
        # Units share few patterns of earned lines: explain each pattern once.
        explanations: dict[tuple[str, tuple[bool, ...]], str] = {}
        for scores in self.scores:
            unit = scores.unit
            cards = [scores.rounds.get(rnd.code) for rnd in rounds]
            last = scores.rounds.get(final.code)
            for dimension_code, item in items:
                row: list[Any] = [unit.code, unit.name_th, dimension_code, item.code, item.title.th, item.max_points]
                for card in cards:
                    if card is None:
                        row += [None, None]
                    else:
                        row += [card.self_items.get(item.code), card.verified_items.get(item.code)]
                if last is None or item.code not in last.self_lines:
                    row += [None, None]
                else:
                    key = (item.code, tuple(last.self_lines[item.code]))
                    text = explanations.get(key)
                    if text is None:
                        text = explanations[key] = explain(item, list(key[1]), language="th", round_index=final.index)
                    row += [text, states.get(last.state, last.state)]
                yield row


@register
class DimensionSummaryExporter(ListExporter):
    """One row per unit: the final round's points per dimension, and every round's totals."""

    identifier = "dimensions"
    verbose_name = "สรุปคะแนนรายด้านของทุกหน่วยงาน"
    sheet_title = "สรุปรายด้าน"

    def headers(self) -> list[str]:
        final = self.compiled.rounds[-1]
        columns = ["รหัสหน่วยงาน", "หน่วยงาน"]
        for dimension in self.compiled.dimensions:
            columns += [
                f"ด้าน {dimension.code} ประเมินตนเอง ({final.title.th})",
                f"ด้าน {dimension.code} ตรวจรับรอง ({final.title.th})",
            ]
        for rnd in self.compiled.rounds:
            columns += [f"รวม {rnd.title.th} ประเมินตนเอง", f"รวม {rnd.title.th} ตรวจรับรอง"]
        return [*columns, f"สถานะ {final.title.th}"]

    def rows(self) -> Iterator[list[Any]]:
        final = self.compiled.rounds[-1]
        states = _state_labels()
        for scores in self.scores:
            last = scores.rounds.get(final.code)
            row: list[Any] = [scores.unit.code, scores.unit.name_th]
            for dimension in self.compiled.dimensions:
                if last is None:
                    row += [None, None]
                else:
                    row += [last.self_dimensions.get(dimension.code), last.verified_dimensions.get(dimension.code)]
            for rnd in self.compiled.rounds:
                card = scores.rounds.get(rnd.code)
                row += [None, None] if card is None else [card.self_total, card.verified_total]
            row.append(None if last is None else states.get(last.state, last.state))
            yield row


class ReportInfoExporter(ListExporter):
    """What a workbook holds: the framework, when it was made, how many units, the dimensions."""

    identifier = "info"
    verbose_name = "ข้อมูลรายงาน"
    sheet_title = "ข้อมูลรายงาน"
    freeze_panes = None
    autofilter = False

    def headers(self) -> list[str]:
        return ["รายการ", "ข้อมูล"]

    def rows(self) -> Iterator[list[Any]]:
        yield ["กรอบการประเมิน", self.framework.title_th]
        yield ["รหัสกรอบการประเมิน", str(self.framework)]
        yield ["วันที่จัดทำรายงาน", timezone.localdate()]
        yield ["จำนวนหน่วยงาน", len(self.scores)]
        if self.kinds:
            with translation.override("th"):
                labels = dict(Unit.Kind.choices)
                yield ["ประเภทหน่วยงาน", ", ".join(str(labels.get(kind, kind)) for kind in self.kinds)]
        if self.region is not None:
            yield ["สศท. เขต", self.region]
        yield ["คะแนนเต็ม", self.framework.total_points]
        for dimension in self.compiled.dimensions:
            yield [f"ด้าน {dimension.code} ({dimension.points} คะแนน)", dimension.title.th]


def build_workbook(
    framework: Framework,
    stream: IO[bytes],
    *,
    kinds: list[str] | None = None,
    region: int | None = None,
    verified_shown: Callable[[str, int], bool] | None = None,
) -> None:
    """Every unit's scores as one workbook: items, dimension summary, report information.
    ``verified_shown``: as for ``unit_scores`` (verified cells stay empty where it refuses)."""
    scores = unit_scores(framework, kinds=kinds, region=region, verified_shown=verified_shown)
    book = XlsxBook(title=framework.title_th)
    for exporter in (ItemScoresExporter, DimensionSummaryExporter, ReportInfoExporter):
        book.add(exporter(framework, kinds=kinds, region=region, scores=scores))
    book.save(stream)


def write_items_csv(
    framework: Framework, stream: IO[bytes], *, verified_shown: Callable[[str, int], bool] | None = None
) -> None:
    """Every unit's item scores as CSV (UTF-8 with BOM)."""
    ItemScoresExporter(framework, verified_shown=verified_shown).write_csv(stream)


# --- The xlsx writer ---------------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EXCEL_EPOCH = dt.datetime(1899, 12, 30)

# Cell styles (indexes into cellXfs in STYLES).
S_HEADER, S_TEXT, S_WRAP, S_POINTS, S_INT, S_DATE, S_DATETIME = 1, 2, 3, 4, 5, 6, 7

STYLES = f"""{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">
<numFmts count="2"><numFmt numFmtId="164" formatCode="{BE_DATE_FORMAT}"/><numFmt numFmtId="165" \
formatCode="{BE_DATETIME_FORMAT}"/></numFmts>
<fonts count="2"><font><sz val="{FONT_SIZE}"/><name val="{FONT_NAME}"/><family val="2"/></font>\
<font><b/><sz val="{FONT_SIZE}"/><name val="{FONT_NAME}"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFE2EFDA"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="8">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">\
<alignment vertical="top"/></xf>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">\
<alignment vertical="top"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">\
<alignment vertical="top" horizontal="left"/></xf>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">\
<alignment vertical="top" horizontal="left"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Headers widen a column to at most this many characters; longer headers wrap.
HEADER_WIDTH = 16


def _escape(text: str) -> str:
    text = _ILLEGAL_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def column_letter(index: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _split_cell(reference: str) -> tuple[int, int]:
    """ "C2" -> (columns, rows) before it: (2, 1)."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", reference)
    assert match, reference
    column = 0
    for ch in match[1]:
        column = column * 26 + ord(ch) - 64
    return column - 1, int(match[2]) - 1


class _Sheet:
    def __init__(self, exporter: ListExporter) -> None:
        self.exporter = exporter
        self.title = exporter.sheet_title
        self.headers = exporter.headers()
        self.rows = [list(row) for row in exporter.rows()]
        self.widths, self.wrapped = self._measure()

    def _measure(self) -> tuple[list[float], list[bool]]:
        """Column widths from the longest line in each column, and which columns wrap."""
        count = len(self.headers)
        longest = [0] * count
        breaks = [False] * count
        seen: dict[tuple[type, Any], int] = {}
        for row in self.rows:
            for index, value in enumerate(row):
                if value is None:
                    continue
                key = (type(value), value)  # 2 and Decimal("2.00") are equal but not as wide
                width = seen.get(key)
                if width is None:
                    width = seen[key] = _value_width(value)
                if width > longest[index]:
                    longest[index] = width
                if key[0] is str and "\n" in value:
                    breaks[index] = True
        widths: list[float] = []
        wrapped: list[bool] = []
        limit = self.exporter.max_width
        for index, header in enumerate(self.headers):
            wanted = max(longest[index], min(display_width(header), HEADER_WIDTH)) + 2
            widths.append(float(max(6, min(limit, wanted))))
            wrapped.append(breaks[index] or wanted > limit)
        return widths, wrapped


def _value_width(value: Any) -> int:
    if isinstance(value, str):
        return max(display_width(line) for line in value.split("\n"))
    if isinstance(value, Decimal | float):
        return len(f"{value:.2f}")
    if isinstance(value, dt.datetime):
        return 18
    if isinstance(value, dt.date):
        return 12
    return len(str(value))


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column of ``width`` characters (a close estimate)."""
    room = max(1.0, width - 2)
    return sum(max(1, math.ceil(display_width(line) / room)) for line in text.split("\n"))


def _height(lines: int) -> float:
    """Row height in points for a row whose tallest cell has ``lines`` lines."""
    return round(ROW_HEIGHT + (lines - 1) * LINE_HEIGHT, 2)


class XlsxBook:
    """A workbook of list sheets, written as SpreadsheetML in one pass over each sheet's rows."""

    def __init__(self, title: str = "") -> None:
        self.title = title
        self.sheets: list[_Sheet] = []
        self.strings: dict[str, int] = {}
        self.string_uses = 0

    def add(self, exporter: ListExporter) -> None:
        title = exporter.sheet_title
        if not 0 < len(title) <= 31 or set(title) & set("[]:*?/\\") or title in {s.title for s in self.sheets}:
            raise ValueError(f"not a usable sheet name: {title!r}")
        self.sheets.append(_Sheet(exporter))

    def save(self, stream: IO[bytes]) -> None:
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.writestr("[Content_Types].xml", self._content_types())
            archive.writestr("_rels/.rels", self._package_rels())
            archive.writestr("docProps/core.xml", self._core())
            archive.writestr("xl/workbook.xml", self._workbook())
            archive.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels())
            archive.writestr("xl/styles.xml", STYLES)
            for number, sheet in enumerate(self.sheets, 1):
                with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                    for chunk in self._sheet_xml(sheet, selected=number == 1):
                        part.write(chunk.encode())
            archive.writestr("xl/sharedStrings.xml", self._shared_strings())

    def _string(self, text: str) -> int:
        self.string_uses += 1
        index = self.strings.get(text)
        if index is None:
            index = self.strings[text] = len(self.strings)
        return index

    def _sheet_xml(self, sheet: _Sheet, *, selected: bool) -> Iterator[str]:
        columns = len(sheet.headers)
        last = f"{column_letter(columns)}{len(sheet.rows) + 1}"
        view = '<sheetView workbookViewId="0" tabSelected="1">' if selected else '<sheetView workbookViewId="0">'
        if sheet.exporter.freeze_panes:
            x, y = _split_cell(sheet.exporter.freeze_panes)
            split = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
            pane = "bottomRight" if x and y else ("bottomLeft" if y else "topRight")
            cell = sheet.exporter.freeze_panes
            view += (
                f'<pane{split} topLeftCell="{cell}" activePane="{pane}" state="frozen"/>'
                f'<selection pane="{pane}" activeCell="{cell}" sqref="{cell}"/>'
            )
        view += "</sheetView>"
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>' for n, width in enumerate(sheet.widths, 1)
        )
        yield (
            f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><dimension ref="A1:{last}"/>'
            f'<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="{ROW_HEIGHT:g}" customHeight="1"/>'
            f"<cols>{cols}</cols><sheetData>"
        )
        letters = [column_letter(n) for n in range(1, columns + 1)]
        text_styles = [S_WRAP if wrap else S_TEXT for wrap in sheet.wrapped]
        wrapped = [n for n, wrap in enumerate(sheet.wrapped) if wrap]
        string = self._string
        line_counts: dict[tuple[int, str], int] = {}

        def height(row: Sequence[Any]) -> float:
            most = 1
            for n in wrapped:
                value = row[n] if n < len(row) else None
                if isinstance(value, str):
                    key = (n, value)
                    lines = line_counts.get(key)
                    if lines is None:
                        lines = line_counts[key] = _lines(value, sheet.widths[n])
                    most = max(most, lines)
            return _height(most)

        header_height = _height(max(_lines(h, w) for h, w in zip(sheet.headers, sheet.widths, strict=True)))
        parts = [f'<row r="1" ht="{header_height:g}" customHeight="1">']
        for letter, header in zip(letters, sheet.headers, strict=True):
            parts.append(f'<c r="{letter}1" s="{S_HEADER}" t="s"><v>{string(header)}</v></c>')
        parts.append("</row>")
        for number, row in enumerate(sheet.rows, 2):
            parts.append(f'<row r="{number}" ht="{height(row):g}" customHeight="1">')
            for n, value in enumerate(row):
                if value is None or value == "":
                    continue
                kind = type(value)
                cell = f'<c r="{letters[n]}{number}"'
                if kind is str:
                    parts.append(f'{cell} s="{text_styles[n]}" t="s"><v>{string(value)}</v></c>')
                elif kind is Decimal or kind is float:
                    parts.append(f'{cell} s="{S_POINTS}"><v>{value}</v></c>')
                elif kind is int:
                    parts.append(f'{cell} s="{S_INT}"><v>{value}</v></c>')
                elif kind is bool:
                    parts.append(f'{cell} s="{S_TEXT}" t="b"><v>{int(value)}</v></c>')
                elif kind is dt.datetime:
                    serial = (timezone.make_naive(value) if timezone.is_aware(value) else value) - EXCEL_EPOCH
                    parts.append(f'{cell} s="{S_DATETIME}"><v>{serial / dt.timedelta(days=1)}</v></c>')
                elif kind is dt.date:
                    parts.append(f'{cell} s="{S_DATE}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>')
                else:
                    parts.append(f'{cell} s="{text_styles[n]}" t="s"><v>{string(str(value))}</v></c>')
            parts.append("</row>")
            if len(parts) > 20000:
                yield "".join(parts)
                parts.clear()
        parts.append("</sheetData>")
        if sheet.exporter.autofilter and sheet.rows:
            parts.append(f'<autoFilter ref="A1:{last}"/>')
        parts.append(
            '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        )
        yield "".join(parts)

    def _shared_strings(self) -> str:
        items = []
        for text in self.strings:  # dicts keep insertion order: the indexes handed out
            space = ' xml:space="preserve"' if text != text.strip() else ""
            items.append(f"<si><t{space}>{_escape(text)}</t></si>")
        return (
            f'{XML_HEAD}<sst xmlns="{MAIN_NS}" count="{self.string_uses}" uniqueCount="{len(self.strings)}">'
            f"{''.join(items)}</sst>"
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name="{_attribute(sheet.title)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(self.sheets, 1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
            f"'{_escape(sheet.title)}'!$A$1:${column_letter(len(sheet.headers))}${len(sheet.rows) + 1}</definedName>"
            for n, sheet in enumerate(self.sheets)
            if sheet.exporter.autofilter and sheet.rows
        )
        return (
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView activeTab="0"/>'
            f"</bookViews><sheets>{sheets}</sheets>"
            f"{f'<definedNames>{names}</definedNames>' if names else ''}</workbook>"
        )

    def _workbook_rels(self) -> str:
        office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        count = len(self.sheets)
        rels = [
            f'<Relationship Id="rId{n}" Type="{office}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        ]
        rels.append(f'<Relationship Id="rId{count + 1}" Type="{office}/styles" Target="styles.xml"/>')
        rels.append(f'<Relationship Id="rId{count + 2}" Type="{office}/sharedStrings" Target="sharedStrings.xml"/>')
        return f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>'

    def _content_types(self) -> str:
        sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sml}.worksheet+xml"/>'
            for n in range(1, len(self.sheets) + 1)
        )
        return (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>{sheets}'
            f'<Override PartName="/xl/styles.xml" ContentType="{sml}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sml}.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>'
        )

    def _package_rels(self) -> str:
        return (
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>'
        )

    def _core(self) -> str:
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            f'{XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_escape(self.title)}</dc:title><dc:creator>Pramern</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created></cp:coreProperties>'
        )
