"""The PDPA pages in Chromium: the notice reached from the login page's footer, and the notice,
my data, evidence retention and erasure pages accessible (axe-core) at desktop and phone widths."""

from __future__ import annotations

import pytest

from tests.browser.accessibility import describe, violations
from tests.browser.steps import log_in

pytestmark = [pytest.mark.browser, pytest.mark.identity, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["desktop", "phone"])
def any_page(request):
    return request.getfixturevalue("desktop_page" if request.param == "desktop" else "page")


def test_the_notice_is_one_click_from_the_login_page(desktop_page, live_server, world, assert_accessible):
    desktop_page.goto(f"{live_server.url}/login/")
    desktop_page.locator("footer.site").get_by_role("link", name="ประกาศความเป็นส่วนตัว").click()
    desktop_page.wait_for_load_state()
    assert desktop_page.url.endswith("/privacy/")
    assert desktop_page.get_by_role("heading", name="สิทธิของท่าน").is_visible()
    assert_accessible(desktop_page)


@pytest.mark.parametrize(
    ("persona", "path"),
    [("alice", "/privacy/my-data/"), ("eve", "/privacy/retention/"), ("adam", "/privacy/erase/{alice}/")],
)
def test_the_privacy_pages_are_accessible(any_page, live_server, world, persona, path):
    log_in(any_page, live_server, persona)
    any_page.goto(live_server.url + path.format(alice=world.alice.pk))
    any_page.wait_for_load_state("networkidle")
    assert any_page.locator("h1").count() == 1
    assert (problems := violations(any_page)) == [], describe(problems)
