"""The administrator opens FY2570 for three units with Buddhist-era dates; an officer copies last
year's measure (1.2.1) into the new year and sees where it came from; FY2567 is read-only."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pramern.assessments.models import Assessment, Record
from pramern.frameworks.models import RoundSchedule
from tests.assessments.newyear import install_next_year
from tests.browser.steps import log_in, log_out, open_menu
from tests.factories import assessment, record, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_opens_the_year_and_an_officer_carries_a_record_over(page, live_server, world):
    unit_c = unit("oae-c", "ศูนย์ทดสอบ")
    assessment(unit_c, world.framework, staff=30)
    record(world.a, "1.2.1", "measure", "2024-01-10", not_duplicate=True, signed_or_presented=True, published=True)
    fy2570 = install_next_year()

    log_in(page, live_server, "adam")
    open_menu(page)  # on a phone the header links are in the menu
    page.click("header a[href='/years/open/']")
    page.select_option("#id_framework", str(fy2570.pk))
    for box in page.locator("#opening-units input[type=checkbox]").all():
        assert box.is_checked()  # every active unit by default
    page.click("button.primary")
    page.wait_for_selector("#opening-staff")
    assert page.input_value(f"#id_staff_{unit_c.pk}_R6") == "30"  # from last year
    page.fill("#id_deadline_R6", "15/03/2570")
    page.fill("#id_deadline_R12", "31/08/2570")
    page.fill(f"#id_staff_{unit_c.pk}_R12", "33")
    page.click("button.primary")
    page.wait_for_selector("ul.messages")
    assert Assessment.objects.filter(framework=fy2570).count() == 3
    assert RoundSchedule.objects.get(framework=fy2570, round_code="R6").submission_deadline == dt.date(2027, 3, 15)
    assert Assessment.objects.get(framework=fy2570, unit=unit_c).staff_counts == {"R6": 30, "R12": 33}
    log_out(page)

    new = Assessment.objects.get(framework=fy2570, unit=world.unit_a)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/")
    assert "การประเมินของปีที่ผ่านมา" in page.locator(".banner.locked").inner_text()
    page.goto(f"{live_server.url}/a/{new.pk}/")
    page.click(f"a[href='/a/{new.pk}/carry-over/']")
    measure = Record.objects.get(assessment=world.a, item_code="1.2.1")
    page.check(f"#id_pick_{measure.pk}")
    page.fill(f"#id_date_{measure.pk}", "10/11/2569")
    page.click("button.primary")
    page.wait_for_url(re.compile(rf"/a/{new.pk}/$"))
    page.goto(f"{live_server.url}/a/{new.pk}/items/1.2.1/")
    assert "คัดลอกจาก ปี 2567 ข้อ 1.2.1" in page.locator("#fact-measure li.record").first.inner_text()
    assert page.locator('.item-points[data-round="R6"]').inner_text() == "4"  # counted by this year's rules
