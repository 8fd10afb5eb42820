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


def test_the_secret_key_is_never_a_shared_one():
    path = BASE_DIR / "var" / "secret_key"
    assert settings.SECRET_KEY == path.read_text().strip() or os.environ.get("PRAMERN_SECRET_KEY")
    assert len(path.read_text().strip()) >= 50 and (path.stat().st_mode & 0o077) == 0  # owner only
    assert "insecure" not in settings.SECRET_KEY
    assert settings_in_a_fresh_process({"PRAMERN_SECRET_KEY": "from-the-environment"})["SECRET_KEY"] == (
        "from-the-environment"
    )


def test_https_deployments_get_secure_cookies_and_hsts():
    plain = settings_in_a_fresh_process({})
    assert (plain["SESSION_COOKIE_SECURE"], plain["SECURE_SSL_REDIRECT"]) == ("False", "False")
    https = settings_in_a_fresh_process({"PRAMERN_HTTPS": "true"})
    assert (https["SESSION_COOKIE_SECURE"], https["SECURE_SSL_REDIRECT"]) == ("True", "True")
    assert int(https["SECURE_HSTS_SECONDS"]) >= 180 * 24 * 3600
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
