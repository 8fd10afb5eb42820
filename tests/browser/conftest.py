"""Browser tests drive Debian's Chromium through Playwright; no browser is ever downloaded.

Under CI (CI=true) a missing Chromium fails the run; on a developer's machine the tests skip
and say how to install it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.accessibility import assert_accessible

CHROMIUM = os.environ.get("PRAMERN_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# between browser steps are ordinary synchronous code, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_or_skip() -> str:
    if os.path.exists(CHROMIUM) or shutil.which(CHROMIUM):
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` to run browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def _page(browser: Any, width: int, height: int) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    refused: list[str] = []
    opened.on(
        "console",
        lambda message: (
            refused.append(f"{opened.url}: {message.text[:90]}") if "Content Security Policy" in message.text else None
        ),
    )
    yield opened
    context.close()
    assert refused == [], "the Content-Security-Policy refused: " + " | ".join(refused)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A phone-sized page; the test fails if the Content-Security-Policy refused anything on it
    (an inline script, handler or style that slipped into a template, or htmx adding one)."""
    yield from _page(browser, 390, 844)  # a phone


@pytest.fixture
def desktop_page(browser: Any) -> Iterator[Any]:
    """A desktop-sized page (1366 × 900, Thai), with the same Content-Security-Policy check."""
    yield from _page(browser, 1366, 900)


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture() -> Callable[..., None]:
    """``assert_accessible(page)`` fails listing every serious or critical axe-core violation on
    the page as it is now (see tests/browser/accessibility.py)."""
    return assert_accessible
