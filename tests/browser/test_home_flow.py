"""The unit's first screen answers "what must I do now?", on a desktop and on a phone: the officer
sees the open round's card with the rejected item in red and the Centre's reason; the director
submits from the top card, through the confirmation page. Real browser, server and database."""

from __future__ import annotations

import re

import pytest

from pramern.assessments.models import UnitRound
from pramern.review.services import set_verdict, transition
from tests.browser.steps import log_in, log_out
from tests.factories import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "ไม่พบหลักฐานการเสนอผู้อำนวยการ"


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1366, 390])
def test_officer_sees_the_rejection_and_director_submits_from_the_card(
    page, live_server, world, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    rejected = record(world.a, "1.2.2", "followups", "2024-02-10", title="ติดตามครั้งที่ 1", presented_to_director=False)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verdict(rejected, "rejected", reason=REASON, user=world.eve)
    transition(world.a, "R6", "return", reason="แก้ไขการติดตาม", user=world.eve)

    log_in(page, live_server, "alice")
    page.wait_for_url(re.compile(rf"/a/{world.a.pk}/$"))
    r6 = page.locator("#round-card-R6")
    r6.wait_for()
    # The cards come first, above the score summary.
    assert r6.bounding_box()["y"] < page.locator("#score-R6").bounding_box()["y"]
    assert "ส่งกลับให้แก้ไข" in r6.locator(".round-state").inner_text()
    refused = r6.locator(".round-alert.refused")
    assert "1.2.2" in refused.inner_text() and REASON in refused.inner_text()
    # Red: the error palette of the stylesheet, not the pale default chip.
    assert refused.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 232, 232)"
    chip = page.locator('.chip[data-item="1.2.2"]')
    assert "ศูนย์ประเมินผลไม่รับรอง" in chip.inner_text() and "✗" in chip.inner_text()
    assert chip.evaluate("e => getComputedStyle(e).color") == "rgb(122, 28, 28)"
    # Officers do not submit R12; they see who does.
    r12 = page.locator("#round-card-R12")
    assert r12.locator(".submit-round").count() == 0
    assert "แดน ผู้อำนวยการ (dan)" in r12.locator(".who-submits").inner_text()
    assert_accessible(page)  # no serious or critical axe-core finding (the chips' contrast included)
    refused.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/items/1\.2\.2/#record-{rejected.pk}$"))
    _no_sideways_scroll(page)
    page.goto(f"{live_server.url}/a/{world.a.pk}/")
    _no_sideways_scroll(page)
    log_out(page)

    log_in(page, live_server, "dan")
    page.wait_for_url(re.compile(rf"/a/{world.a.pk}/$"))
    assert_accessible(page)
    page.locator("#round-card-R12 a.submit-round").click()
    page.wait_for_url(re.compile(rf"/a/{world.a.pk}/submit/R12/$"))
    # Opening the confirmation page submits nothing.
    assert not UnitRound.objects.filter(assessment=world.a, round_code="R12").exclude(state="draft").exists()
    page.check("input[name=confirm]")
    page.click("form button.irreversible")
    page.wait_for_url(re.compile(rf"/a/{world.a.pk}/$"))
    assert UnitRound.objects.get(assessment=world.a, round_code="R12").state == "submitted"
    assert page.locator("#round-card-R12").count() == 0  # no longer a task: R6's card remains
    assert "ส่งแล้ว" in page.locator("#score-R12 .round-state").inner_text()
    assert "ยังทำเพิ่มได้อีก" not in page.locator("#score-R12").inner_text()
