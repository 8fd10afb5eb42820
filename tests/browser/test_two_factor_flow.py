"""An evaluator's first login with two-factor (issue 12): sent to enrolment before the review
queue, scans (the code is computed from the secret the page shows, as an authenticator app
would), keeps the recovery codes and lands on the queue; the next login asks for a code. At
desktop and phone widths, with axe on the enrolment and verification pages."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp

from tests.browser.steps import code_after_last_use, log_in_with, log_out, secret_shown
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.identity,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("two_factor_enforced"),
]


@pytest.mark.parametrize("width", [1366, 390])
def test_an_evaluator_enrols_at_first_login_and_lands_on_the_review_queue(
    page, live_server, world, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/review/")
    assert "/login/" in page.url
    log_in_with(page, live_server, "eve", PASSWORD, page.url.removeprefix(live_server.url))

    page.wait_for_url(re.compile(r"/account/two-factor/setup/\?next=%2Freview%2F$"))
    assert page.locator("h1").inner_text() == "ตั้งค่าการยืนยันตัวตนสองขั้นตอน"
    qr = page.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG rendered
    box = qr.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    assert_accessible(page)

    key = secret_shown(page)
    page.fill("#id_code", "000000" if f"{totp(key):06d}" != "000000" else "111111")
    page.click("main button[type=submit].primary")
    page.wait_for_load_state()
    assert "ไม่ถูกต้อง" in page.locator("p.error").inner_text()
    assert page.locator("#id_code").input_value() == ""
    page.wait_for_timeout(1100)  # one wrong code: django-otp waits a second before the next try

    page.fill("#id_code", f"{totp(key):06d}")
    page.click("main button[type=submit].primary")
    page.wait_for_url(re.compile(r"/account/two-factor/recovery-codes/"))
    assert page.locator("#recovery-codes li").count() == 10
    assert_accessible(page)
    page.click("text=เก็บรหัสกู้คืนแล้ว ดำเนินการต่อ")
    page.wait_for_url(re.compile(r"/review/$"))
    assert page.locator("h1").is_visible()
    assert "/account/two-factor/" not in page.url

    log_out(page)
    log_in_with(page, live_server, "eve", PASSWORD, "/login/?next=/review/")
    page.wait_for_url(re.compile(r"/account/two-factor/verify/"))
    assert page.locator("h1").inner_text() == "ยืนยันตัวตนขั้นที่สอง"
    assert_accessible(page)
    page.fill("#id_code", code_after_last_use(world.eve))  # this step's code was used at enrolment
    page.click("main button[type=submit].primary")
    page.wait_for_url(re.compile(r"/review/$"))
