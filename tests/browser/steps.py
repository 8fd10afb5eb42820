"""Steps both browser flows take."""

from __future__ import annotations

from tests.factories import PASSWORD


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def open_menu(page):
    """Opens the site menu where it is a button (phones); on wider screens its links show anyway."""
    menu = page.locator("header.site details.menu")
    if menu.locator("summary").is_visible() and menu.get_attribute("open") is None:
        menu.locator("summary").click()


def log_out(page):
    open_menu(page)
    page.click("form[action='/logout/'] button")
    page.wait_for_load_state()
