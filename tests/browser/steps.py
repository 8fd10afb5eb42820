"""Steps both browser flows take."""

from __future__ import annotations

import base64

from tests.factories import PASSWORD


def log_in_with(page, live_server, username, password, path="/login/"):
    """Opens the login page at ``path`` (its ``?next=`` kept) and submits ``username`` and ``password``."""
    page.goto(f"{live_server.url}{path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def log_in(page, live_server, username):
    log_in_with(page, live_server, username, PASSWORD)


def secret_shown(page) -> bytes:
    """The key the two-factor enrolment page shows as text, decoded as an authenticator app
    decodes what the person types (``django_otp.oath.totp(key)`` is then the app's code)."""
    typed = page.locator("#secret").inner_text().replace(" ", "")
    return base64.b32decode(typed + "=" * (-len(typed) % 8))


def open_menu(page):
    """Opens the site menu where it is a button (phones); on wider screens its links show anyway."""
    menu = page.locator("header.site details.menu")
    if menu.locator("summary").is_visible() and menu.get_attribute("open") is None:
        menu.locator("summary").click()


def log_out(page):
    open_menu(page)
    page.click("form[action='/logout/'] button")
    page.wait_for_load_state()
