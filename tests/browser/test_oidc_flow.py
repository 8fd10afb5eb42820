"""OpenID Connect in Chromium: a registered officer presses "เข้าสู่ระบบด้วย ThaiD" on the login
page, logs in at the (real, local) provider, lands in Pramern, and logs out of both."""

from __future__ import annotations

import pytest

from pramern.accounts import citizen_id
from pramern.accounts.models import CitizenID, OIDCLink
from tests.identity.oidc_provider import ACCOUNTS, oidc_provider, oidc_settings  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.identity,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("oidc_settings"),  # Pramern logs in through the test provider
]


def test_an_officer_logs_in_with_thaid_and_out_of_both(desktop_page, live_server, world, settings, assert_accessible):
    page, issuer = desktop_page, settings.PRAMERN_OIDC_ISSUER
    CitizenID.objects.create(user=world.alice, pid_hash=citizen_id.pid_hash(ACCOUNTS["somchai"]["pid"]))

    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    page.get_by_role("link", name="เข้าสู่ระบบด้วย ThaiD").click()
    page.wait_for_url(f"{issuer}/interaction/**")
    page.fill("input[name=login]", ACCOUNTS["somchai"]["sub"])
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{issuer}/interaction/**")  # consent
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/**")
    page.wait_for_load_state()
    assert "/login/" not in page.url
    assert page.locator("form[action='/logout/']").count() == 1
    assert OIDCLink.objects.filter(user=world.alice).exists()

    page.click("form[action='/logout/'] button")
    page.wait_for_url(f"{issuer}/session/end**")  # the provider asks to confirm
    page.click("button[value=yes]")
    page.wait_for_url(f"{live_server.url}/login/")
    assert page.get_by_role("link", name="เข้าสู่ระบบด้วย ThaiD").is_visible()
    page.goto(f"{live_server.url}/help/")
    assert "/login/" in page.url  # logged out here too


def test_an_unknown_person_sees_the_pending_page(page, live_server, settings, assert_accessible):
    issuer = settings.PRAMERN_OIDC_ISSUER
    settings.PRAMERN_OIDC_UNKNOWN_PEOPLE = "pending"
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="เข้าสู่ระบบด้วย ThaiD").click()
    page.fill("input[name=login]", ACCOUNTS["malee"]["sub"])
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{issuer}/interaction/**")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/oidc/pending/")
    assert page.get_by_role("heading", name="บัญชีของท่านรอการอนุมัติ").is_visible()
    assert_accessible(page)
