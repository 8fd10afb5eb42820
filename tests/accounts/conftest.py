from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import UploadedFile
from django.test import Client


class BrowserFormClient(Client):
    """Posts a form without files url-encoded, as a browser does: the log-in and password pages
    are used anonymously, and ``UploadGuardMiddleware`` turns away an anonymous multipart post unread."""

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        if "content_type" not in extra and isinstance(data, dict):
            if not any(isinstance(value, UploadedFile) for value in data.values()):
                extra["content_type"] = "application/x-www-form-urlencoded"
                data = urlencode(data, doseq=True)
        return super().post(path, data, **extra)


@pytest.fixture
def client() -> BrowserFormClient:
    return BrowserFormClient()
