"""Request bodies are refused before they are read: anonymous multipart posts at once, and
oversized uploads by their declared length or as soon as the streamed file passes the limit.
Everything runs through Django's real WSGI handler with a request body that is produced lazily
and counts what the server reads of it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from pramern.assessments.models import Evidence
from tests.factories import record

BOUNDARY = "----pramernlimit"
CSRF = "k" * 32
MB = 1024 * 1024
GIB_2 = 2 * 1024 * MB
#: The test server stops feeding the body here, whatever the declared length (a real client
#: would keep sending for minutes, and the server would spool all of it to disk).
FEED_AT_MOST = 16 * MB


class DeclaredBody(io.RawIOBase):
    """A multipart body of ``length`` bytes: the CSRF token field, then one file part whose
    content is zeros, then the closing boundary. Nothing is held in memory; ``read_so_far``
    counts the bytes the server asked for."""

    def __init__(self, length: int, *, filename: str = "big.pdf") -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{CSRF}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = length
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.read_so_far >= FEED_AT_MOST:
            raise OSError("the test client stopped sending: the server read far too much")
        end = min(self.read_so_far + len(buffer), self.length)
        if end <= self.read_so_far:
            return 0
        data = bytearray(end - self.read_so_far)
        head_end = min(len(self.head), end)
        if self.read_so_far < head_end:
            data[: head_end - self.read_so_far] = self.head[self.read_so_far : head_end]
        tail_start = self.length - len(self.tail)
        if end > tail_start:
            start = max(tail_start, self.read_so_far)
            data[start - self.read_so_far :] = self.tail[start - tail_start : end - tail_start]
        buffer[: len(data)] = data
        self.read_so_far = end
        return len(data)


@contextmanager
def kept_connection() -> Iterator[None]:
    """As Django's test client does: keep the test's database connection across the request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def post(path: str, body: DeclaredBody, *, cookies: str = "", htmx: bool = False, declared: int | None = None):
    """POST ``body`` through the WSGI handler as a browser would; returns (status, headers, page)."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(declared if declared is not None else body.length),
        "HTTP_COOKIE": "; ".join(filter(None, [cookies, f"csrftoken={CSRF}"])),
    }
    if htmx:
        environ["HTTP_HX_REQUEST"] = "true"
        environ["HTTP_X_CSRFTOKEN"] = CSRF
    started = []
    with kept_connection():
        response = WSGIHandler()(environ, lambda status, headers: started.append((status, dict(headers))))
        page = b"".join(response).decode()
        response.close()
    status, headers = started[0]
    return status, headers, page


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())


@pytest.fixture
def upload_dir(settings, tmp_path, monkeypatch):
    """(the directory Django spools uploads to, the names of the files it created there)."""
    import django.core.files.uploadedfile as uploadedfile

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    created = []
    real = uploadedfile.tempfile.NamedTemporaryFile

    def recording(*args, **kwargs):
        spooled = real(*args, **kwargs)
        created.append(spooled.name)
        return spooled

    monkeypatch.setattr(uploadedfile.tempfile, "NamedTemporaryFile", recording)
    return tmp_path, created


@pytest.mark.parametrize("where", ["evidence", "login"])
def test_an_anonymous_multipart_post_of_2_gib_is_refused_unread(world, upload_dir, where):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    path = {"evidence": f"/a/{world.a.pk}/records/{rec.pk}/evidence/file/", "login": "/login/"}[where]
    body = DeclaredBody(GIB_2)
    status, headers, _ = post(path, body)
    assert body.read_so_far == 0, f"read {body.read_so_far / MB:.1f} MB of an anonymous body"
    assert upload_dir[1] == [] and list(upload_dir[0].iterdir()) == []
    assert status.startswith("302") and headers["Location"].startswith("/login/?next=")
    assert not Evidence.objects.exists()


def test_an_anonymous_urlencoded_post_declaring_2_gib_is_refused_unread(world):
    """Not multipart: Django refuses it by its length (DATA_UPLOAD_MAX_MEMORY_SIZE) before reading."""
    body = DeclaredBody(GIB_2)
    started = []
    with kept_connection():
        response = WSGIHandler()(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/login/",
                "SERVER_NAME": "testserver",
                "SERVER_PORT": "80",
                "wsgi.url_scheme": "http",
                "wsgi.input": body,
                "wsgi.errors": io.StringIO(),
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": str(GIB_2),
                "HTTP_COOKIE": f"csrftoken={CSRF}",
            },
            lambda status, headers: started.append(status),
        )
        response.close()
    assert started[0].startswith("400") and body.read_so_far == 0


def test_an_upload_declared_over_the_limit_stops_before_its_file_with_a_form_error(world, settings, upload_dir):
    settings.EVIDENCE_MAX_MB = 1
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    body = DeclaredBody(GIB_2)
    status, _, page = post(
        f"/a/{world.a.pk}/records/{rec.pk}/evidence/file/", body, cookies=session_cookie(world.alice), htmx=True
    )
    assert body.read_so_far <= 256 * 1024, f"read {body.read_so_far / MB:.1f} MB"
    assert upload_dir[1] == [] and list(upload_dir[0].iterdir()) == []
    assert status == "200 OK"  # htmx swaps the item body with the error shown at the record
    assert "ไฟล์ใหญ่เกินกำหนด: รับได้ไม่เกิน 1 MB" in page
    assert not Evidence.objects.exists()


def test_a_plain_form_upload_over_the_limit_keeps_its_csrf_token_and_says_the_limit(world, settings, upload_dir):
    settings.EVIDENCE_MAX_MB = 1
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    body = DeclaredBody(GIB_2)
    status, _, page = post(
        f"/a/{world.a.pk}/records/{rec.pk}/evidence/file/", body, cookies=session_cookie(world.alice)
    )
    assert body.read_so_far <= 256 * 1024
    assert status.startswith("400") and "ไฟล์ใหญ่เกินกำหนด: รับได้ไม่เกิน 1 MB" in page


def test_a_file_passing_the_limit_while_streaming_stops_there_and_leaves_no_file(world, settings, upload_dir):
    settings.EVIDENCE_MAX_MB = 1
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    body = DeclaredBody(MB + MB // 2)  # declared within the limit plus the form's allowance
    status, _, page = post(
        f"/a/{world.a.pk}/records/{rec.pk}/evidence/file/", body, cookies=session_cookie(world.alice), htmx=True
    )
    assert MB <= body.read_so_far <= MB + 256 * 1024, f"read {body.read_so_far / MB:.2f} MB"
    assert len(upload_dir[1]) == 1 and list(upload_dir[0].iterdir()) == []  # spooled, then deleted
    assert status == "200 OK" and "ไฟล์ใหญ่เกินกำหนด: รับได้ไม่เกิน 1 MB" in page
    assert not Evidence.objects.exists()


def test_other_uploads_over_the_limit_get_a_thai_413_page(world, settings, upload_dir):
    settings.EVIDENCE_MAX_MB = 1
    body = DeclaredBody(GIB_2, filename="records.yaml")
    status, _, page = post(f"/a/{world.a.pk}/import/", body, cookies=session_cookie(world.alice))
    assert body.read_so_far <= 256 * 1024
    assert status.startswith("413")
    assert "ไฟล์ใหญ่เกินกำหนด: รับได้ไม่เกิน 1 MB" in page and "ออกจากระบบ" in page


def test_an_upload_within_the_limit_is_stored(world, settings, upload_dir):
    settings.EVIDENCE_MAX_MB = 1
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    body = DeclaredBody(MB // 2)
    status, _, _ = post(
        f"/a/{world.a.pk}/records/{rec.pk}/evidence/file/", body, cookies=session_cookie(world.alice), htmx=True
    )
    assert status == "200 OK"
    assert Evidence.objects.get().size > MB // 2 - 1024
