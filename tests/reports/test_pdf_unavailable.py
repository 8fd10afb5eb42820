"""A PDF asked for in a page that cannot be printed now (reports/middleware.py): every print slot
of the host taken by another process -> 503 with Retry-After and the Thai "printer busy" page;
Chromium failing -> the "could not print" page, logged with the request id. Access is still
checked first, and the PDF prints once a slot is free."""

from __future__ import annotations

import logging
import shutil
import time

import pytest

from pramern.frameworks import views as framework_views
from pramern.organizations.models import Role
from pramern.reports.middleware import RETRY_AFTER
from pramern.studio import services as studio_services
from tests.factories import person
from tests.printslots import slot_taken

BUSY_TH = "เครื่องพิมพ์ PDF ไม่ว่าง"
NOTHING_LOST_TH = "ไม่มีข้อมูลใดสูญหาย"
FAILED_TH = "พิมพ์ PDF ไม่สำเร็จ"
TELL_ADMIN_TH = "โปรดแจ้งผู้ดูแลระบบ"


@pytest.fixture
def one_slot(web_process, settings):
    """A web process with one print slot, waiting a fraction of a second for it."""
    settings.PDF_WEB_SLOTS = 1
    settings.PDF_WEB_WAIT = 0.3
    return web_process


@pytest.mark.browser
def test_a_busy_printer_answers_503_and_prints_once_a_slot_is_free(tools, one_slot, client, world):
    url = f"/a/{world.a.pk}/scorecard.pdf"
    came_from = f"http://testserver/a/{world.a.pk}/"
    client.force_login(world.alice)
    with slot_taken(one_slot):
        started = time.monotonic()
        response = client.get(url, HTTP_REFERER=came_from)
        waited = time.monotonic() - started

        client.force_login(world.bob)  # another unit's officer: refused before any printing
        refused = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert waited < 10  # PDF_WEB_WAIT, not the print's TIMEOUT (60 s)
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert f"<title>{BUSY_TH}" in page and NOTHING_LOST_TH in page
    assert f'href="{url}">ลองอีกครั้ง</a>' in page
    assert f'href="{came_from}">กลับไปหน้าก่อนหน้า</a>' in page
    assert refused.status_code == 404

    client.force_login(world.alice)
    printed = client.get(url)  # the slot is free again
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")


def test_the_try_again_page_leads_back_to_the_start_page_without_a_page_of_this_site(one_slot, settings, client, world):
    settings.CHROMIUM = shutil.which("false")  # reaches Chromium only through a free slot
    url = f"/a/{world.a.pk}/scorecard.pdf"
    client.force_login(world.alice)
    with slot_taken(one_slot):
        elsewhere = client.get(url, HTTP_REFERER="https://evil.example/")
        again = client.get(url, HTTP_REFERER=f"http://testserver{url}")  # "try again" on this page
    for response in (elsewhere, again):
        assert response.status_code == 503
        assert 'href="/">กลับไปหน้าก่อนหน้า</a>' in response.content.decode()


def test_every_pdf_of_a_page_answers_the_busy_page(one_slot, settings, client, world, monkeypatch):
    """The score card, a framework's guideline (public) and a draft's guideline (the studio)."""
    settings.CHROMIUM = shutil.which("false")
    monkeypatch.setattr(framework_views, "_MADE", {})  # no guideline printed by an earlier test
    editor = person("fern", Role.Kind.FRAMEWORK_EDITOR)
    draft = studio_services.start_draft(world.framework, "oae-2570", "1", editor)
    asked = [
        (world.alice, f"/a/{world.a.pk}/scorecard.pdf"),
        (None, f"/frameworks/{world.framework.code}/{world.framework.version}/guideline.pdf"),
        (editor, f"/studio/d/{draft.pk}/guideline.pdf"),
    ]
    with slot_taken(one_slot):
        for user, url in asked:
            if user is None:
                client.logout()
            else:
                client.force_login(user)
            response = client.get(url)
            assert response.status_code == 503, url
            assert BUSY_TH in response.content.decode(), url


def test_a_failing_chromium_shows_the_could_not_print_page_and_logs_it(one_slot, settings, client, world, caplog):
    settings.CHROMIUM = shutil.which("false")
    client.force_login(world.alice)
    with caplog.at_level(logging.ERROR, logger="pramern.reports.middleware"):
        response = client.get(f"/a/{world.a.pk}/scorecard.pdf", HTTP_X_REQUEST_ID="pdf-failed-1")
    assert response.status_code == 500 and "Retry-After" not in response
    page = response.content.decode()
    assert f"<title>{FAILED_TH}" in page and TELL_ADMIN_TH in page and NOTHING_LOST_TH in page
    assert "<code>pdf-failed-1</code>" in page  # the reference the administrator finds in the log
    [logged] = [r for r in caplog.records if r.name == "pramern.reports.middleware"]
    assert logged.levelname == "ERROR" and logged.request_id == "pdf-failed-1"
    assert "pdf-failed-1" in logged.getMessage() and "exit 1" in logged.getMessage()
    assert logged.exc_info is not None


def test_a_missing_chromium_shows_the_could_not_print_page(one_slot, settings, client, world):
    settings.CHROMIUM = "/nonexistent/chromium"
    client.force_login(world.alice)
    response = client.get(f"/a/{world.a.pk}/scorecard.pdf")
    assert response.status_code == 500 and FAILED_TH in response.content.decode()
