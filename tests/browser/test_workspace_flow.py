"""An officer records two follow-ups with evidence and sees the score rise; the director
submits and the workspace becomes read-only. Real browser, real server, real database."""

from __future__ import annotations

import re

import pytest

from pramern.review.services import transition
from tests.browser.steps import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def r12_total(page):
    return float(page.locator("#score-R12 .total").inner_text())


def test_officer_records_follow_ups_and_director_submits(page, live_server, world, tmp_path):
    transition(world.a, "R6", "submit", user=world.dan)  # R6 is done: the unit works on R12
    evidence = tmp_path / "บันทึกติดตามผล.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    log_in(page, live_server, "alice")
    page.wait_for_url(re.compile(rf"/a/{world.a.pk}/$"))
    before = r12_total(page)

    page.goto(f"{live_server.url}/a/{world.a.pk}/items/1.2.2/")
    points = page.locator('.item-points[data-round="R12"]')
    assert points.inner_text() == "0"

    for date in ("15/03/2567", "20/05/2567"):
        page.click("#fact-followups details.add summary")
        page.fill("#id_followups-date", date)
        page.check("#id_followups-presented_to_director")
        page.click("#fact-followups form.record-form button[type=submit]")
        page.wait_for_selector(f"#fact-followups li.record >> text={date.split('/')[0].lstrip('0')} ")
    assert points.inner_text() == "2"  # recomputed by htmx, no reload

    first = page.locator("#fact-followups li.record").first
    first.locator("details.record-actions summary").click()
    first.locator("input[type=file]").set_input_files(str(evidence))
    first.locator("form[hx-encoding] button[type=submit]").click()
    page.wait_for_selector("text=บันทึกติดตามผล.pdf")

    page.goto(f"{live_server.url}/a/{world.a.pk}/")
    assert r12_total(page) == before + 2

    log_out(page)
    log_in(page, live_server, "dan")
    page.goto(f"{live_server.url}/a/{world.a.pk}/submit/R12/")
    page.check("input[name=confirm]")
    page.click("button.irreversible")
    page.wait_for_selector(".banner.locked")

    page.goto(f"{live_server.url}/a/{world.a.pk}/items/1.2.2/")
    assert page.locator(".banner.locked").is_visible()
    assert page.locator("details.add").count() == 0  # no way to add
    log_out(page)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/items/1.2.2/")
    assert "อ่านอย่างเดียว" in page.locator(".banner.locked").inner_text()
    assert page.locator("details.record-actions").count() == 0
