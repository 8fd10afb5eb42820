"""Settings that protect a deployment whatever the environment forgets to say."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

from pramern.settings import BASE_DIR


def settings_in_a_fresh_process(env: dict[str, str]) -> dict[str, str]:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({k: str(getattr(settings, k, '')) for k in "
        "('SECRET_KEY', 'SESSION_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS')}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("PRAMERN_")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "pramern.settings", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_each_installation_makes_its_own_key_once(tmp_path, monkeypatch):
    from pramern.settings import secret_key

    monkeypatch.delenv("PRAMERN_SECRET_KEY", raising=False)
    first, second = tmp_path / "one" / "secret_key", tmp_path / "two" / "secret_key"
    key = secret_key(first)
    assert len(key) >= 50 and secret_key(first) == key  # kept
    assert (first.stat().st_mode & 0o077) == 0  # the owner's only
    assert secret_key(second) != key  # no two installations share one
    assert [p.name for p in first.parent.iterdir()] == ["secret_key"]  # no scratch file left


def test_a_broken_key_file_says_what_to_do(tmp_path, monkeypatch):
    import pytest

    from pramern.settings import secret_key

    monkeypatch.delenv("PRAMERN_SECRET_KEY", raising=False)
    empty = tmp_path / "secret_key"
    empty.write_text("")
    with pytest.raises(RuntimeError, match="empty"):
        secret_key(empty)
    blocked = tmp_path / "file" / "secret_key"
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(RuntimeError, match="set PRAMERN_SECRET_KEY"):
        secret_key(blocked)
    monkeypatch.setenv("PRAMERN_SECRET_KEY", "from-the-environment")
    assert secret_key(blocked) == "from-the-environment"


def test_the_running_key_is_not_written_in_the_code():
    assert settings.SECRET_KEY and "insecure" not in settings.SECRET_KEY


def test_https_deployments_get_secure_cookies_and_hsts():
    plain = settings_in_a_fresh_process({})
    assert (plain["SESSION_COOKIE_SECURE"], plain["SECURE_SSL_REDIRECT"]) == ("False", "False")
    https = settings_in_a_fresh_process({"PRAMERN_HTTPS": "true"})
    assert (https["SESSION_COOKIE_SECURE"], https["SECURE_SSL_REDIRECT"]) == ("True", "True")
    assert int(https["SECURE_HSTS_SECONDS"]) >= 180 * 24 * 3600
    production = settings_in_a_fresh_process({"PRAMERN_ENV": "production", "PRAMERN_SECRET_KEY": "k" * 50})
    assert production["SESSION_COOKIE_SECURE"] == "True"  # production means HTTPS unless told otherwise


def test_a_log_in_lasts_a_working_day():
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
