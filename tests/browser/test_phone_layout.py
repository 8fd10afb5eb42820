"""On a phone the header is one short row with a menu button; tables read as cards; Thai lines
break between words; progress bars are not clipped. On a desktop the menu is the row of links."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.services import add_file_evidence, add_link_evidence
from pramern.reports.scorecards import refresh
from tests.browser.steps import log_in
from tests.browser.thai_lines import mid_word_breaks
from tests.factories import open_rounds, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_phone_header_is_one_row_with_a_menu_button(page, live_server, world):
    log_in(page, live_server, "eve")
    header = page.locator("header.site")
    assert header.bounding_box()["height"] <= 64
    queue_link = header.get_by_role("link", name="รายการรอตรวจ", exact=True)
    assert not queue_link.is_visible()
    menu = header.locator("summary", has_text="เมนู")
    menu.click()
    assert queue_link.is_visible()
    page.keyboard.press("Escape")
    assert not queue_link.is_visible()
    assert menu.evaluate("element => element === document.activeElement")
    menu.focus()
    page.keyboard.press("Enter")  # a keyboard opens it too
    queue_link.click()
    page.wait_for_url("**/review/")


def test_the_phone_menu_works_without_javascript(browser, live_server, world):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "eve")
        link = page.locator("header.site").get_by_role("link", name="รายการรอตรวจ", exact=True)
        assert not link.is_visible()
        page.locator("header.site summary").click()
        assert link.is_visible()
    finally:
        context.close()


def test_the_desktop_header_shows_its_links_without_a_menu_button(desktop_page, live_server, world):
    log_in(desktop_page, live_server, "eve")
    header = desktop_page.locator("header.site")
    assert not header.locator("summary").is_visible()
    assert header.get_by_role("link", name="รายการรอตรวจ", exact=True).is_visible()


def test_tables_become_labelled_cards_on_a_phone(page, live_server, world):
    open_rounds(world.framework)
    refresh(world.a)
    refresh(world.b)
    log_in(page, live_server, "xena")
    page.goto(f"{live_server.url}/dashboard/")
    table = page.locator("#table-heatmap")
    assert "cards" in table.get_attribute("class")
    assert table.locator("tbody tr").first.evaluate("row => getComputedStyle(row).display") == "block"
    labels = table.locator("tbody tr").first.locator("td[data-label]")
    assert labels.count() >= 2
    first_label = labels.first.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert labels.first.get_attribute("data-label") in first_label
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_a_table_that_fits_a_phone_stays_a_table(page, live_server, world):
    open_rounds(world.framework)
    refresh(world.a)
    log_in(page, live_server, "xena")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_load_state("networkidle")
    tables = page.locator("main table")
    kinds = tables.evaluate_all("all => all.map(t => [t.classList.contains('cards'), t.rows[0].cells.length])")
    assert [True for cards, _ in kinds if cards], "the wide tables are cards"
    assert [True for cards, columns in kinds if not cards and columns <= 2], "two-column tables stay tables"


LONG_THAI_PAGES = {
    "alice": ["/a/{a}/", "/a/{a}/items/2.1/", "/a/{a}/submit/R6/"],
    "eve": ["/review/a/{a}/R12/", "/review/a/{a}/R12/items/2.1/"],
    "xena": ["/dashboard/"],
}


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("persona", sorted(LONG_THAI_PAGES))
def test_thai_lines_break_only_between_words(page, live_server, world, persona, width):
    open_rounds(world.framework)
    refresh(world.a)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, persona)
    found = {}
    for path in LONG_THAI_PAGES[persona]:
        page.goto(live_server.url + path.format(a=world.a.pk))
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        if broken := mid_word_breaks(page):
            found[path] = broken
    assert found == {}


LONG_FILE = "รายงานผลการดำเนินงานตามแผนปฏิบัติงานประจำปีงบประมาณของสำนักวิจัยเศรษฐกิจการเกษตร.pdf"
LONG_URL = "https://www.oae.go.th/assets/portals/1/files/" + "a1b2c3d4e5" * 8 + "/report.pdf"
BREAK_ALL = "(selector) => document.querySelectorAll(selector).forEach((e) => { e.style.wordBreak = 'break-all'; })"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("width", [390, 1366])
def test_thai_file_names_break_between_words_in_the_evidence_library(page, live_server, world, width):
    """Long Thai file names and record titles wrap between words; a long URL wraps too (it has no
    words) rather than widening the page."""
    rec = record(
        world.a,
        "1.2.2",
        "followups",
        "2024-03-15",
        title="การติดตามผลการดำเนินงานตามแผนปฏิบัติงานประจำปีของสำนัก",
        presented_to_director=True,
    )
    add_file_evidence(world.a, SimpleUploadedFile(LONG_FILE, PDF), user=world.alice, records=[rec])
    add_link_evidence(world.a, LONG_URL, user=world.alice, title="รายงานการประชุมคณะทำงานแผนปฏิบัติงาน", records=[rec])
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/evidence/")
    page.evaluate("document.fonts.ready.then(() => true)")
    table = page.locator("table.library")
    assert table.get_by_text(LONG_FILE).first.is_visible()
    assert mid_word_breaks(page, "table.library") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.evaluate(BREAK_ALL, "table.library td")  # told to break anywhere, the measure must see it
    assert mid_word_breaks(page, "table.library") != []


def test_thai_file_names_break_between_words_in_the_chosen_files_list(page, live_server, world, tmp_path):
    """The files picked for a record are listed by name (evidence.js): a long Thai name wraps
    between words at 390 px."""
    files = [tmp_path / LONG_FILE, tmp_path / "ภาพถ่ายการประชุมติดตามผลการดำเนินงานตามแผนปฏิบัติงาน.png"]
    for path in files:
        path.write_bytes(PDF)
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/items/1.2.2/")
    page.click("#fact-followups details.add summary")
    form = page.locator("#fact-followups form.record-form")
    form.locator("input[type=file]").set_input_files([str(path) for path in files])
    chosen = form.locator(".chosen-files li")
    assert chosen.count() == 2
    page.evaluate("document.fonts.ready.then(() => true)")
    lines = chosen.first.evaluate(
        "li => Math.round(li.getBoundingClientRect().height / parseFloat(getComputedStyle(li).lineHeight))"
    )
    assert lines >= 2  # the name is long enough to wrap on a phone: the measure below has breaks to judge
    assert mid_word_breaks(page, "#fact-followups .chosen-files") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate(BREAK_ALL, "#fact-followups .chosen-files li")
    assert mid_word_breaks(page, "#fact-followups .chosen-files") != []


def test_the_measure_sees_a_word_broken_in_two(page, live_server, world):
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/items/2.1/")
    assert mid_word_breaks(page, "h1") == []
    # a narrow heading told to break anywhere: the measure must catch it
    page.evaluate(
        "() => { const h = document.querySelector('h1'); h.style.overflowWrap = 'anywhere'; h.style.wordBreak = 'break-all'; h.style.width = '7.3em'; }"
    )
    assert mid_word_breaks(page, "h1") != []


CLIPPED = """() => Array.from(document.querySelectorAll("main .meter, main progress")).filter((bar) => {
  const box = bar.getBoundingClientRect();
  if (box.width < 48 || box.left < 0 || box.right > window.innerWidth) return true;
  for (let up = bar.parentElement; up; up = up.parentElement) {
    const style = getComputedStyle(up);
    if (style.overflowX === "visible" && style.overflowY === "visible") continue;
    const frame = up.getBoundingClientRect();
    if (box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1 || box.bottom > frame.bottom + 1) return true;
  }
  return false;
}).length"""


@pytest.mark.parametrize("width", [390, 1366])
def test_progress_bars_are_not_clipped(page, live_server, world, width):
    open_rounds(world.framework)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("main .meter").count() >= 2
    assert page.evaluate(CLIPPED) == 0
