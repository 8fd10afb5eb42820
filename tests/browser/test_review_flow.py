"""The Evaluation Centre verifies a unit in the browser: reject, return, revise, resubmit,
accept, verify, publish; then the executive sees the verified score."""

from __future__ import annotations

import pytest

from pramern.review.services import transition
from tests.browser.steps import log_in, log_out
from tests.factories import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def step(page, action, reason=None):
    """Take a step from a unit's round page: an irreversible one through its confirmation page."""
    irreversible = page.locator(f"a.irreversible[data-action='{action}']")
    if irreversible.count():
        irreversible.click()
        page.wait_for_load_state()
        if reason is not None:
            page.fill("textarea[name=reason]", reason)
        page.check("input[name=confirm]")
        page.click(f"button.irreversible[data-action='{action}']")
    else:
        page.locator(f"form:has(button[data-action='{action}']) button").click()
    page.wait_for_load_state()


def verdict(page, record_pk, status, reason=""):
    """Judge a record on the item page; htmx saves it in place and says so at the record."""
    form = page.locator(f"#record-{record_pk} form.verdict-form")
    form.locator(f"input[name=status][value={status}]").check()
    form.locator("textarea[name=reason]").fill(reason)
    form.locator("button").click()
    page.wait_for_selector(f"#record-{record_pk}-saved:has-text('บันทึกแล้ว')")


def test_evaluator_rejects_returns_accepts_and_publishes(page, live_server, world, tmp_path):
    first = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    second = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    unit_page = f"{live_server.url}/review/a/{world.a.pk}/R12/"
    item_page = f"{unit_page}items/1.2.2/"

    log_in(page, live_server, "eve")
    page.goto(unit_page)
    step(page, "start_review")
    page.goto(item_page)
    verdict(page, first.pk, "accepted")
    verdict(page, second.pk, "rejected", "ไม่มีหลักฐานการเสนอ ผอ.")
    assert page.locator("#verified-points").inner_text() == "1"
    page.goto(unit_page)
    step(page, "return", "แนบบันทึกเสนอ ผอ. ของการติดตามครั้งที่ 2")
    log_out(page)

    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/items/1.2.2/")
    rejected = page.locator(f"#record-{second.pk}")
    assert "ไม่มีหลักฐานการเสนอ ผอ." in rejected.inner_text()
    evidence = tmp_path / "บันทึกเสนอ ผอ.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    rejected.locator("details.record-actions summary").click()
    rejected.locator("input[type=file]").set_input_files(str(evidence))
    rejected.locator("form[hx-encoding] button[type=submit]").click()
    page.wait_for_selector(f"#record-{second.pk} ul.evidence a:has-text('บันทึกเสนอ ผอ.pdf')")
    page.goto(f"{live_server.url}/a/{world.a.pk}/submit/R12/")
    page.check("input[name=confirm]")
    page.click("button.irreversible")
    page.wait_for_load_state()
    log_out(page)

    log_in(page, live_server, "eve")
    page.goto(unit_page)
    step(page, "start_review")
    page.goto(item_page)
    assert "บันทึกเสนอ ผอ.pdf" in page.locator(f"#record-{second.pk}").inner_text()
    verdict(page, second.pk, "accepted")
    assert page.locator("#verified-points").inner_text() == "2"
    page.goto(unit_page)
    step(page, "verify")
    step(page, "publish")
    assert page.locator("#verified-total").inner_text() == "2"
    log_out(page)

    log_in(page, live_server, "xena")
    page.goto(f"{live_server.url}/a/{world.a.pk}/")
    assert page.locator('.verified-total[data-round="R12"]').inner_text() == "2"
