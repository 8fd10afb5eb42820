"""``manage.py check --deploy`` on a deployment's settings says nothing but the exceptions
settings.py documents (SILENCED_SYSTEM_CHECKS, each with its reason)."""

from __future__ import annotations

import re
import secrets

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from tests.test_settings import settings_at_start

#: Kept as the test run has them: its database, queue and cache.
KEPT = {"DATABASES", "HUEY", "CACHES", "INSTALLED_APPS"}


def deployment_settings(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The settings of PRAMERN_ENV=production, PRAMERN_HTTPS=true and a key that differ from the
    test run's (what a fresh process would start with). The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE
    (tests/browser/conftest.py, in this process when they ran in it) is no deployment's: check
    async.E001 would report it."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    started = settings_at_start(
        monkeypatch,
        {"PRAMERN_ENV": "production", "PRAMERN_HTTPS": "true", "PRAMERN_SECRET_KEY": secrets.token_urlsafe(50)},
    )
    missing = object()
    return {
        name: getattr(started, name)
        for name in dir(started)
        if name.isupper() and name not in KEPT and getattr(settings, name, missing) != getattr(started, name)
    }


def test_the_deploy_check_finds_nothing_but_the_documented_exceptions(monkeypatch, capsys):
    production = deployment_settings(monkeypatch)
    assert production["SECURE_SSL_REDIRECT"] is True and production["SESSION_COOKIE_SECURE"] is True
    with override_settings(**production):
        call_command("check", "--deploy", "--fail-level", "WARNING")
    assert capsys.readouterr().out.strip() == "System check identified no issues (2 silenced)."


def test_the_exceptions_are_exactly_the_two_hsts_choices(monkeypatch):
    production = deployment_settings(monkeypatch)
    with override_settings(**{**production, "SILENCED_SYSTEM_CHECKS": []}):
        with pytest.raises(SystemCheckError) as said:
            call_command("check", "--deploy", "--fail-level", "WARNING")
    assert sorted(re.findall(r"\((\w+\.\w+)\)", str(said.value))) == ["security.W005", "security.W021"]
