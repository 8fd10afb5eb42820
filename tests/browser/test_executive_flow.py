"""The executive's first screen and dashboard in the browser, at desktop and phone widths: every
unit with its state and totals, then the ranking by verified score where published (issue 11)."""

from __future__ import annotations

import pytest

from tests.browser.steps import log_in
from tests.factories import verified_below_its_claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A = "สำนักวิจัยเศรษฐกิจการเกษตร"
B = "ศูนย์สารสนเทศการเกษตร"


@pytest.mark.parametrize("width", [1366, 390])
def test_the_executive_sees_every_unit_then_the_verified_ranking(page, live_server, world, width, assert_accessible):
    verified_below_its_claim(world, publish=True)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "xena")

    # the first screen: every unit, its state, totals and deadline for the chosen round
    page.select_option("select[name=round]", "R12")
    page.click("#units-filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("#table-units tbody tr")
    assert rows.count() == 2
    a = page.locator("#table-units tbody tr", has_text=A)
    assert a.locator("td[data-label='สถานะ']").inner_text().strip() == "ประกาศผลแล้ว"
    assert a.locator("td[data-label='ประเมินตนเอง']").inner_text().strip() == "2"
    assert a.locator("td[data-label='ผลการตรวจรับรอง']").inner_text().strip() == "1"
    b = page.locator("#table-units tbody tr", has_text=B)
    assert b.locator("td[data-label='สถานะ']").inner_text().strip() == "กำลังดำเนินการ"
    assert b.locator("td[data-label='ประเมินตนเอง']").inner_text().strip() == "2*"
    assert "เหลืออีก" in b.locator("td[data-label='กำหนดส่ง']").inner_text()
    assert page.locator("p.legend").is_visible()
    # nothing wider than the screen: the rows are cards on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 390:
        assert page.locator("#table-units thead").is_hidden()
        assert a.locator("td[data-label='ผลการตรวจรับรอง']").bounding_box()["width"] > 300

    assert_accessible(page)
    # filter by state with the counts
    page.click(".stage-counts a:has-text('ประกาศผลแล้ว 1')")
    page.wait_for_load_state()
    assert page.locator("#table-units tbody tr").count() == 1

    # the dashboard: ranked by the verified total where published, claims marked
    page.click("#units-filters a:has-text('แดชบอร์ด')")
    page.wait_for_load_state()
    ranking = page.locator("#table-ranking tbody tr")
    assert ranking.nth(0).locator("td").nth(1).inner_text() == B
    assert ranking.nth(0).locator("td.basis").inner_text().startswith("2*")
    assert ranking.nth(1).locator("td").nth(1).inner_text() == A
    assert ranking.nth(1).locator("td.basis").inner_text() == "1"
    assert "จัดลำดับตามคะแนนตรวจรับรอง" in page.locator("#table-ranking").locator("xpath=..").inner_text()
    # the ranking chart is drawn with both series named in its legend (Chart.js reads the labels)
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-ranking')")
    labels = page.evaluate("() => Chart.getChart('chart-ranking').data.datasets.map((d) => d.label)")
    assert labels == ["ผลการตรวจรับรอง", "ประเมินตนเอง ยังไม่ผ่านการตรวจรับรอง"]
    data = page.evaluate("() => Chart.getChart('chart-ranking').data.datasets.map((d) => d.data)")
    assert data == [[None, 1], [2, None]]
    assert_accessible(page)


def test_the_dashboard_pages_its_units_with_links_that_keep_the_round(
    page, live_server, world, assert_accessible, monkeypatch
):
    from pramern.dashboards import summary

    verified_below_its_claim(world, publish=True)
    monkeypatch.setattr(summary, "UNITS_PER_PAGE", 1)  # the live server runs in this process
    log_in(page, live_server, "xena")
    page.goto(f"{live_server.url}/dashboard/?round=R12")
    pager = page.get_by_role("navigation", name="หน้าของตารางอันดับ")
    assert pager.locator("[aria-current=page]").text_content() == "หน้า 1"
    assert page.locator("#table-ranking tbody tr").count() == 1
    assert page.locator("#summary-highest li").count() == 2  # the summary: the whole round
    assert_accessible(page)
    pager.get_by_role("link", name="หน้า 2").click()
    page.wait_for_load_state()
    assert "round=R12" in page.url and "page=2" in page.url
    assert page.locator("#table-ranking tbody tr td").nth(1).inner_text() == A
    assert (
        page.get_by_role("navigation", name="หน้าของตารางอันดับ").locator("[aria-current=page]").text_content() == "หน้า 2"
    )
    page.get_by_role("navigation", name="หน้าของตารางอันดับ").get_by_role("link", name="แสดงทั้งหมด 2 หน่วยงาน").click()
    page.wait_for_load_state()
    assert page.locator("#table-ranking tbody tr").count() == page.locator("#table-heatmap tbody tr").count() == 2
