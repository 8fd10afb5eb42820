"""An officer searches from the header and opens a result; the bell shows the unread count and
opens the inbox (desktop and phone)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pramern.assessments.models import Record
from pramern.notifications.services import deliver
from tests.browser.steps import log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_search_from_the_header_and_open_the_inbox(page, live_server, world, width, assert_accessible):
    Record.objects.create(
        assessment=world.a,
        item_code="1.2.2",
        fact="followups",
        date=dt.date(2024, 3, 1),
        title="จัดทำแผนปฏิบัติงานประจำปีของสำนัก",
    )
    Record.objects.create(
        assessment=world.b, item_code="1.2.2", fact="followups", date=dt.date(2024, 3, 1), title="แผนปฏิบัติงานของศูนย์"
    )
    for subject in ("ใกล้กำหนดส่งรอบ 6 เดือน", "รอบ 6 เดือน ถูกส่งกลับให้แก้ไข"):
        deliver("deadline", [world.alice], lambda subject=subject: (subject, ""), link=f"/a/{world.a.pk}/")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "alice")

    header = page.locator("header.site")
    open_menu(page)  # on a phone the search box is in the menu
    header.get_by_role("searchbox", name="ค้นหา").fill("ปฏิบัติงาน")
    header.get_by_role("button", name="ค้นหา", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    results = page.locator("main")
    assert results.get_by_role("heading", name="ข้อมูลที่บันทึก").is_visible()
    assert results.get_by_text("แผนปฏิบัติงานของศูนย์").count() == 0  # another unit's
    assert_accessible(page)
    results.get_by_role("link", name="จัดทำแผนปฏิบัติงานประจำปีของสำนัก").click()
    page.wait_for_url(re.compile(rf"/a/{world.a.pk}/items/1\.2\.2/$"))

    # the bell is outside the menu: its count shows on a phone without opening anything
    bell = header.get_by_role("link", name="การแจ้งเตือน 2 รายการยังไม่อ่าน")
    assert bell.is_visible() and bell.locator("#bell-count").inner_text() == "2"
    assert header.locator("details.menu a.bell").count() == 0
    assert header.bounding_box()["height"] <= (64 if width == 390 else 200)
    bell.click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    assert page.get_by_text("ยังไม่อ่าน 2 รายการ").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="ทำเครื่องหมายว่าอ่านแล้วทั้งหมด").click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    assert page.get_by_text("ยังไม่อ่าน 0 รายการ").is_visible()
    assert header.get_by_role("link", name="การแจ้งเตือน", exact=True).is_visible()
    assert header.locator("#bell-count").count() == 0
    width_used = page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width + 1


@pytest.mark.parametrize("width", [1366, 390])
def test_help_and_glossary_read_well(page, live_server, world, width, assert_accessible):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "bob")
    open_menu(page)
    page.locator("header.site").get_by_role("link", name="ความช่วยเหลือ", exact=True).click()
    page.wait_for_url(re.compile(r"/help/$"))
    assert page.get_by_role("heading", name="ปฏิทินรอบการประเมินและกำหนดส่ง").is_visible()
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="อภิธานศัพท์").click()
    page.wait_for_url(re.compile(r"/help/glossary/$"))
    assert page.get_by_text("คะแนนที่รับรอง", exact=True).is_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
