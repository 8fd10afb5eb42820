"""Issue 12, sessions: on a phone a person finds their signed-in devices in the menu and logs
another device out; the page passes axe at 390 px."""

from __future__ import annotations

import pytest

from tests.browser.steps import log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.identity, pytest.mark.django_db(transaction=True)]


def test_a_person_logs_another_device_out_from_the_phone(page, desktop_page, live_server, world, assert_accessible):
    log_in(desktop_page, live_server, "alice")
    log_in(page, live_server, "alice")
    open_menu(page)
    page.locator("header.site").get_by_role("link", name="อุปกรณ์ที่เข้าสู่ระบบ", exact=True).click()
    page.wait_for_url("**/account/sessions/")
    cards = page.locator("ul.sessions > li")
    assert cards.count() == 2
    assert "อุปกรณ์นี้" in cards.first.inner_text() and "Chrome บน Linux" in cards.first.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="สั่งออกจากระบบ").click()
    page.wait_for_load_state()
    assert "ออกจากระบบอุปกรณ์นั้นแล้ว" in page.locator("main").inner_text()
    assert page.locator("ul.sessions > li").count() == 1
    desktop_page.goto(f"{live_server.url}/account/sessions/")
    assert "/login/" in desktop_page.url
