"""Local Pramern passwords: Django's ModelBackend, except for accounts the directory manages.

An account marked as directory-managed (``DirectoryAccount``, made at its first directory login)
logs in only through the directory, so that a person disabled there cannot come in with a local
password set before, by a reset or in the admin. Accounts linked to OpenID Connect have no usable
password and are refused by Django's own check.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from pramern.accounts.models import is_directory_managed


class LocalAccountBackend(ModelBackend):
    """Listed in AUTHENTICATION_BACKENDS instead of ``django.contrib.auth.backends.ModelBackend``."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not is_directory_managed(user)
