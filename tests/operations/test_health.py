"""The load balancer's probes: /healthz (the process answers; no database) and /readyz (the
database, Redis when configured and the storage answer; 503 naming what failed)."""

from __future__ import annotations

import json

import pytest
from django.db import connection, connections

from tests.objectstore import free_port


@pytest.fixture
def behind_https_with_other_hosts(settings):
    """As in production: HTTPS redirects, and only the site's own host name is allowed."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["pramern.example"]


def test_healthz_answers_without_the_database_a_session_or_https(client, behind_https_with_other_hosts):
    # No django_db mark: any query would fail the test (pytest-django blocks the database).
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")  # a load balancer asks by address
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response and not response.cookies


def test_only_reading_is_allowed(client):
    response = client.post("/healthz")
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")


@pytest.mark.django_db
def test_readyz_says_ok_when_the_database_and_storage_answer(client, behind_https_with_other_hosts, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "failed": [], "checks": {"database": "ok", "storage": "ok"}}
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_checks_redis_when_it_is_configured(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.CACHE_URL = "redis://127.0.0.1:6379/1"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "cache": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHE_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failed": ["redis"],
        "checks": {"database": "ok", "redis": "ConnectionError", "storage": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_unreachable(client, settings, monkeypatch, tmp_path):
    settings.REDIS_URL = ""
    # The probe opens a connection of its own from these settings; the test's stays open.
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connections.settings["default"], "NAME", str(tmp_path / "missing" / "db.sqlite3"))
    else:
        monkeypatch.setitem(connections.settings["default"], "PORT", str(free_port()))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failed": ["database"],
        "checks": {"database": "OperationalError", "storage": "ok"},
    }


@pytest.mark.django_db
@pytest.mark.slow
def test_readyz_checks_the_bucket(client, settings, s3_storage):
    settings.REDIS_URL = ""
    server, bucket = s3_storage
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    assert server.keys(bucket) == []  # nothing written
    server.client().delete_bucket(Bucket=bucket)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["storage"] == "ClientError"


@pytest.mark.django_db
def test_a_redis_that_hangs_fails_within_the_timeout(client, settings):
    import socket
    import time

    settings.READY_TIMEOUT = 0.5
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.REDIS_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        response = client.get("/readyz")
        assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "TimeoutError"


def test_the_cache_checked_is_the_one_settings_configured(settings, monkeypatch):
    from pramern.operations.health import checks

    monkeypatch.setenv("PRAMERN_CACHE_URL", f"redis://127.0.0.1:{free_port()}/0")  # not what settings read
    settings.REDIS_URL = ""
    settings.CACHE_URL = ""
    assert sorted(checks(1.0)) == ["database", "storage"]


@pytest.mark.django_db
@pytest.mark.slow
def test_a_database_server_that_never_answers_fails_within_the_timeout(monkeypatch):
    import socket
    import time

    from django.db import OperationalError

    from pramern.operations.health import check_database

    if connection.vendor != "postgresql":
        pytest.skip("a connect timeout is PostgreSQL's: SQLite opens a local file")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts the TCP connection, never says a word
    monkeypatch.setitem(connections.settings["default"], "HOST", "127.0.0.1")
    monkeypatch.setitem(connections.settings["default"], "PORT", str(silent.getsockname()[1]))
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError, match="timeout"):
            check_database(timeout=1.0)
    finally:
        silent.close()
    assert time.monotonic() - started < 5
