"""The Django admin works under Pramern's Content-Security-Policy (the page fixture fails on any
refusal): its scripts, its theme switch and the unit import page."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_uses_the_admin_under_the_policy(page, live_server, world):
    world.adam.is_staff = world.adam.is_superuser = True
    world.adam.save()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "adam")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#site-name").is_visible()
    page.goto(f"{live_server.url}/admin/organizations/unit/")
    page.fill("#searchbar", "oae")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    assert page.locator("#result_list").is_visible()
    page.goto(f"{live_server.url}/admin/organizations/unit/{world.unit_a.pk}/change/")
    assert page.locator("input[name=name_th]").input_value() == world.unit_a.name_th
    page.goto(f"{live_server.url}/admin/organizations/unit/import/")
    assert page.locator("input[type=file]").count() == 1
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Sarabun" in font
