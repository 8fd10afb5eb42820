"""A returned round is no dead end: the director has submitted R12 when the Centre rejects an R6
record and returns R6; the officer corrects the record (R12's lock does not cover it any more),
resubmits R6, and the evaluator accepts the correction and verifies R6. At desktop and phone
widths, with axe-core (no serious or critical violation) on every page of the flow."""

from __future__ import annotations

import re

import pytest

from pramern.assessments.models import UnitRound
from pramern.review.models import Verdict
from pramern.review.services import transition
from tests.browser.steps import log_in, log_out
from tests.browser.test_review_flow import step, verdict
from tests.factories import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_record_of_a_returned_round_is_corrected_resubmitted_and_accepted(
    request, live_server, world, width, assert_accessible
):
    page = request.getfixturevalue("desktop_page" if width == 1366 else "page")
    assert page.viewport_size["width"] == width
    early = record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=False)
    late = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    transition(world.a, "R6", "submit", user=world.dan)
    workspace = f"{live_server.url}/a/{world.a.pk}"
    review = f"{live_server.url}/review/a/{world.a.pk}/R6/"

    log_in(page, live_server, "dan")  # the director submits R12 too
    page.goto(f"{workspace}/submit/R12/")
    assert_accessible(page)  # the confirmation page of an irreversible step
    page.check("input[name=confirm]")
    page.click("button.irreversible")
    page.wait_for_selector(".banner.locked")
    assert_accessible(page)  # the unit's home, read-only
    log_out(page)

    log_in(page, live_server, "eve")  # the Centre rejects the R6 record and returns R6
    page.goto(review)
    assert_accessible(page)  # the round's review page
    step(page, "start_review")
    page.goto(f"{review}items/1.2.2/")
    assert_accessible(page)  # the item's records with their verdict forms
    verdict(page, early.pk, "rejected", "ไม่ได้เสนอ ผอ.")
    assert_accessible(page)  # the rejection and its reason shown inline
    page.goto(review)
    page.click("a.irreversible[data-action='return']")
    page.fill("textarea[name=reason]", "เสนอการติดตามครั้งที่ 1 ต่อ ผอ.")
    assert_accessible(page)  # the return's confirmation page: what happens, who is told
    page.check("input[name=confirm]")
    page.click("button.irreversible[data-action='return']")
    page.wait_for_load_state()
    assert_accessible(page)
    log_out(page)

    log_in(page, live_server, "alice")  # the officer can still correct it
    page.goto(f"{workspace}/items/1.2.2/")
    assert "เสนอการติดตามครั้งที่ 1 ต่อ ผอ." in page.locator(".banner.returned").inner_text()
    assert "28 ก.พ. 2567" in page.locator(".banner.partly").inner_text()
    assert page.locator(f"#record-{late.pk} details.record-actions").count() == 0  # R12's own record stays
    rejected = page.locator(f"#record-{early.pk}")
    assert "ไม่ได้เสนอ ผอ." in rejected.inner_text()
    assert_accessible(page)  # the item page of a returned round: the banners, the rejected record
    rejected.locator("details.record-actions summary").click()
    rejected.get_by_role("link", name="แก้ไข", exact=True).click()
    page.wait_for_selector("#id_followups-presented_to_director")
    assert_accessible(page)  # the record's form
    page.check("#id_followups-presented_to_director")
    page.locator("form:has(#id_followups-date) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/items/1\.2\.2/(\?[^#]*)?(#record-\d+)?$"))  # back at the item, at the record
    assert page.locator(f"#record-{early.pk} .verdict").count() == 0  # the rejection no longer applies
    assert_accessible(page)  # the item again, corrected
    page.goto(f"{workspace}/submit/R6/")
    assert_accessible(page)  # resubmitting: the confirmation page
    page.check("input[name=confirm]")
    page.click("button.irreversible")
    page.wait_for_url(re.compile(rf"/a/{world.a.pk}/$"))
    assert page.locator(".banner.locked").is_visible()  # resubmitted: read-only again
    assert_accessible(page)
    log_out(page)

    log_in(page, live_server, "eve")  # the Centre accepts the correction
    page.goto(review)
    step(page, "start_review")
    page.goto(f"{review}items/1.2.2/")
    assert_accessible(page)  # the item with what changed since the return
    verdict(page, early.pk, "accepted")
    assert page.locator("#verified-points").inner_text() == "1"
    page.goto(review)
    step(page, "verify")
    assert page.locator("#verified-total").inner_text() != "–"
    assert_accessible(page)  # the verified round

    assert Verdict.objects.get(record=early).status == Verdict.Status.ACCEPTED
    states = dict(UnitRound.objects.filter(assessment=world.a).values_list("round_code", "state"))
    assert states == {"R6": UnitRound.State.VERIFIED, "R12": UnitRound.State.SUBMITTED}
