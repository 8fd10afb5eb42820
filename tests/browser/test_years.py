"""The fiscal-year pages fit a phone and the year selector is a working link."""

from __future__ import annotations

import re

import pytest

from pramern.reports.scorecards import refresh
from tests.browser.steps import log_in
from tests.factories import record
from tests.years import TwoYears

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("alice", "/units/oae-bapp/history/"),
        ("alice", "/a/{a2}/"),
        ("xena", "/dashboard/years/"),
        ("xena", "/dashboard/"),
        ("eve", "/review/"),
        ("xena", "/"),
    ],
)
def test_the_year_pages_fit_a_phone(page, live_server, world, persona, path):
    two = TwoYears(world)
    record(two.a2, "1.2.2", "followups", "2025-03-15", presented_to_director=True)
    for a in (world.a, world.b, two.a2, two.b2):
        refresh(a)
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, live_server, persona)
    page.goto(live_server.url + path.format(a2=two.a2.pk))
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone"


def test_the_dashboard_year_selector_opens_last_year(page, live_server, world):
    TwoYears(world)
    log_in(page, live_server, "xena")
    page.goto(live_server.url + "/dashboard/?kind=bureau")
    page.locator("nav.years").get_by_role("link", name="ปีงบประมาณ 2567").click()
    page.wait_for_url(re.compile(r"/dashboard/\?kind=bureau&year=2567$"))
    assert "ปี 2567" in page.locator("h1").inner_text()
