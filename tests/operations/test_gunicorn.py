"""The production server as deployed: gunicorn with deploy/gunicorn.conf.py, PRAMERN_ENV=production
behind HTTPS, static files collected and served by WhiteNoise, logs as JSON on stdout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.objectstore import free_port

ROOT = Path(__file__).resolve().parents[2]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read()


@pytest.fixture
def production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRAMERN_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="pramern.settings",
        PRAMERN_ENV="production",
        PRAMERN_HTTPS="true",
        PRAMERN_SECRET_KEY="deploy-test-" + "k" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PRAMERN_STATIC_ROOT=str(tmp_path / "static"),
        PRAMERN_MEDIA_ROOT=str(tmp_path / "media"),
        PRAMERN_LOG_FORMAT="json",
    )
    return env


@pytest.mark.slow
def test_gunicorn_serves_a_deployment(production_env, tmp_path):
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = subprocess.run(
            manage + command, cwd=ROOT, env=production_env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
    port = free_port()
    env = {
        **production_env,
        "PRAMERN_BIND": f"127.0.0.1:{port}",
        "PRAMERN_WEB_WORKERS": "2",
        "PRAMERN_WEB_THREADS": "2",
    }
    out, err = (tmp_path / "stdout").open("w"), (tmp_path / "stderr").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "pramern.wsgi"],
        cwd=tmp_path,  # the config finds Pramern from anywhere
        env=env,
        stdout=out,
        stderr=err,
    )
    site = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "stderr").read_text()[-2000:]
            try:
                status, _, body = get(f"{site}/healthz", Host="10.0.0.7")  # by address, over plain HTTP
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        status, headers, body = get(f"{site}/readyz")
        assert (status, json.loads(body)["checks"]) == (200, {"database": "ok", "storage": "ok"})

        status, headers, _ = get(f"{site}/login/")  # HTTPS only
        assert (status, headers["Location"]) == (301, f"https://127.0.0.1:{port}/login/")
        status, headers, body = get(f"{site}/login/", **{"X-Forwarded-Proto": "https", "X-Request-ID": "lb-42"})
        assert (status, headers["X-Request-ID"]) == (200, "lb-42")
        assert "Strict-Transport-Security" in headers
        [stylesheet] = re.findall(r'href="(/static/pramern/pramern\.[0-9a-f]{12}\.css)"', body.decode())
        status, headers, _ = get(f"{site}{stylesheet}", **{"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"})
        assert (status, headers["Cache-Control"], headers["Content-Encoding"]) == (
            200,
            "max-age=315360000, public, immutable",
            "gzip",
        )

        assert len(psutil.Process(server.pid).children()) == 2  # PRAMERN_WEB_WORKERS
    finally:
        server.terminate()
        server.wait(timeout=30)
        out.close()
        err.close()
    errors = [json.loads(line)["message"] for line in (tmp_path / "stderr").read_text().splitlines()]
    assert "Using worker: gthread" in errors  # PRAMERN_WEB_THREADS=2
    access = [json.loads(line) for line in (tmp_path / "stdout").read_text().splitlines()]
    [login] = [line for line in access if line["request_id"] == "lb-42"]
    assert (login["level"], login["logger"]) == ("INFO", "gunicorn.access")
    assert '"GET /login/ HTTP/1.1" 200' in login["message"]
