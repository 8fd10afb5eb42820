"""A page's PDF while every print slot of the host is taken, in a browser: the link opens the Thai
"printer busy" page (not a failed download), "try again" downloads the PDF once a slot is free,
and the back link returns to the page the PDF was asked from."""

from __future__ import annotations

import pytest

from pramern.frameworks import views as framework_views
from tests.printslots import slot_taken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_busy_printer_shows_its_page_and_trying_again_downloads_the_pdf(
    desktop_page,
    live_server,
    world,
    web_process,
    settings,
    monkeypatch,
):
    settings.PDF_WEB_SLOTS = 1
    settings.PDF_WEB_WAIT = 0.3
    monkeypatch.setattr(framework_views, "_MADE", {})  # the guideline is printed by this test
    framework_page = f"{live_server.url}/frameworks/oae-2567/1/"
    desktop_page.goto(framework_page)

    with slot_taken(web_process):
        desktop_page.get_by_role("link", name="คำอธิบายแนวทางการดำเนินงาน (PDF)").click()
        desktop_page.wait_for_load_state()
        assert desktop_page.url == f"{framework_page}guideline.pdf"
        assert desktop_page.locator("h1").inner_text() == "เครื่องพิมพ์ PDF ไม่ว่าง"

    with desktop_page.expect_download(timeout=60_000) as download:
        desktop_page.get_by_role("link", name="ลองอีกครั้ง").click()
    assert download.value.suggested_filename.endswith(".pdf") and download.value.failure() is None

    desktop_page.get_by_role("link", name="กลับไปหน้าก่อนหน้า").click()
    desktop_page.wait_for_load_state()
    assert desktop_page.url == framework_page
