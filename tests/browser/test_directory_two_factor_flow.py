"""A directory evaluator's first login with two-factor enforced (issue 12), in Chromium against the
real slapd of tests/identity: somchai, an evaluator only through the directory's evaluators group,
logs in with his directory password, is sent to enrolment (directory logins are not trusted as
multi-factor: DIRECTORY_TRUSTED_AS_MFA off, as in production), enrols with the code an authenticator app
would compute from the secret shown, sees his recovery codes and lands on the review queue; his
next login asks for a code instead of enrolling again. At desktop and phone widths.

The browser tests' ``live_server`` is pytest-django's server thread in the test's own process, so
the ``settings`` fixture configures it: ``two_factor_enforced`` (tests/conftest.py) puts the
production two-factor settings back and ``use_directory`` (tests/identity/directory.py) applies
the directory block of settings.py. Each pytest-xdist worker has its own slapd, database and
server, and every test starts from an empty database, so somchai is new at each first login."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pramern.organizations.models import Role
from tests.browser.steps import code_after_last_use, log_in_with, log_out, open_menu, secret_shown
from tests.identity import ldap_server
from tests.identity.directory import use_directory
from tests.identity.ldap_fixtures import directory_env, ldap_directory  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.identity,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("two_factor_enforced"),
]

QUEUE = "/review/"
LOGIN_HEADING = "เข้าสู่ระบบด้วยบัญชีหน่วยงาน"  # "Log in with your organisation account"
SETUP_HEADING = "ตั้งค่าการยืนยันตัวตนสองขั้นตอน"  # "Set up two-step verification"
VERIFY_HEADING = "ยืนยันตัวตนขั้นที่สอง"  # "Second-step verification"
QUEUE_LINK = "รายการรอตรวจ"  # the header's "Review queue"


@pytest.mark.parametrize(("page_fixture", "width"), [("desktop_page", 1366), ("page", 390)])
def test_a_directory_evaluator_enrols_at_first_login_and_verifies_at_the_next(
    request,
    world,
    live_server,
    settings,
    directory_env,  # noqa: F811
    assert_accessible,
    page_fixture,
    width,
):
    browser_page = request.getfixturevalue(page_fixture)
    assert browser_page.viewport_size["width"] == width
    use_directory(settings, {**directory_env, "PRAMERN_LDAP_EVALUATOR_GROUP": ldap_server.group_dn("evaluators")})
    assert settings.DIRECTORY_TRUSTED_AS_MFA is False  # the directory login must not count as the second factor
    assert not get_user_model().objects.filter(username="somchai").exists()  # his first login

    browser_page.goto(f"{live_server.url}{QUEUE}")
    assert "/login/" in browser_page.url
    assert browser_page.locator("main h1").inner_text() == LOGIN_HEADING  # the directory is configured
    assert_accessible(browser_page)

    log_in_with(browser_page, live_server, "somchai", "somchai-pass", browser_page.url.removeprefix(live_server.url))
    browser_page.wait_for_url(re.compile(r"/account/two-factor/setup/\?next=%2Freview%2F$"))
    assert browser_page.locator("h1").inner_text() == SETUP_HEADING
    somchai = get_user_model().objects.get(username="somchai")
    assert somchai.first_name == "สมชาย"  # made from his directory entry
    assert Role.objects.filter(user=somchai, kind=Role.Kind.EVALUATOR).exists()  # through the group alone
    qr = browser_page.locator("img.qr")
    box = qr.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width  # the QR code fits the screen

    key = secret_shown(browser_page)
    browser_page.fill("#id_code", f"{totp(key):06d}")
    browser_page.click("main button[type=submit].primary")
    browser_page.wait_for_url(re.compile(r"/account/two-factor/recovery-codes/"))
    assert browser_page.locator("#recovery-codes li").count() == 10
    browser_page.click("text=เก็บรหัสกู้คืนแล้ว ดำเนินการต่อ")
    browser_page.wait_for_url(re.compile(r"/review/$"))
    assert browser_page.locator("main h1").is_visible()
    assert list(TOTPDevice.objects.filter(user=somchai).values_list("confirmed", flat=True)) == [True]
    open_menu(browser_page)  # at 390 px the header's links are behind the menu button
    assert browser_page.locator(f"header.site a[href='{QUEUE}']").inner_text() == QUEUE_LINK
    assert browser_page.locator(f"header.site a[href='{QUEUE}']").is_visible()

    log_out(browser_page)
    log_in_with(browser_page, live_server, "somchai", "somchai-pass", f"/login/?next={QUEUE}")
    browser_page.wait_for_url(re.compile(r"/account/two-factor/verify/"))  # not enrolment again
    assert browser_page.locator("h1").inner_text() == VERIFY_HEADING
    browser_page.fill("#id_code", code_after_last_use(somchai))  # this step's code was used at enrolment
    browser_page.click("main button[type=submit].primary")
    browser_page.wait_for_url(re.compile(r"/review/$"))
    assert "/account/two-factor/" not in browser_page.url
    assert TOTPDevice.objects.filter(user=somchai).count() == 1  # the same app, no second enrolment
