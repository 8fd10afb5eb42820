"""The token in an invitation link: Django's password-reset token with its own salt and lifetime."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Valid for ``INVITATION_DAYS`` (PRAMERN_INVITATION_DAYS) (PASSWORD_RESET_TIMEOUT stays the reset links' own),
    and, like a reset token, only until the password is set (the password hash is in the token).
    Another salt, so a reset token is no invitation and an invitation no reset token."""

    key_salt = "pramern.accounts.tokens.InvitationTokenGenerator"

    @property
    def timeout(self) -> int:
        return int(settings.INVITATION_DAYS) * 24 * 3600

    def check_token(self, user: Any, token: str | None) -> bool:
        # Django's check_token reads PASSWORD_RESET_TIMEOUT; this is the same check with our timeout.
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout


invitation_token_generator = InvitationTokenGenerator()
