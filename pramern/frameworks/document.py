"""The guideline document, generated from a framework: "คำอธิบายแนวทางการดำเนินงาน…" as PDF and Word.

Laid out like the Evaluation Centre's official guideline (shared/seed): a title page (title, fiscal
year and rounds in the Buddhist era), the points per dimension and round, the framework-wide
assumptions, then per dimension a table รายการ | แนวทางการดำเนินการ | ตัวอย่าง/หลักฐาน in which
each item shows its points, how they split between the rounds (from its lines' rounds), its scoring
lines (what earns what), its assumptions and source notes. Each item is two rows: the official
three columns, then its scoring across the table's width (which keeps the first row, and the
item's title in it, on one page).

- PDF: ``templates/reports/guideline_pdf.html`` rendered by a standalone Django template engine
  (no app registry needed, so the ``pramern`` console command can use it) and printed by
  Chromium (``reports.printing``) with the shipped Sarabun: its text layer keeps Thai intact
  and Chromium breaks Thai lines between words (``lang="th"``).
- Word: python-docx, with real headings and tables, Sarabun for every script (``w:cs`` and
  ``w:szCs`` matter for Thai, which Word treats as a complex script), A4, ``หน้า N / M`` from
  PAGE and NUMPAGES fields, and Sarabun embedded (obfuscated, as Word does), so the file looks
  the same on machines without Sarabun (LibreOffice reads embedded fonts too).

Sizes follow Thai government documents: 16 pt body, larger headings.
"""

from __future__ import annotations

import io
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any

from pramern.reports.printing import PdfError, html_to_pdf
from pramern.scoring import Framework, Item, format_points, load_framework
from pramern.scoring.model import Group
from pramern.thaidates import fiscal_year_of, thai_date

ROOT = Path(__file__).resolve().parent.parent.parent
FONTS = ROOT / "static" / "pramern" / "fonts"
TEMPLATES = ROOT / "templates"

HEADING = "คำอธิบายแนวทางการดำเนินงาน"
COLUMNS = ("รายการ", "แนวทางการดำเนินการ", "ตัวอย่าง/หลักฐาน")
#: What a draft's document says on every page (the studio passes it; installed frameworks have none).
DRAFT_NOTE = "ฉบับร่าง ไม่ใช่แนวทางที่ประกาศใช้"

PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# -- what the document says -------------------------------------------------------------------


@dataclass(frozen=True)
class RoundInfo:
    code: str
    title: str
    starts: str  # Buddhist-era dates: "1 ส.ค. 2566"
    cutoff: str
    added: str  # points that open in this round
    potential: str  # points open by the end of this round


@dataclass(frozen=True)
class ScoringLine:
    round_title: str
    text: str
    points: str  # "1 คะแนน", "สูงสุด 10 คะแนน"
    assumed: bool


@dataclass(frozen=True)
class ItemRow:
    code: str
    title: str
    points: str
    split: list[str]  # "รอบ 6 เดือน 1 คะแนน", per round with points
    guidance: list[str]
    lines: list[ScoringLine]
    scales: list[str]  # what a choice or a judgement gives ("รางวัลระดับชาติ 9 คะแนน")
    assumptions: list[str]
    source_note: str
    evidence: list[str]
    kind: str = "item"


@dataclass(frozen=True)
class GroupRow:
    code: str
    title: str
    points: str
    kind: str = "group"


@dataclass(frozen=True)
class DimensionPart:
    code: str
    title: str
    points: str
    potentials: list[str]  # per round, cumulative
    rows: list[GroupRow | ItemRow]


@dataclass(frozen=True)
class Guideline:
    """Everything the document shows, as text: both writers lay out the same content."""

    heading: str
    title: str  # "ตามโครงการ…ปี 2567"
    fiscal_year: str  # Buddhist era: "2567"
    key: str  # "oae-2567@1"
    code: str
    version: str
    total_points: str
    rounds: list[RoundInfo]
    dimensions: list[DimensionPart]
    assumptions: list[str]
    note: str = ""
    columns: tuple[str, str, str] = COLUMNS
    items: list[ItemRow] = field(default_factory=list)

    @property
    def running_header(self) -> str:
        """The line at the top of each page: ``คำอธิบายแนวทางการดำเนินงาน ปีงบประมาณ พ.ศ. 2567 (oae-2567@1)``."""
        return f"{self.heading} ปีงบประมาณ พ.ศ. {self.fiscal_year} ({self.key})"


def fiscal_year_be(compiled: Framework) -> int:
    """The Thai government fiscal year (Buddhist era) of the framework's last cut-off: fiscal
    years start on 1 October, so FY2567 runs 1 Oct 2566 – 30 Sep 2567."""
    return fiscal_year_of(compiled.final_round.cutoff)


def _points(value: Decimal) -> str:
    return f"{format_points(value)} คะแนน"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _split(compiled: Framework, item: Item) -> list[str]:
    """The points each round opens for the item (its lines' rounds, capped at its max)."""
    out = []
    before = Decimal(0)
    for rnd in compiled.rounds:
        potential = item.potential(rnd.index)
        if potential > before:
            out.append(f"{rnd.title.th} {_points(potential - before)}")
        before = potential
    return out


def _scales(item: Item) -> list[str]:
    out = []
    for fact in item.facts.values():
        for option in fact.options.values():
            text = f"{fact.label.th}: {option.label.th} {_points(option.points)}"
            extras = [
                f"ถ้า{fact.fields[flag].label.th if flag in fact.fields else flag} {_points(points)}"
                for flag, points in option.points_if.items()
            ]
            out.append(text + (f" ({', '.join(extras)})" if extras else ""))
        if fact.type == "judgement" and fact.maximum is not None:
            step = f" ทีละ {format_points(fact.step)}" if fact.step else ""
            out.append(
                f"{fact.label.th}: ผู้ตรวจประเมินให้คะแนน {format_points(fact.minimum)}–{format_points(fact.maximum)}{step}"
            )
    return out


def _item_row(compiled: Framework, item: Item) -> ItemRow:
    return ItemRow(
        code=item.code,
        title=item.title.th,
        points=_points(item.max_points),
        split=_split(compiled, item),
        guidance=_paragraphs(item.guidance.th),
        lines=[
            ScoringLine(
                line.round.title.th,
                line.text.th,
                f"สูงสุด {_points(line.points)}" if line.points_from is not None else _points(line.points),
                line.assumed,
            )
            for line in item.lines
        ],
        scales=_scales(item),
        assumptions=[a.text.th for a in item.assumptions],
        source_note=item.source_note.th if item.source_note else "",
        evidence=[e.th for e in item.evidence],
    )


def build_guideline(compiled: Framework, *, note: str = "") -> Guideline:
    """The document's content for ``compiled`` (``note``: a line such as ``DRAFT_NOTE`` shown on every page)."""
    rounds = []
    before = Decimal(0)
    for rnd in compiled.rounds:
        potential = compiled.potential(rnd.code)
        rounds.append(
            RoundInfo(
                rnd.code,
                rnd.title.th,
                thai_date(rnd.starts),
                thai_date(rnd.cutoff),
                format_points(potential - before),
                format_points(potential),
            )
        )
        before = potential
    dimensions = []
    items: list[ItemRow] = []
    for dimension in compiled.dimensions:
        rows: list[GroupRow | ItemRow] = []
        for child in dimension.children:
            if isinstance(child, Group):
                rows.append(GroupRow(child.code, child.title.th, _points(child.points)))
                rows.extend(_item_row(compiled, item) for item in child.items)
            else:
                rows.append(_item_row(compiled, child))
        items.extend(row for row in rows if isinstance(row, ItemRow))
        potentials = [
            format_points(sum((item.potential(rnd.index) for item in dimension.items), Decimal(0)))
            for rnd in compiled.rounds
        ]
        dimensions.append(
            DimensionPart(dimension.code, dimension.title.th, _points(dimension.points), potentials, rows)
        )
    return Guideline(
        heading=HEADING,
        title=f"ตาม{compiled.title.th}",
        fiscal_year=str(fiscal_year_be(compiled)),
        key=compiled.key,
        code=compiled.code,
        version=compiled.version,
        total_points=format_points(compiled.total_points),
        rounds=rounds,
        dimensions=dimensions,
        assumptions=[a.text.th for a in compiled.assumptions],
        note=note,
        items=items,
    )


def file_name(compiled: Framework, extension: str) -> str:
    """The download's name: ``คำอธิบายแนวทางการดำเนินงาน-oae-2567-1.pdf``."""
    return f"{HEADING}-{compiled.code}-{compiled.version}.{extension}"


# -- PDF --------------------------------------------------------------------------------------


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string or the ``<style>`` element."""
    return '"' + "".join(f"\\{ord(ch):X} " if ch in '\\"<>' or ord(ch) < 0x20 else ch for ch in text) + '"'


@cache
def _engine() -> Any:
    # Start-up time: the template engine loads only when a document is made. A standalone engine
    # needs no app registry, so the console command renders the same template as the site.
    from django.template import Engine

    return Engine(dirs=[str(TEMPLATES)], autoescape=True)


def guideline_html(compiled: Framework, *, note: str = "") -> str:
    """The HTML that Chromium prints (fonts as ``file://`` URLs: nothing is fetched)."""
    from django.template import Context  # start-up time, as in _engine

    document = build_guideline(compiled, note=note)
    context = {
        "doc": document,
        "font_regular": (FONTS / "Sarabun-Regular.ttf").as_uri(),
        "font_bold": (FONTS / "Sarabun-Bold.ttf").as_uri(),
        "page_header": _css_string(document.running_header),
        "page_note": _css_string(document.note),
    }
    return str(_engine().get_template("reports/guideline_pdf.html").render(Context(context)))


def guideline_pdf(compiled: Framework, *, note: str = "") -> bytes:
    """The guideline as an A4 PDF, printed by Chromium; raises ``PdfError`` when it cannot print."""
    return html_to_pdf(guideline_html(compiled, note=note))


def write_guideline_pdf(compiled: Framework, stream: IO[bytes], *, note: str = "") -> None:
    stream.write(guideline_pdf(compiled, note=note))


# -- Word -------------------------------------------------------------------------------------

BODY_PT = 16
SMALL_PT = 14
HEADER_PT = 12
#: Word's obfuscation key of each embedded font (fixed, so the same framework gives the same file).
FONT_KEYS = {
    "Regular": uuid.UUID("6c1d2b6e-5a1f-4b8e-9d0e-2f6b1c3a4d51"),
    "Bold": uuid.UUID("8a3e4f70-1b2c-4d5e-8f90-a1b2c3d4e5f6"),
}


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn  # start-up time: python-docx loads only when a .docx is made

    return str(qn(tag))


def _run_font(rpr: Any, size: float | None = None, bold: bool | None = None) -> None:
    """Sarabun for every script on a ``w:rPr`` (themes removed), size and bold for complex scripts too."""
    from docx.oxml import OxmlElement  # start-up time, as in _qn

    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(_qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(_qn(attribute), "Sarabun")
    # Children of w:rPr have a fixed order in the schema: b, bCs, ..., color, sz, szCs, ..., lang.
    for tag in ("w:b", "w:bCs", "w:sz", "w:szCs", "w:lang"):
        for old in rpr.findall(_qn(tag)):
            rpr.remove(old)
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            element = OxmlElement(tag)
            if not bold:
                element.set(_qn("w:val"), "0")
            rpr.append(element)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            element = OxmlElement(tag)
            element.set(_qn("w:val"), str(round(size * 2)))
            rpr.append(element)
    lang = OxmlElement("w:lang")
    lang.set(_qn("w:val"), "th-TH")
    lang.set(_qn("w:eastAsia"), "th-TH")
    lang.set(_qn("w:bidi"), "th-TH")
    rpr.append(lang)
    _order_rpr(rpr)


#: The schema's order of the w:rPr children that the document uses (Word refuses others).
_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
    "em", "lang", "eastAsianLayout", "specVanish", "oMath",
]  # fmt: skip


def _order_rpr(rpr: Any) -> None:
    rank = {_qn(f"w:{name}"): index for index, name in enumerate(_RPR_ORDER)}
    children = sorted(rpr, key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        rpr.remove(child)
        rpr.append(child)


def _style_font(style: Any, size: float, bold: bool) -> None:
    style.font.color.rgb = None
    _run_font(style.element.get_or_add_rPr(), size, bold)


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice fill in when they lay out pages."""
    from docx.oxml import OxmlElement  # start-up time, as in _qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(_qn("w:fldCharType"), kind)
        return element

    begin = paragraph.add_run()
    begin._r.append(char("begin"))
    code = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = f" {instruction} "
    code._r.append(text)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(char("end"))


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement  # start-up time, as in _qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    properties.append(header)


def _shade(cell: Any, color: str) -> None:
    from docx.oxml import OxmlElement  # start-up time, as in _qn

    shading = OxmlElement("w:shd")
    shading.set(_qn("w:val"), "clear")
    shading.set(_qn("w:color"), "auto")
    shading.set(_qn("w:fill"), color)
    cell._tc.get_or_add_tcPr().append(shading)


def _obfuscated(font: bytes, key: uuid.UUID) -> bytes:
    """A font as Word embeds it (ECMA-376 part 2, 'font embedding'): its first 32 bytes XORed
    with the key's bytes in reverse order."""
    key_bytes = bytes.fromhex(key.hex)[::-1]
    head = bytes(font[i] ^ key_bytes[i % 16] for i in range(32))
    return head + font[32:]


def _embed_fonts(document: Any) -> None:
    """Sarabun Regular and Bold inside the .docx (``w:embedRegular``/``w:embedBold`` in the font
    table, ``w:embedTrueTypeFonts`` in the settings), so that it shows without Sarabun installed."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT  # start-up time, as in _qn
    from docx.opc.oxml import serialize_part_xml  # start-up time, as in _qn
    from docx.opc.packuri import PackURI  # start-up time, as in _qn
    from docx.opc.part import Part  # start-up time, as in _qn
    from docx.oxml import OxmlElement, parse_xml  # start-up time, as in _qn

    main = document.part
    table_part = next(rel.target_part for rel in main.rels.values() if rel.reltype == RT.FONT_TABLE)
    fonts = parse_xml(table_part.blob)
    entry = OxmlElement("w:font")
    entry.set(_qn("w:name"), "Sarabun")
    for tag, value in (("w:charset", "DE"), ("w:family", "auto"), ("w:pitch", "variable")):
        child = OxmlElement(tag)
        child.set(_qn("w:val"), value)
        entry.append(child)
    for number, (style, tag) in enumerate((("Regular", "w:embedRegular"), ("Bold", "w:embedBold")), start=1):
        key = FONT_KEYS[style]
        blob = _obfuscated((FONTS / f"Sarabun-{style}.ttf").read_bytes(), key)
        part = Part(
            PackURI(f"/word/fonts/font{number}.odttf"),
            "application/vnd.openxmlformats-officedocument.obfuscatedFont",
            blob,
            main.package,
        )
        relationship = table_part.relate_to(part, RT.FONT)
        embed = OxmlElement(tag)
        embed.set(_qn("r:id"), relationship)
        embed.set(_qn("w:fontKey"), "{" + str(key).upper() + "}")
        entry.append(embed)
    fonts.append(entry)
    table_part._blob = serialize_part_xml(fonts)
    # w:embedTrueTypeFonts comes after these in the schema's sequence of w:settings children.
    before = {_qn(f"w:{name}") for name in _SETTINGS_BEFORE_EMBED}
    settings = document.settings.element
    position = sum(1 for child in settings if child.tag in before)
    settings.insert(position, OxmlElement("w:embedTrueTypeFonts"))


_SETTINGS_BEFORE_EMBED = (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData",
)  # fmt: skip


def _paragraph(
    container: Any,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    style: str = "",
    center: bool = False,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # start-up time, as in _qn

    paragraph = container.add_paragraph(style=style or None)
    if text:
        run = paragraph.add_run(text)
        if size is not None or bold:
            _run_font(run._r.get_or_add_rPr(), size, bold)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _cell(cell: Any, parts: Sequence[tuple[str, float | None, bool]]) -> None:
    """Fill a table cell with paragraphs (text, size, bold); the cell's own first paragraph is used first."""
    first = cell.paragraphs[0]
    for index, (text, size, bold) in enumerate(parts):
        paragraph = first if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(text)
        if size is not None or bold:
            _run_font(run._r.get_or_add_rPr(), size, bold)


def _table(document: Any, headings: list[str], widths_mm: Sequence[float]) -> Any:
    from docx.shared import Mm  # start-up time, as in _qn

    table = document.add_table(rows=1, cols=len(headings))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    _repeat_header(table.rows[0])
    for cell, heading, width in zip(table.rows[0].cells, headings, widths_mm, strict=True):
        cell.width = Mm(width)
        _shade(cell, "E7E7E7")
        _cell(cell, [(heading, None, True)])
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        column.w = Mm(width)  # LibreOffice lays out by the grid, Word by the cells' widths
    return table


def _row(table: Any) -> list[Any]:
    """A new row (python-docx gives its cells their column's width from the table's grid)."""
    from docx.oxml import OxmlElement  # start-up time, as in _qn

    row = table.add_row()
    # A row starts on the next page rather than break there, unless it is longer than a page
    # (Word and LibreOffice then break it all the same): an item's title stays in one piece.
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return list(row.cells)


def _item_rows(table: Any, row: ItemRow) -> None:
    """An item as two rows: the guideline's three columns, then its scoring in one wide cell
    (what earns what, assumptions, source note), which keeps the first row short enough to stay
    on one page."""
    cells = _row(table)
    title: list[tuple[str, float | None, bool]] = [(f"{row.code} {row.title}", None, True), (row.points, None, True)]
    title += [(part, SMALL_PT, False) for part in row.split]
    _cell(cells[0], title)
    _cell(cells[1], [(text, None, False) for text in row.guidance] or [("–", None, False)])
    _cell(
        cells[2],
        [(f"{number}. {text}", None, False) for number, text in enumerate(row.evidence, start=1)]
        or [("–", None, False)],
    )
    for cell in cells:  # Word keeps the item's row on the page of its scoring row
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True
    cells = _row(table)
    scoring = cells[0].merge(cells[2])
    parts: list[tuple[str, float | None, bool]] = [(f"เกณฑ์การให้คะแนนข้อ {row.code}", SMALL_PT, True)]
    for line in row.lines:
        assumed = " (ข้อสมมติ)" if line.assumed else ""
        parts.append((f"• {line.round_title}: {line.text} — {line.points}{assumed}", SMALL_PT, False))
    parts += [(f"• {scale}", SMALL_PT, False) for scale in row.scales]
    parts += [(f"ข้อสมมติ: {text}", SMALL_PT, False) for text in row.assumptions]
    if row.source_note:
        parts.append((f"หมายเหตุต้นฉบับ: {row.source_note}", SMALL_PT, False))
    _cell(scoring, parts)


def guideline_docx(compiled: Framework, *, note: str = "") -> bytes:
    """The guideline as a Word document (A4, Sarabun embedded, real headings and tables)."""
    from docx import Document  # start-up time, as in _qn
    from docx.enum.section import WD_SECTION  # start-up time, as in _qn
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # start-up time, as in _qn
    from docx.shared import Mm, Pt  # start-up time, as in _qn

    doc = build_guideline(compiled, note=note)
    document = Document()
    properties = document.core_properties
    properties.title = f"{doc.heading}{doc.title}"
    properties.subject = doc.key
    properties.author = "Pramern"
    properties.language = "th-TH"
    styles = document.styles
    _style_font(styles["Normal"], BODY_PT, False)
    styles["Normal"].paragraph_format.space_after = Pt(2)
    for name, size in (("Title", 24), ("Heading 1", 20), ("Heading 2", 18), ("Heading 3", BODY_PT)):
        _style_font(styles[name], size, True)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run_font(
        header.add_run(doc.running_header + (f" ({doc.note})" if doc.note else ""))._r.get_or_add_rPr(), HEADER_PT
    )
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("หน้า ")
    _field(footer, "PAGE", "1")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        _run_font(run._r.get_or_add_rPr(), HEADER_PT)

    # the title page
    for _ in range(4):
        _paragraph(document)
    _paragraph(document, doc.heading, style="Title", center=True)
    _paragraph(document, doc.title, size=20, bold=True, center=True)
    _paragraph(document, f"ปีงบประมาณ พ.ศ. {doc.fiscal_year}", size=18, bold=True, center=True)
    _paragraph(
        document, f"กรอบการประเมิน {doc.code} ฉบับที่ {doc.version} · คะแนนเต็ม {doc.total_points} คะแนน", center=True
    )
    if doc.note:
        _paragraph(document, doc.note, size=18, bold=True, center=True)
    _paragraph(document)
    rounds = _table(document, ["รอบการประเมิน", "ผลงานที่นับ", "คะแนนที่เปิดในรอบ", "คะแนนสะสม"], [40, 65, 30, 25])
    for info in doc.rounds:
        cells = _row(rounds)
        _cell(cells[0], [(info.title, None, False)])
        _cell(cells[1], [(f"{info.starts} – {info.cutoff}", None, False)])
        _cell(cells[2], [(info.added, None, False)])
        _cell(cells[3], [(info.potential, None, False)])

    # points per dimension, framework-wide assumptions
    document.add_heading("สรุปคะแนนรายด้าน", level=1).paragraph_format.page_break_before = True
    round_width = 75 / max(len(doc.rounds), 1)
    summary = _table(
        document,
        ["ด้าน", "คะแนนเต็ม", *[f"เปิดถึง{r.title}" for r in doc.rounds]],
        [65, 25, *[round_width] * len(doc.rounds)],
    )
    for part in doc.dimensions:
        cells = _row(summary)
        _cell(cells[0], [(f"ด้านที่ {part.code} {part.title}", None, False)])
        _cell(cells[1], [(part.points, None, False)])
        for cell, potential in zip(cells[2:], part.potentials, strict=True):
            _cell(cell, [(potential, None, False)])
    cells = _row(summary)
    _cell(cells[0], [("รวม", None, True)])
    _cell(cells[1], [(f"{doc.total_points} คะแนน", None, True)])
    for cell, info in zip(cells[2:], doc.rounds, strict=True):
        _cell(cell, [(info.potential, None, True)])
    if doc.assumptions:
        document.add_heading("ข้อสมมติที่ใช้ทั้งกรอบการประเมิน", level=1)
        for number, text in enumerate(doc.assumptions, start=1):
            _paragraph(document, f"{number}. {text}")

    # one table per dimension
    widths = [43, 73, 49]
    for part in doc.dimensions:
        heading = document.add_heading(f"ด้านที่ {part.code} {part.title} ({part.points})", level=1)
        heading.paragraph_format.page_break_before = True
        table = _table(document, list(doc.columns), widths)
        for row in part.rows:
            if isinstance(row, GroupRow):
                cells = _row(table)
                merged = cells[0].merge(cells[2])
                _shade(merged, "F3F3F3")
                _cell(merged, [(f"{row.code} {row.title} ({row.points})", None, True)])
            else:
                _item_rows(table, row)
    _embed_fonts(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_guideline_docx(compiled: Framework, stream: IO[bytes], *, note: str = "") -> None:
    stream.write(guideline_docx(compiled, note=note))


#: What ``pramern framework document`` writes, by the output's extension.
WRITERS: dict[str, Callable[..., bytes]] = {".pdf": guideline_pdf, ".docx": guideline_docx}


def _settings_for_printing() -> None:
    """The console command has no Django project: Chromium's path from the environment, one
    Chromium run per PDF (what ``reports.printing`` reads from the settings)."""
    from django.conf import settings  # start-up time, as in _engine

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(
            CHROMIUM=os.environ.get("PRAMERN_CHROMIUM", "/usr/bin/chromium"), PDF_WARM_BROWSER=False, USE_I18N=False
        )


def write_document_file(framework_file: Path, output: Path) -> int:
    """The body of ``pramern framework document FILE -o OUTPUT``: the guideline of a framework file
    as PDF or .docx (by OUTPUT's extension). Returns the exit status; raises ``FrameworkError``
    for a bad framework file and ``ValueError`` for an output it cannot write."""
    writer = WRITERS.get(output.suffix.lower())
    if writer is None:
        raise ValueError(f"{output.name}: the output must end in .pdf or .docx")
    compiled = load_framework(framework_file)
    if writer is guideline_pdf:
        _settings_for_printing()
    try:
        data = writer(compiled)
    except PdfError as exc:
        print(f"pramern: {exc}", file=sys.stderr)
        return 1
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise ValueError(f"{output}: {exc.strerror}") from None
    print(f"{output}: {HEADING}{build_guideline(compiled).title} ({compiled.key}, {len(data):,} bytes)")
    return 0
