"""Helpers of the directory login tests: settings.py's directory block applied to a test."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model

from pramern.accounts.ldapconfig import directory_settings

DIRECTORY_BACKEND = "pramern.accounts.directory.DirectoryBackend"


def use_directory(settings: Any, env: Mapping[str, str]) -> None:
    """Configures ``settings`` (pytest-django's fixture) as settings.py does from ``env``."""
    for name, value in directory_settings(env).items():
        setattr(settings, name, value)
    backends = [b for b in settings.AUTHENTICATION_BACKENDS if b != DIRECTORY_BACKEND]
    if settings.DIRECTORY_LOGIN:
        backends.insert(1, DIRECTORY_BACKEND)
    settings.AUTHENTICATION_BACKENDS = backends


def log_in(client: Any, username: str, password: str, address: str = "127.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in_as(client: Any) -> str | None:
    """The user name of the person the client's session belongs to, or None."""
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id).username if user_id else None
