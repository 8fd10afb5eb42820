"""The guideline document (คำอธิบายแนวทางการดำเนินงาน) generated from a framework: its content, the
PDF printed by Chromium (read back through poppler), the .docx (read back by python-docx and
converted by LibreOffice), the console command and the framework page's downloads.

Chromium and LibreOffice tests are slow (``browser`` and ``slow`` markers). Under CI (CI=true)
a missing Chromium, poppler or LibreOffice fails the run; on a developer's machine the test
skips and says what to install.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import docx
import pytest
from django.conf import settings as django_settings

from pramern.frameworks import document as guideline_document
from pramern.frameworks.document import (
    DRAFT_NOTE,
    build_guideline,
    fiscal_year_be,
    guideline_docx,
    guideline_html,
    guideline_pdf,
    write_guideline_docx,
)
from pramern.scoring import Framework, parse_framework
from pramern.scoring.yamlio import dump_framework, load_text
from tests.conftest import FRAMEWORK_FILE
from tests.reports.poppler import poppler

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "static" / "pramern" / "fonts"
DATES = ["1 ส.ค. 2566", "28 ก.พ. 2567", "31 ก.ค. 2567"]


def _missing(names: list[str], install: str) -> None:
    missing = [name for name in names if not shutil.which(name)]
    if not missing:
        return
    message = f"{', '.join(missing)} not found: install with `sudo apt-get install {install}`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def printing_tools() -> None:
    _missing([django_settings.CHROMIUM, "pdftotext", "pdffonts"], "chromium poppler-utils")


@pytest.fixture
def soffice() -> str:
    _missing(["soffice", "pdftotext"], "libreoffice-writer-nogui poppler-utils")
    return str(shutil.which("soffice"))


def flat(text: str) -> str:
    """Text without whitespace: a title broken over lines of a table cell reads back whole."""
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text layer in the order it was drawn (each table cell's lines together)."""
    return poppler("pdftotext", pdf, tmp_path, "-raw", "-enc", "UTF-8")


def docx_text(data: bytes) -> tuple[str, list[str]]:
    """(paragraph text, every table cell's text) as python-docx reads the file."""
    opened = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in opened.tables for row in table.rows for cell in row.cells]
    return "\n".join(p.text for p in opened.paragraphs), cells


def with_new_item(framework: Framework) -> Framework:
    """FY2567 with an item 7.9 added (and dimension 7 and the total raised to match), changed in
    memory as the studio changes a draft: load_text → edit → dump_framework → parse_framework."""
    data = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), FRAMEWORK_FILE.name)
    seventh = data["dimensions"][-1]
    seventh["items"].append(
        {
            "code": "7.9",
            "title_th": "หน่วยงานจัดทำคู่มือการใช้ระบบประเมินผลออนไลน์",
            "title_en": "The unit writes a manual for the online assessment system",
            "points": 2,
            "guidance_th": "จัดทำคู่มือและเผยแพร่ให้บุคลากรทราบ",
            "guidance_en": "Write a manual and publish it to the staff.",
            "evidence": [{"th": "คู่มือที่เผยแพร่แล้ว", "en": "The published manual"}],
            "facts": {"manuals": {"type": "event", "th": "คู่มือ", "en": "Manual"}},
            "lines": [
                {
                    "id": "manual",
                    "round": "R12",
                    "points": 2,
                    "when": "count(manuals) >= 1",
                    "th": "มีคู่มือการใช้ระบบอย่างน้อย 1 ฉบับ",
                    "en": "At least one manual",
                    "missing_th": "ต้องมีคู่มือ",
                    "missing_en": "Needs a manual",
                }
            ],
        }
    )
    seventh["points"] += 2
    data["total_points"] += 2
    changed = parse_framework(dump_framework(data), "draft.yaml")
    assert changed.items_by_code["7.9"].title.th == "หน่วยงานจัดทำคู่มือการใช้ระบบประเมินผลออนไลน์"
    return changed


# -- what the document says ------------------------------------------------------------------


def test_the_content_has_every_item_with_its_points_split_between_the_rounds(fw2567):
    content = build_guideline(fw2567)
    assert content.heading == "คำอธิบายแนวทางการดำเนินงาน"
    assert content.title == "ตามโครงการส่งเสริมการพัฒนาหน่วยงานระดับสำนัก/ศูนย์/กอง ของ สศก. ปี 2567"
    assert content.fiscal_year == "2567"
    assert [(r.title, r.starts, r.cutoff, r.added, r.potential) for r in content.rounds] == [
        ("รอบ 6 เดือน", "1 ส.ค. 2566", "28 ก.พ. 2567", "66.5", "66.5"),
        ("รอบ 12 เดือน", "1 ส.ค. 2566", "31 ก.ค. 2567", "53.5", "120"),
    ]
    assert [row.code for row in content.items] == [item.code for item in fw2567.items]
    for row, item in zip(content.items, fw2567.items, strict=True):
        assert row.title == item.title.th
        # the round split adds up to the item's points
        split = [Decimal(re.search(r"([\d.]+) คะแนน$", part)[1]) for part in row.split]
        assert sum(split) == item.max_points, item.code
        assert [line.text for line in row.lines] == [line.text.th for line in item.lines]
        assert row.assumptions == [a.text.th for a in item.assumptions]
    by_code = {row.code: row for row in content.items}
    assert by_code["1.2.2"].split == ["รอบ 6 เดือน 1 คะแนน", "รอบ 12 เดือน 1 คะแนน"]
    assert by_code["1.1.3"].split == ["รอบ 12 เดือน 2 คะแนน"]
    assert "สูงสุด 10 คะแนน" in [line.points for line in by_code["7.3"].lines]
    assert "การสมัครรับรางวัล/ส่งผลงานประกวด: หน่วยงานสังกัด กษ. 1 คะแนน (ถ้าเกี่ยวข้องกับภารกิจของหน่วยงาน 2 คะแนน)" in (
        by_code["7.3"].scales
    )
    assert by_code["1.1.1"].source_note.startswith("แหล่งต้นฉบับไม่มีคอลัมน์แนวทางการดำเนินการ")
    assert content.assumptions == [a.text.th for a in fw2567.assumptions]


def test_the_fiscal_year_is_the_one_of_the_last_cutoff(fw2567):
    assert fiscal_year_be(fw2567) == 2567
    data = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), FRAMEWORK_FILE.name)
    data["rounds"][-1]["cutoff"] = "2024-10-15"  # after 1 October: the next fiscal year
    assert fiscal_year_be(parse_framework(dump_framework(data), "late.yaml")) == 2568


def test_the_html_is_thai_at_official_sizes_with_page_numbers(fw2567):
    html = guideline_html(fw2567)
    assert '<html lang="th">' in html
    assert "font-size: 16pt" in html and 'counter(page) "/" counter(pages)' in html
    assert (FONTS / "Sarabun-Regular.ttf").as_uri() in html
    assert html.count('<tr class="item" id="item-') == html.count('<tr class="scoring">') == len(fw2567.items)
    assert "<th>รายการ</th><th>แนวทางการดำเนินการ</th><th>ตัวอย่าง/หลักฐาน</th>" in html


def test_text_from_the_framework_is_escaped_in_the_html(fw2567):
    data = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), FRAMEWORK_FILE.name)
    data["dimensions"][0]["items"][0]["items"][0]["title_th"] = '<script>x</script> "ข้อ"'
    data["title_th"] = 'ปี 2567 "</style><b>'
    html = guideline_html(parse_framework(dump_framework(data), "x.yaml"))
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    style = html.split("</style>")[0]
    assert "<b>" not in style and '"</style>' not in style  # the running header's CSS string stays a string


# -- Word ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fy2567_docx(fw2567) -> bytes:
    return guideline_docx(fw2567)


def test_the_docx_opens_and_holds_every_item_title_in_its_tables(fw2567, fy2567_docx):
    paragraphs, cells = docx_text(fy2567_docx)
    assert "คำอธิบายแนวทางการดำเนินงาน" in paragraphs and "ปีงบประมาณ พ.ศ. 2567" in paragraphs
    for item in fw2567.items:
        assert any(cell.startswith(f"{item.code} {item.title.th}\n") for cell in cells), item.code
    assert all(any(date in cell for cell in cells) for date in DATES)
    opened = docx.Document(io.BytesIO(fy2567_docx))
    headings = [p.text for p in opened.paragraphs if p.style.name == "Heading 1"]
    assert [h for h in headings if h.startswith("ด้านที่")] == [
        f"ด้านที่ {d.code} {d.title.th} ({d.points} คะแนน)" for d in fw2567.dimensions
    ]
    first = opened.tables[2]  # the title page's rounds, the summary, then dimension 1
    assert [cell.text for cell in first.rows[0].cells] == ["รายการ", "แนวทางการดำเนินการ", "ตัวอย่าง/หลักฐาน"]
    assert first.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None  # repeats on each page


def test_the_docx_is_a4_in_sarabun_for_thai_with_page_numbers(fy2567_docx):
    opened = docx.Document(io.BytesIO(fy2567_docx))
    section = opened.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    qn = docx.oxml.ns.qn
    normal = opened.styles["Normal"].element.rPr
    fonts = normal.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Sarabun"}
    assert normal.find(qn("w:szCs")).get(qn("w:val")) == "32"  # 16 pt for Thai, a complex script
    assert normal.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    heading = opened.styles["Heading 1"].element.rPr
    assert heading.find(qn("w:rFonts")).get(qn("w:cs")) == "Sarabun"
    assert heading.find(qn("w:rFonts")).get(qn("w:cstheme")) is None
    assert heading.find(qn("w:bCs")) is not None
    footer = section.footer.paragraphs[0]._p.xml
    assert "หน้า " in footer and " PAGE " in footer and " NUMPAGES " in footer


def test_the_docx_carries_sarabun_as_word_embeds_fonts(fy2567_docx):
    with zipfile.ZipFile(io.BytesIO(fy2567_docx)) as package:
        table = package.read("word/fontTable.xml").decode()
        settings = package.read("word/settings.xml").decode()
        embedded = package.read("word/fonts/font1.odttf")
        rels = package.read("word/_rels/fontTable.xml.rels").decode()
    key = re.search(r'<w:embedRegular r:id="(rId\d+)" w:fontKey="\{([0-9A-F-]+)\}"', table)
    assert key and f'Id="{key[1]}"' in rels and "fonts/font1.odttf" in rels
    assert "<w:embedTrueTypeFonts/>" in settings
    # Undo the obfuscation as a reader does (ECMA-376): the key's bytes, reversed, over 32 bytes.
    reversed_key = bytes.fromhex(key[2].replace("-", ""))[::-1]
    plain = bytes(b ^ reversed_key[i % 16] for i, b in enumerate(embedded[:32])) + embedded[32:]
    assert plain == (FONTS / "Sarabun-Regular.ttf").read_bytes()


def test_the_same_framework_gives_the_same_docx(fw2567, fy2567_docx):
    stream = io.BytesIO()
    write_guideline_docx(fw2567, stream)
    with zipfile.ZipFile(stream) as again, zipfile.ZipFile(io.BytesIO(fy2567_docx)) as first:
        assert again.read("word/document.xml") == first.read("word/document.xml")


def test_a_draft_says_so_on_every_page(fw2567, tmp_path):
    data = guideline_docx(fw2567, note=DRAFT_NOTE)
    opened = docx.Document(io.BytesIO(data))
    assert DRAFT_NOTE in opened.sections[0].header.paragraphs[0].text
    assert DRAFT_NOTE in "\n".join(p.text for p in opened.paragraphs)
    assert DRAFT_NOTE in guideline_html(fw2567, note=DRAFT_NOTE)


def test_a_framework_changed_in_memory_shows_its_new_item_in_the_docx(fw2567):
    changed = with_new_item(fw2567)
    _, cells = docx_text(guideline_docx(changed))
    assert any(
        cell.startswith("7.9 หน่วยงานจัดทำคู่มือการใช้ระบบประเมินผลออนไลน์\n2 คะแนน\nรอบ 12 เดือน 2 คะแนน") for cell in cells
    )
    assert any("รอบ 12 เดือน: มีคู่มือการใช้ระบบอย่างน้อย 1 ฉบับ — 2 คะแนน" in cell for cell in cells)
    assert "122 คะแนน" in cells  # the summary's total


# -- PDF (Chromium) --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fy2567_pdf(fw2567) -> bytes:
    return guideline_pdf(fw2567)


@pytest.mark.browser
def test_the_pdf_text_layer_holds_every_item_title_and_the_buddhist_era_dates(
    printing_tools, fw2567, fy2567_pdf, tmp_path
):
    text = pdf_text(fy2567_pdf, tmp_path)
    flattened = flat(text)
    for item in fw2567.items:
        assert flat(f"{item.code} {item.title.th}") in flattened, item.code
    for date in DATES:
        assert date in text
    assert "ปีงบประมาณ พ.ศ. 2567" in text
    assert "สำนัก" in text and "สานัก" not in text  # ำ survives (it does not in WeasyPrint's layer)
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", "-"], input=fy2567_pdf, capture_output=True, check=True
    ).stdout.decode())[1])  # fmt: skip
    assert f"หน้า 1/{pages}" in text and f"หน้า {pages}/{pages}" in text


@pytest.mark.browser
def test_no_thai_mark_strays_into_the_foot_of_a_page(printing_tools, fy2567_pdf, tmp_path):
    """Marks stacked above a line at the top of a page (ที่, ด้) must not also be painted at the foot
    of the page before, where only the page number is (reports/printing.py's pitfall)."""
    boxes = poppler("pdftotext", fy2567_pdf, tmp_path, "-bbox")
    strays = []
    page = 0
    for found in re.finditer(
        r'<page width="[\d.]+" height="([\d.]+)">|<word [^>]*yMax="([\d.]+)">([^<]*)</word>', boxes
    ):
        if found[1]:
            page, bottom_margin_top = page + 1, float(found[1]) - 20 / 25.4 * 72  # 20 mm bottom margin
        elif float(found[2]) > bottom_margin_top and not re.fullmatch(r"หน้า|\d+/\d+", found[3]):
            strays.append((page, found[3]))
    assert page > 20 and strays == []


@pytest.mark.browser
def test_the_pdf_embeds_sarabun(printing_tools, fy2567_pdf, tmp_path):
    fonts = poppler("pdffonts", fy2567_pdf, tmp_path)
    assert "Sarabun-Regular" in fonts and "Sarabun-Bold" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


@pytest.mark.browser
def test_a_framework_changed_in_memory_shows_its_new_item_in_the_pdf(printing_tools, fw2567, tmp_path):
    text = pdf_text(guideline_pdf(with_new_item(fw2567)), tmp_path)
    assert flat("7.9 หน่วยงานจัดทำคู่มือการใช้ระบบประเมินผลออนไลน์") in flat(text)
    assert "122 คะแนน" in text


# -- LibreOffice opens the .docx -------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_converts_the_docx_to_pdf_with_every_title(soffice, fw2567, fy2567_docx, tmp_path):
    source = tmp_path / "guideline.docx"
    source.write_bytes(fy2567_docx)
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: runs in parallel do not collide
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = tmp_path / "guideline.pdf"
    assert done.returncode == 0 and converted.exists(), done.stderr
    pdf = converted.read_bytes()
    flattened = flat(poppler("pdftotext", pdf, tmp_path, "-raw", "-enc", "UTF-8"))
    for item in fw2567.items:
        assert flat(f"{item.code} {item.title.th}") in flattened, item.code
    assert "Sarabun" in poppler("pdffonts", pdf, tmp_path)  # the embedded font, not a fallback


# -- the console command ---------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``pramern`` from this checkout, as a user runs it: no Django project in its environment."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "pramern.cli", *args], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )


def test_the_command_writes_the_docx(fw2567, tmp_path):
    out = tmp_path / "แนวทาง.docx"
    done = run_cli("framework", "document", str(FRAMEWORK_FILE), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "oae-2567@1" in done.stdout
    _, cells = docx_text(out.read_bytes())
    assert all(any(cell.startswith(f"{item.code} {item.title.th}") for cell in cells) for item in fw2567.items)


@pytest.mark.browser
def test_the_command_writes_the_pdf(printing_tools, fw2567, tmp_path):
    out = tmp_path / "guideline.pdf"
    done = run_cli("framework", "document", str(FRAMEWORK_FILE), "-o", str(out))
    assert done.returncode == 0, done.stderr
    text = flat(pdf_text(out.read_bytes(), tmp_path))
    assert all(flat(f"{item.code} {item.title.th}") in text for item in fw2567.items)


def test_the_command_refuses_a_broken_framework_with_exit_2(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        FRAMEWORK_FILE.read_text(encoding="utf-8").replace("count(followups) >= 2", "count(folowups) >= 2", 1),
        encoding="utf-8",
    )
    out = tmp_path / "out.docx"
    done = run_cli("framework", "document", str(broken), "-o", str(out))
    assert done.returncode == 2
    assert "item 1.1.2: lines[1].when: column 7: unknown name 'folowups'" in done.stderr
    assert done.stdout == "" and not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.txt"], "out.txt: the output must end in .pdf or .docx"),
        (["-o", "/nonexistent-folder/out.docx"], "/nonexistent-folder/out.docx: No such file or directory"),
    ],
)
def test_the_command_refuses_an_output_it_cannot_write_with_exit_2(args, message):
    done = run_cli("framework", "document", str(FRAMEWORK_FILE), *args)
    assert done.returncode == 2
    assert message in done.stderr


def test_the_command_refuses_a_missing_file_with_exit_2(tmp_path):
    done = run_cli("framework", "document", str(tmp_path / "none.yaml"), "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert "none.yaml: No such file or directory" in done.stderr


# -- the framework page's downloads ------------------------------------------------------------


@pytest.fixture
def no_made_guidelines():
    """Each test makes its documents afresh (the views keep them per framework content)."""
    from pramern.frameworks import views

    views._MADE.clear()
    yield
    views._MADE.clear()


def test_the_framework_page_links_both_documents(client, world):
    page = client.get("/frameworks/oae-2567/1/").content.decode()
    # the PDF's link without ``download``: the "printer busy" page must show (tests/browser/test_pdf_busy_flow.py)
    assert '<a href="/frameworks/oae-2567/1/guideline.pdf">คำอธิบายแนวทางการดำเนินงาน (PDF)</a>' in page
    assert '<a href="/frameworks/oae-2567/1/guideline.docx" download>คำอธิบายแนวทางการดำเนินงาน (Word)</a>' in page


@pytest.mark.django_db
def test_the_docx_download_has_the_access_of_the_framework_page(client, world, no_made_guidelines):
    """Three steps, as the framework page itself: the guideline is public, so anonymous and every
    role get it; a framework that is not installed is 404."""
    url = "/frameworks/oae-2567/1/guideline.docx"
    anonymous = client.get(url)
    assert anonymous.status_code == client.get("/frameworks/oae-2567/1/").status_code == 200
    assert client.get("/frameworks/oae-2599/1/guideline.docx").status_code == 404
    assert client.get("/frameworks/oae-2567/9/guideline.docx").status_code == 404
    for person in (world.alice, world.bob, world.eve, world.adam):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == guideline_document.DOCX_CONTENT_TYPE
    name = quote("คำอธิบายแนวทางการดำเนินงาน-oae-2567-1.docx")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{name}"
    _, cells = docx_text(response.content)
    assert any(cell.startswith("1.1.1 หน่วยงานมีแนวทางในการป้องกันการทุจริต") for cell in cells)


@pytest.mark.browser
@pytest.mark.django_db
def test_the_pdf_download(client, world, printing_tools, tmp_path, no_made_guidelines):
    response = client.get("/frameworks/oae-2567/1/guideline.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('คำอธิบายแนวทางการดำเนินงาน-oae-2567-1.pdf')}"
    )
    assert flat("1.1.1 หน่วยงานมีแนวทางในการป้องกันการทุจริต") in flat(pdf_text(response.content, tmp_path))
    assert client.get("/frameworks/oae-2599/1/guideline.pdf").status_code == 404
