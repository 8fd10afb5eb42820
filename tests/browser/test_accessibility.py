"""axe-core finds no serious or critical violation on the main pages, for each person, at desktop
(1366 px) and phone (390 px) widths; the skip link and the focus ring are there."""

from __future__ import annotations

import pytest

from pramern.reports.scorecards import refresh
from tests.browser.accessibility import describe, violations
from tests.browser.steps import log_in
from tests.factories import open_rounds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "alice": ["/a/{a}/", "/a/{a}/items/1.2.2/", "/reports/jobs/", "/frameworks/"],
    "dan": ["/a/{a}/submit/R6/"],
    "eve": ["/review/", "/review/a/{a}/R12/", "/review/a/{a}/R12/items/1.2.2/"],
    "xena": ["/dashboard/", "/a/{a}/scorecard/"],
    "adam": ["/studio/"],
}


@pytest.fixture(params=["desktop", "phone"])
def any_page(request):
    return request.getfixturevalue("desktop_page" if request.param == "desktop" else "page")


def test_the_login_page_is_accessible(any_page, live_server, assert_accessible):
    any_page.goto(f"{live_server.url}/login/")
    assert_accessible(any_page)


@pytest.mark.parametrize("persona", sorted(PAGES))
def test_the_main_pages_are_accessible(any_page, live_server, world, persona):
    open_rounds(world.framework)
    refresh(world.a)
    refresh(world.b)
    log_in(any_page, live_server, persona)
    found = {}
    for path in PAGES[persona]:
        any_page.goto(live_server.url + path.format(a=world.a.pk))
        any_page.wait_for_load_state("networkidle")
        if problems := violations(any_page):
            found[path] = describe(problems)
    assert found == {}, "\n".join(f"{path}\n{text}" for path, text in found.items())


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(desktop_page, live_server, world):
    log_in(desktop_page, live_server, "alice")
    desktop_page.goto(f"{live_server.url}/a/{world.a.pk}/")
    desktop_page.keyboard.press("Tab")
    skip = desktop_page.get_by_role("link", name="ข้ามไปยังเนื้อหา")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the focused skip link is on screen"
    desktop_page.keyboard.press("Enter")
    assert desktop_page.evaluate("document.activeElement.id") == "content"


def test_the_keyboard_focus_is_drawn(page, live_server, world):
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the skip link: the brand link
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] == "solid" and outline[1] >= 2
