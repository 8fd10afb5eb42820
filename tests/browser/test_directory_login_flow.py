"""Directory login in the browser, against the real slapd of tests/identity: the page names the
organisation account, each refusal reads clearly and passes axe, and the right password gets in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.browser.steps import log_in_with
from tests.identity.directory import use_directory
from tests.identity.ldap_fixtures import directory_env, ldap_directory  # noqa: F401 (fixtures)
from tests.identity.ldap_server import free_port

pytestmark = [pytest.mark.browser, pytest.mark.identity, pytest.mark.django_db(transaction=True)]


def test_a_directory_login_from_the_page(page, live_server, settings, directory_env, assert_accessible):  # noqa: F811
    use_directory(settings, directory_env)
    page.goto(f"{live_server.url}/login/")
    assert page.locator("main h1").inner_text() == "เข้าสู่ระบบด้วยบัญชีหน่วยงาน"
    assert page.locator("main button[type=submit]").inner_text() == "เข้าสู่ระบบด้วยบัญชีหน่วยงาน"
    assert_accessible(page)

    log_in_with(page, live_server, "preecha", "preecha-pass")
    assert "บัญชีนี้ถูกระงับ" in page.locator("main [role=alert]").inner_text()
    assert_accessible(page)

    log_in_with(page, live_server, "somchai", "somchai-pass")
    assert "/login/" not in page.url
    assert page.locator("form[action='/logout/']").count() == 1
    assert get_user_model().objects.get(username="somchai").first_name == "สมชาย"


def test_directory_down_from_the_page(desktop_page, live_server, settings, directory_env, assert_accessible):  # noqa: F811
    use_directory(settings, {**directory_env, "PRAMERN_LDAP_URL": f"ldap://127.0.0.1:{free_port()}"})
    log_in_with(desktop_page, live_server, "somchai", "somchai-pass")
    alert = desktop_page.locator("main [role=alert]").inner_text()
    assert "ติดต่อระบบบัญชีหน่วยงาน" in alert and "บัญชีภายในของ Pramern ยังใช้ได้" in alert
    assert_accessible(desktop_page)
