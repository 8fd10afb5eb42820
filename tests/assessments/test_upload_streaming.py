"""A large upload goes to disk and storage in chunks: it is never held in memory whole."""

from __future__ import annotations

import io
import tempfile
import tracemalloc

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from pramern.assessments.models import Evidence
from tests.factories import record

BOUNDARY = "----pramernboundary"
SIZE = 30 * 1024 * 1024
CSRF = "k" * 32


def multipart_body_on_disk(size: int) -> tuple[io.BufferedRandom, int]:
    body = tempfile.TemporaryFile()
    body.write(
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
    )
    body.write(b"%PDF-1.7\n")
    chunk = b"0" * (1024 * 1024)
    written = 9
    while written < size:
        part = chunk[: min(len(chunk), size - written)]
        body.write(part)
        written += len(part)
    body.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    length = body.tell()
    body.seek(0)
    return body, length


def test_a_30_mb_upload_never_holds_the_file_in_memory(world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client = Client()
    client.force_login(world.alice)
    body, length = multipart_body_on_disk(SIZE)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": f"/a/{world.a.pk}/records/{rec.pk}/evidence/file/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(length),
        # a real browser sends the CSRF cookie and header; the test client would skip the check
        "HTTP_COOKIE": "; ".join([*(f"{k}={v.value}" for k, v in client.cookies.items()), f"csrftoken={CSRF}"]),
        "HTTP_X_CSRFTOKEN": CSRF,
        "HTTP_HX_REQUEST": "true",
    }
    handler = WSGIHandler()
    statuses = []
    # As Django's test client does: keep the test's database connection open across the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    tracemalloc.start()
    try:
        response = handler(environ, lambda status, headers: statuses.append(status))
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        body.close()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["200 OK"]
    evidence = Evidence.objects.get()
    assert evidence.size == SIZE
    assert peak < 8 * 1024 * 1024, (
        f"peak Python memory {peak / 1024 / 1024:.1f} MB for a {SIZE // 1024 // 1024} MB upload"
    )
