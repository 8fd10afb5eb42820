from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings


@pytest.fixture
def tools() -> None:
    """Chromium and poppler's tools, for the PDF tests: missing ones fail the run under CI
    (CI=true) and skip the test, saying what to install, on a developer's machine."""
    missing = [name for name in (settings.CHROMIUM, "pdftotext", "pdffonts") if not shutil.which(name)]
    if not missing:
        return
    message = f"{', '.join(missing)} not found: install them with `sudo apt-get install chromium poppler-utils`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
