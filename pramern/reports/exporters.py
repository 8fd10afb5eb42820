"""Score lists as spreadsheets: exporters only yield rows; the base class writes xlsx or CSV.

The shape follows pretix's exporters: a ``ListExporter`` subclass yields rows under Thai headers
and the base class writes them. ``DOWNLOADS`` names the files the download view serves
(``/reports/scores.<identifier>``). Workbooks are written by XlsxWriter in constant-memory mode:
each row's XML goes to a temporary file once the next row starts, instead of a table of every
cell kept until the end (openpyxl, even in write-only mode, needed 5-7 s for the 41,000 item rows
of 1,000 units). openpyxl reads the files back in the tests.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import IO, Any, ClassVar, Protocol

import xlsxwriter
from django.utils import timezone, translation
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName
from xlsxwriter.worksheet import Worksheet

from pramern.assessments.models import UnitRound
from pramern.assessments.rounds import state_label
from pramern.frameworks.models import Framework
from pramern.organizations.models import Unit
from pramern.reports.data import (
    UNVERIFIED_BASIS_TH,
    UNVERIFIED_LEGEND_TH,
    UNVERIFIED_MARK,
    VERIFIED_BASIS_TH,
    UnitScores,
    explain,
    rank_units,
    settled_figure,
    unit_scores,
)
from pramern.scoring.model import Round
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

#: Headers widen a column to at most this many characters; longer headers wrap.
HEADER_WIDTH = 16
#: Pixels per character of column width: a width of ``n * 7`` pixels is stored as exactly ``n``
#: characters (XlsxWriter's conversion for the default 64-pixel column).
DIGIT_PIXELS = 7
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ListExporter:
    """A list of rows under Thai headers. Subclasses give ``headers()`` and ``rows()``; this class
    writes them as an xlsx sheet (``write_xlsx``, or one sheet of ``build_workbook``) or as CSV.

    Cells are formatted by the type of their value: ``Decimal``/``float`` as points ("0.00"),
    ``int`` as a whole number, ``date``/``datetime`` in the Buddhist era, text with line breaks
    wrapped. Scores are read once (``unit_scores``) and can be shared between exporters.
    """

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
        round_code: str | None = None,
    ) -> None:
        self.framework = framework
        self.compiled = framework.compiled()
        #: The round a ranking is of (the final round by default).
        self.round_code = round_code if round_code and self.compiled.has_round(round_code) else None
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
        book = XlsxBook(stream, title=self.verbose_name)
        book.add(self)
        book.close()

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
        return {value: state_label(value) for value in UnitRound.State.values}


class RankingExporter(ListExporter):
    """One row per unit, ranked for one round as the dashboard ranks it: by the verified total
    where the round is settled and the reader may see it, else by the self-assessed total, which
    is marked as not verified (a column saying so, and "*" beside the rank's figure's source)."""

    verbose_name = "ลำดับคะแนนของทุกหน่วยงาน"
    sheet_title = "ลำดับคะแนน"

    @property
    def round(self) -> Round:
        return self.compiled.round(self.round_code) if self.round_code else self.compiled.rounds[-1]

    def headers(self) -> list[str]:
        title = self.round.title.th
        return [
            "ลำดับ",
            "รหัสหน่วยงาน",
            "หน่วยงาน",
            f"คะแนนที่ใช้จัดลำดับ {title}",
            "ที่มาของคะแนน",
            f"{title} ประเมินตนเอง",
            f"{title} ตรวจรับรอง",
            f"สถานะ {title}",
        ]

    def rows(self) -> Iterator[list[Any]]:
        states = _state_labels()
        for ranked in rank_units(self.scores, self.round.code):
            unit, row = ranked.scores.unit, ranked.row
            if row is None:
                yield [None, unit.code, unit.name_th, None, None, None, None, None]
                continue
            yield [
                ranked.rank,
                unit.code,
                unit.name_th,
                ranked.score,
                _basis(ranked.verified_basis),
                row.self_total,
                row.verified_total,
                states.get(row.state, row.state),
            ]


class ItemScoresExporter(ListExporter):
    """One row per unit and item: points in every round and the final round's explanation, then,
    per round, the points reports show (``settled_figure``: verified where the round is settled
    and the reader may see it) and where they come from, self-assessed ones marked "*" as in the
    ranking. The explanation reads the final round's lines on the same basis."""

    verbose_name = "คะแนนรายข้อของทุกหน่วยงาน"
    sheet_title = "คะแนนรายข้อ"

    def headers(self) -> list[str]:
        final = self.compiled.rounds[-1]
        columns = ["รหัสหน่วยงาน", "หน่วยงาน", "ด้าน", "ข้อ", "รายการประเมิน", "คะแนนเต็ม"]
        for rnd in self.compiled.rounds:
            columns += [f"{rnd.title.th} ประเมินตนเอง", f"{rnd.title.th} ตรวจรับรอง"]
        columns += [f"คำอธิบายคะแนน {final.title.th}", f"สถานะ {final.title.th}"]
        for rnd in self.compiled.rounds:
            columns += [f"คะแนน {rnd.title.th}", f"ที่มาของคะแนน {rnd.title.th}"]
        return columns

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
                reported: list[Any] = []
                for card in cards:
                    if card is None:
                        row += [None, None]
                        reported += [None, None]
                        continue
                    self_points, verified_points = card.self_items.get(item.code), card.verified_items.get(item.code)
                    row += [self_points, verified_points]
                    shown = verified_points if card.verified_total is not None else None
                    figure, verified = settled_figure(card.state, self_points, shown)
                    reported += [figure, _basis(verified) if figure is not None else None]
                if last is None or item.code not in last.self_lines:
                    row += [None, None]
                else:
                    shown_lines = last.verified_lines.get(item.code) if last.verified_total is not None else None
                    lines, _verified = settled_figure(last.state, last.self_lines[item.code], shown_lines)
                    key = (item.code, tuple(lines))
                    text = explanations.get(key)
                    if text is None:
                        text = explanations[key] = explain(item, list(key[1]), language="th", round_index=final.index)
                    row += [text, states.get(last.state, last.state)]
                yield row + reported


def _basis(verified: bool) -> str:
    """Where a reported figure comes from, in the ranking's words and with its marker."""
    return VERIFIED_BASIS_TH if verified else f"{UNVERIFIED_MARK} {UNVERIFIED_BASIS_TH}"


class DimensionSummaryExporter(ListExporter):
    """One row per unit: the final round's points per dimension, and every round's totals."""

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
        yield ["การจัดลำดับ", UNVERIFIED_LEGEND_TH]
        for dimension in self.compiled.dimensions:
            yield [f"ด้าน {dimension.code} ({dimension.points} คะแนน)", dimension.title.th]


def build_workbook(
    framework: Framework,
    stream: IO[bytes],
    *,
    kinds: list[str] | None = None,
    region: int | None = None,
    verified_shown: Callable[[str, int], bool] | None = None,
    round_code: str | None = None,
) -> None:
    """Every unit's scores as one workbook: the ranking of ``round_code`` (the final round by
    default), items, dimension summary, report information. ``verified_shown``: as for
    ``unit_scores`` (verified cells stay empty where it refuses)."""
    scores = unit_scores(framework, kinds=kinds, region=region, verified_shown=verified_shown)
    book = XlsxBook(stream, title=framework.title_th)
    for exporter in (RankingExporter, ItemScoresExporter, DimensionSummaryExporter, ReportInfoExporter):
        book.add(exporter(framework, kinds=kinds, region=region, scores=scores, round_code=round_code))
    book.close()


def write_items_csv(
    framework: Framework,
    stream: IO[bytes],
    *,
    verified_shown: Callable[[str, int], bool] | None = None,
    round_code: str | None = None,
) -> None:
    """Every unit's item scores as CSV (UTF-8 with BOM)."""
    ItemScoresExporter(framework, verified_shown=verified_shown).write_csv(stream)


class _Write(Protocol):
    def __call__(
        self,
        framework: Framework,
        stream: IO[bytes],
        *,
        verified_shown: Callable[[str, int], bool] | None = None,
        round_code: str | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class Download:
    """A file of every unit's scores, served at ``/reports/scores.<identifier>``."""

    identifier: str
    content_type: str
    write: _Write


DOWNLOADS: dict[str, Download] = {
    download.identifier: download
    for download in (
        Download("xlsx", XLSX_CONTENT_TYPE, build_workbook),
        Download("csv", "text/csv; charset=utf-8", write_items_csv),
    )
}


# --- The xlsx writer ---------------------------------------------------------------------------


class _Styles:
    """The workbook's cell formats, one per kind of value."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        top = {"valign": "top"}
        self.header = book.add_format({**top, "bold": True, "bg_color": "#E2EFDA", "pattern": 1, "text_wrap": True})
        self.text = book.add_format(top)
        self.wrap = book.add_format({**top, "text_wrap": True})
        self.points = book.add_format({**top, "num_format": 2})  # built-in: POINTS_FORMAT
        self.int = book.add_format({**top, "num_format": 1})  # built-in: "0"
        self.date = book.add_format({**top, "align": "left", "num_format": BE_DATE_FORMAT})
        self.datetime = book.add_format({**top, "align": "left", "num_format": BE_DATETIME_FORMAT})


class XlsxBook:
    """A workbook of list sheets, one ``add`` per sheet, written into ``stream`` by ``close``."""

    def __init__(self, stream: IO[bytes], title: str = "") -> None:
        self.workbook = xlsxwriter.Workbook(
            stream,
            {
                "constant_memory": True,
                # Cells are written by type (write_string, ...); should write() ever be used, what
                # people typed still stays text, even "=1+1" or an address.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                # Not a theme font: Excel would show the theme's (Calibri) instead.
                "default_format_properties": {"font_name": FONT_NAME, "font_size": FONT_SIZE, "font_scheme": "none"},
                # The font's own row height (12.75 pt); every sheet sets ROW_HEIGHT over it.
                "default_row_height": 17,
            },
        )
        self.workbook.set_properties({"title": title, "author": "Pramern"})
        self.styles = _Styles(self.workbook)

    def add(self, exporter: ListExporter) -> None:
        """``exporter``'s rows as the next sheet: Thai headers in bold, frozen and filtered as the
        exporter says, columns as wide as their longest line, rows as tall as their wrapped text."""
        title = exporter.sheet_title
        try:
            sheet = self.workbook.add_worksheet(title)
        except (InvalidWorksheetName, DuplicateWorksheetName) as error:
            raise ValueError(f"not a usable sheet name: {title!r} ({error})") from error
        headers = exporter.headers()
        # The rows are held once: their widths decide the columns and the heights of the rows,
        # which must be known before a row is written.
        rows = [list(row) for row in exporter.rows()]
        widths, wrapped = _measure(headers, rows, exporter.max_width)
        _write_sheet(sheet, self.styles, exporter, headers, rows, widths, wrapped)

    def close(self) -> None:
        self.workbook.close()


def _measure(headers: list[str], rows: list[list[Any]], limit: int) -> tuple[list[float], list[bool]]:
    """Column widths from the longest line in each column, and which columns wrap."""
    count = len(headers)
    longest = [0] * count
    breaks = [False] * count
    seen: dict[tuple[type, Any], int] = {}
    for row in rows:
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
    for index, header in enumerate(headers):
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


def _write_sheet(
    sheet: Worksheet,
    styles: _Styles,
    exporter: ListExporter,
    headers: list[str],
    rows: list[list[Any]],
    widths: list[float],
    wrapped: list[bool],
) -> None:
    sheet.set_default_row(ROW_HEIGHT)
    sheet.set_margins(left=0.5, right=0.5)
    for column, width in enumerate(widths):
        sheet.set_column_pixels(column, column, round(width * DIGIT_PIXELS))
    if exporter.freeze_panes:
        sheet.freeze_panes(exporter.freeze_panes)
        sheet.set_selection(exporter.freeze_panes)  # the cursor starts below the header
    if exporter.autofilter and rows:
        sheet.autofilter(0, 0, len(rows), len(headers) - 1)

    sheet.set_row(0, _height(max(_lines(h, w) for h, w in zip(headers, widths, strict=True))))
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, styles.header)

    text_styles = [styles.wrap if wrap else styles.text for wrap in wrapped]
    wrapped_columns = [n for n, wrap in enumerate(wrapped) if wrap]
    line_counts: dict[tuple[int, str], int] = {}

    def height(row: Sequence[Any]) -> float:
        most = 1
        for n in wrapped_columns:
            value = row[n] if n < len(row) else None
            if isinstance(value, str):
                key = (n, value)
                lines = line_counts.get(key)
                if lines is None:
                    lines = line_counts[key] = _lines(value, widths[n])
                most = max(most, lines)
        return _height(most)

    write_string, write_number = sheet.write_string, sheet.write_number
    for number, row in enumerate(rows, 1):
        sheet.set_row(number, height(row))
        for n, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = type(value)
            if kind is str:
                write_string(number, n, value, text_styles[n])
            elif kind is Decimal or kind is float:
                write_number(number, n, value, styles.points)
            elif kind is int:
                write_number(number, n, value, styles.int)
            elif kind is bool:
                sheet.write_boolean(number, n, value, styles.text)
            elif kind is dt.datetime:
                local = timezone.make_naive(value) if timezone.is_aware(value) else value
                sheet.write_datetime(number, n, local, styles.datetime)
            elif kind is dt.date:
                sheet.write_datetime(number, n, value, styles.date)
            else:
                write_string(number, n, str(value), text_styles[n])
