"""The session's Chromium: Debian's, driven through Playwright (no browser is ever downloaded).
One ``browser`` fixture for the whole suite (tests/conftest.py imports it): Playwright's sync API
can be started once per process, so the browser tests and the cluster test share it.

Under CI (CI=true) a missing Chromium fails the run; on a developer's machine the tests skip
and say how to install it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("PRAMERN_CHROMIUM", "/usr/bin/chromium")


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
