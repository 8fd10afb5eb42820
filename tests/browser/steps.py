"""Steps both browser flows take."""

from __future__ import annotations

from tests.factories import PASSWORD


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def log_out(page):
    page.click("form[action='/logout/'] button")
    page.wait_for_load_state()
