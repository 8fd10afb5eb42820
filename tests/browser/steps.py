"""Steps both browser flows take."""

from __future__ import annotations

import base64

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def code_after_last_use(user) -> str:
    """The code an authenticator app shows for the step after the one ``user``'s confirmed device last
    accepted. The server takes it now: it looks one step either side of the clock, shifted by the drift
    it learnt at the last use. "The clock's next step" is not always that: when enrolment's code
    reached the server just after a 30-second boundary, the device learnt a drift of -1 and the
    clock's next step is one beyond the server's window (a CI run failed so)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits)
    clock.time = device.t0 + (device.last_t + 1) * device.step
    return f"{clock.token():0{device.digits}d}"


def open_menu(page):
    """Opens the site menu where it is a button (phones); on wider screens its links show anyway."""
    menu = page.locator("header.site details.menu")
    if menu.locator("summary").is_visible() and menu.get_attribute("open") is None:
        menu.locator("summary").click()


def log_out(page):
    open_menu(page)
    page.click("form[action='/logout/'] button")
    page.wait_for_load_state()
