"""An evaluator works from "my queue": the units an administrator assigned, across years and
rounds; opens one, and returns it through the confirmation page. At desktop and phone widths."""

from __future__ import annotations

import re

import pytest

from pramern.assessments.models import UnitRound
from pramern.review.services import assign_evaluator, transition
from tests.browser.steps import log_in
from tests.factories import person, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_evaluator_returns_a_unit_from_my_queue_through_the_confirmation(
    page, live_server, world, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    record(world.a, "1.2.2", "followups", "2024-02-10")
    record(world.b, "1.2.2", "followups", "2024-02-10")
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.b, "R6", "submit", user=person("dora", "director", world.unit_b))
    assign_evaluator(world.a, world.eve, user=world.adam)

    log_in(page, live_server, "eve")
    page.goto(f"{live_server.url}/review/")
    assert page.locator("h1").inner_text() == "งานของฉัน"
    assert page.locator(f"#row-{world.a.pk}-R6").is_visible() and page.locator(f"#row-{world.a.pk}-R12").is_visible()
    assert page.locator(f"#row-{world.b.pk}-R6").count() == 0  # not assigned to eve
    assert_accessible(page)
    assert "eve" in page.locator(f"#row-{world.a.pk}-R6 td.evaluator").inner_text()
    assert page.locator(f"#row-{world.a.pk}-R6 td.unverdicted").inner_text().startswith("1")
    page.click("#tab-all")
    page.wait_for_selector(f"#row-{world.b.pk}-R6")
    page.click("#tab-mine")
    page.wait_for_selector(f"#row-{world.a.pk}-R6")

    page.click(f"#row-{world.a.pk}-R6 a[href$='/R6/']")
    page.wait_for_url(re.compile(rf"/review/a/{world.a.pk}/R6/$"))
    page.locator("button[data-action='start_review']").click()
    page.wait_for_load_state()
    return_link = page.locator("a.irreversible[data-action='return']")
    assert return_link.is_visible()
    return_link.click()
    page.wait_for_url(re.compile(r"/step/return/$"))
    assert page.locator("#step-unit").inner_text() == "สำนักวิจัยเศรษฐกิจการเกษตร"
    assert "รอบ 6 เดือน" in page.locator("#step-round").inner_text()
    assert_accessible(page)
    button = page.locator("button.irreversible[data-action='return']")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width  # on the screen, phone included
    page.fill("textarea[name=reason]", "แนบบันทึกเสนอ ผอ.\nของการติดตามครั้งที่ 1")
    button.click()  # the box is not ticked: the browser refuses to send the form
    assert page.locator("input[name=confirm]").evaluate("box => box.validity.valueMissing")
    assert page.url.endswith("/step/return/")
    page.check("input[name=confirm]")
    button.click()
    page.wait_for_url(re.compile(rf"/review/a/{world.a.pk}/R6/$"))
    assert "ส่งรอบนี้กลับให้หน่วยงานแก้ไขแล้ว" in page.locator("ul.messages").inner_text()
    unit_round = UnitRound.objects.get(assessment=world.a, round_code="R6")
    assert unit_round.state == "returned" and unit_round.return_reason == "แนบบันทึกเสนอ ผอ.\nของการติดตามครั้งที่ 1"


@pytest.mark.parametrize("width", [1366, 390])
def test_an_administrator_assigns_a_unit_from_the_queue(page, live_server, world, width, assert_accessible):
    page.set_viewport_size({"width": width, "height": 900})
    transition(world.a, "R12", "submit", user=world.dan)
    log_in(page, live_server, "adam")
    page.goto(f"{live_server.url}/review/?round=R12")
    row = page.locator(f"#row-{world.a.pk}-R12")
    assert "ยังไม่มอบหมาย" in row.locator("td.evaluator").inner_text()
    assert_accessible(page)
    row.locator("select[name=evaluator]").select_option(str(world.eve.pk))
    row.locator("form.assign-form button").click()
    page.wait_for_selector("ul.messages")
    assert "มอบหมาย สำนักวิจัยเศรษฐกิจการเกษตร ให้ eve แล้ว" in page.locator("ul.messages").inner_text()
    assert page.url.endswith("/review/?round=R12")  # back to the same filters
    assert page.locator(f"#row-{world.a.pk}-R12 span.assignee").inner_text() == "eve"
