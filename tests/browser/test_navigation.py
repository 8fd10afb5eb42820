"""Every persona reaches their pages from the site header, on a desktop and on a phone, and no
page is wider than the screen."""

from __future__ import annotations

import re

import pytest

from pramern.reports.scorecards import refresh
from tests.browser.steps import log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAV = {
    "eve": {"แดชบอร์ด": "/dashboard/", "รายการรอตรวจ": "/review/", "กรอบการประเมิน": "/frameworks/"},
    "xena": {"แดชบอร์ด": "/dashboard/", "รายงานของฉัน": "/reports/jobs/", "กรอบการประเมิน": "/frameworks/"},
    "alice": {"กรอบการประเมิน": "/frameworks/", "รายงานของฉัน": "/reports/jobs/"},
    "dan": {"รายงานของฉัน": "/reports/jobs/", "กรอบการประเมิน": "/frameworks/"},
}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("persona", sorted(NAV))
def test_the_header_links_are_visible_and_clickable(page, live_server, world, persona, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, persona)
    header = page.locator("header.site").bounding_box()
    assert header is not None and header["height"] >= 40 and header["width"] >= width - 20
    for label, path in NAV[persona].items():
        open_menu(page)
        page.locator("header.site nav").get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(re.compile(re.escape(path) + "$"))
    open_menu(page)
    page.locator("header.site").get_by_role("button", name="ออกจากระบบ").click()
    page.wait_for_url(re.compile(r"/login/|/$"))


def test_the_language_switch_in_the_header_works(page, live_server, world):
    log_in(page, live_server, "alice")
    open_menu(page)
    with page.expect_navigation():
        page.select_option("header.site #language", "en")
    open_menu(page)
    assert page.locator("header.site").get_by_role("button", name="Log out").is_visible()


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("alice", "/a/{a}/"),
        ("alice", "/a/{a}/items/1.2.2/"),
        ("xena", "/dashboard/"),
        ("xena", "/a/{a}/scorecard/"),
        ("eve", "/review/"),
        ("eve", "/review/a/{a}/R12/"),
        ("eve", "/review/a/{a}/R12/items/1.2.2/"),
    ],
)
def test_pages_fit_a_phone(page, live_server, world, persona, path):
    refresh(world.a)
    refresh(world.b)
    log_in(page, live_server, persona)
    page.goto(live_server.url + path.format(a=world.a.pk))
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone"
