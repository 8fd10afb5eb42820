"""Every request has an id: a valid X-Request-ID from the proxy, else a new one; it comes back in
the response's X-Request-ID and is in every log record written meanwhile (JSON logs show it)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pramern.operations.requestid import JsonFormatter, RequestIdFilter
from tests.test_settings import settings_at_start

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log():
    """What the django.request logger writes, as settings.py's JSON handler writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_a_proxys_request_id_is_kept_and_logged(client, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="4f1c2d3e-aa55-4c1b-9a0e-7b2f1e0c9d11")
    assert response["X-Request-ID"] == "4f1c2d3e-aa55-4c1b-9a0e-7b2f1e0c9d11"
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="nginx.0123456789abcdef")  # logged: Not Found
    assert (response.status_code, response["X-Request-ID"]) == (404, "nginx.0123456789abcdef")
    [line] = json_log.getvalue().splitlines()
    logged = json.loads(line)
    assert logged["request_id"] == "nginx.0123456789abcdef"
    assert (logged["level"], logged["logger"], logged["message"]) == (
        "WARNING",
        "django.request",
        "Not Found: /no-such-page/",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", logged["time"])


@pytest.mark.parametrize("sent", [None, "", "two words", "x" * 129, "id\r\nX-Injected: 1", '"quoted"', "ไทย"])
def test_a_missing_or_invalid_id_is_replaced_by_a_new_one(client, sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}
    first = client.get("/healthz", **headers)["X-Request-ID"]
    second = client.get("/healthz", **headers)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second


def test_outside_a_request_the_id_is_empty(json_log):
    logging.getLogger("django.request").warning("ตรวจ %s", "ระบบ")
    logged = json.loads(json_log.getvalue())
    assert (logged["message"], logged["request_id"]) == ("ตรวจ ระบบ", "")


@pytest.mark.slow
def test_pramern_json_logs_write_one_object_a_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRAMERN_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="pramern.settings",
        PRAMERN_LOG_FORMAT="json",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PRAMERN_SECRET_KEY="k" * 50,
    )
    code = (
        "import django, logging; django.setup(); log = logging.getLogger('pramern.check')\n"
        "log.warning('หนึ่ง\\nสอง')\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('พัง')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stderr.splitlines())
    assert {k: first[k] for k in ("level", "logger", "message", "request_id")} == {
        "level": "WARNING",
        "logger": "pramern.check",
        "message": "หนึ่ง\nสอง",
        "request_id": "",
    }
    assert second["message"] == "พัง" and second["exception"].endswith("ZeroDivisionError: division by zero")


def test_an_unknown_log_format_stops_the_server(monkeypatch):
    with pytest.raises(RuntimeError, match="PRAMERN_LOG_FORMAT must be text or json, not 'xml'"):
        settings_at_start(monkeypatch, {"PRAMERN_LOG_FORMAT": "xml"})
