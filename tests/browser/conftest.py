"""Browser tests drive Debian's Chromium through Playwright; no browser is ever downloaded.
The session's Chromium (the ``browser`` fixture) is launched by tests/browser/launch.py, for
every test of the suite that asks for it (the cluster test too).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.accessibility import assert_accessible

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# between browser steps are ordinary synchronous code, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
