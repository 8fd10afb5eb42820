"""A framework editor clones FY2567 in the studio, saves a mistake and sees the validation panel
and the revisions follow without a reload (htmx, under the Content-Security-Policy), fixes it,
compares the revisions and publishes the new version."""

from __future__ import annotations

import re

import pytest

from pramern.frameworks.models import Framework
from pramern.organizations.models import Role
from pramern.studio.models import FrameworkDraft
from tests.browser.steps import log_in, open_menu
from tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_framework_editor_clones_checks_and_publishes_next_years_framework(page, live_server, world):
    person("fern", Role.Kind.FRAMEWORK_EDITOR)
    log_in(page, live_server, "fern")
    open_menu(page)  # on a phone the header links are in the menu
    page.click("header a[href='/studio/']")
    page.fill("#id_clone-code", "oae-2570")
    page.click("#start-clone button.primary")
    page.wait_for_url(re.compile(r"/studio/d/\d+/$"))
    draft = FrameworkDraft.objects.get()
    assert "ไม่พบปัญหา" in page.locator("#check").inner_text()

    page.fill("#id_fw-total_points", "121")
    page.fill("#id_summary", "ลองเปลี่ยนคะแนนเต็ม")
    page.click("#draft-fields button.primary")
    page.wait_for_selector("#check.failing")  # the panel refreshed itself after the save
    assert "121" in page.locator("#check").inner_text()
    assert "ลองเปลี่ยนคะแนนเต็ม" in page.locator("#revisions").inner_text()
    assert page.input_value("#id_fw-total_points") == "121"

    page.fill("#id_fw-total_points", "120")
    page.fill("#id_fw-title_en", "OAE unit development, fiscal year 2570")
    page.fill("#id_summary", "แก้กลับ")
    page.click("#draft-fields button.primary")
    page.wait_for_selector("#check.ok")
    assert draft.revisions.count() == 3

    page.click(f"#revisions a[href='/studio/d/{draft.pk}/diff/?old=2&new=3']")
    assert "+title_en: OAE unit development, fiscal year 2570" in page.locator("pre.diff").inner_text()

    page.goto(f"{live_server.url}/studio/d/{draft.pk}/publish/")
    page.check("#id_confirm")
    page.click("button.primary")
    page.wait_for_url(re.compile(rf"/studio/d/{draft.pk}/$"))
    assert "ประกาศใช้แล้ว" in page.locator(".banner.locked").inner_text()
    assert Framework.objects.filter(code="oae-2570", version="1").exists()
