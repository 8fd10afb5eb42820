from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pramern.accounts.directory import Outcome, directory_outcome


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, except that people who have no password yet may ask for a link too: in
    Pramern that means an imported person whose invitation expired. Accounts kept elsewhere get
    no link: those the directory manages and those linked to OpenID Connect (their password is
    the directory's or the provider's; a local one would be a way in that bypasses it)."""

    def get_users(self, email: str) -> Iterator[Any]:
        email_field = get_user_model().get_email_field_name()
        people = get_user_model()._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
        people = people.filter(directory_account__isnull=True, oidc_links__isnull=True).distinct()
        for user in people:
            if _folded(getattr(user, email_field)) == _folded(email):
                yield user


def _folded(text: str) -> str:
    """Compared as Django compares addresses: NFKC and case folded (ß matches ss, not SS alone)."""
    return unicodedata.normalize("NFKC", text).casefold()


class InvitationChoiceForm(forms.Form):
    """The people an administrator ticked to e-mail their invitations to: only people the last
    import created (``imported``: their ids); anything else is a form error, never a server error."""

    person = forms.TypedMultipleChoiceField(coerce=int, error_messages={"required": _("Choose the people to invite.")})

    def __init__(self, data: Any, *, imported: list[int]) -> None:
        super().__init__(data)
        people = self.fields["person"]
        assert isinstance(people, forms.TypedMultipleChoiceField)
        people.choices = [(pk, pk) for pk in imported]


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form, with a message for each reason the directory gave (wrong password,
    account disabled, no Pramern account, directory down); local accounts log in as before."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not right. Try again."),
        Outcome.BAD_CREDENTIALS: _("The username or password is not right. Try again."),
        Outcome.DISABLED: _(
            "This account is disabled in the organisation's directory or in Pramern, so it cannot log in. "
            "Ask the IT unit or Pramern's administrator."
        ),
        Outcome.UNKNOWN_TO_PRAMERN: _(
            "Your organisation account is right, but it has no Pramern account yet. "
            "Ask Pramern's administrator to add you."
        ),
        Outcome.EXPIRED: _(
            "The password of your organisation account has expired or must be changed. "
            "Change it as the IT unit tells you (for example on your office computer), then log in again."
        ),
        Outcome.DOWN: _(
            "The organisation's directory cannot be reached just now, so organisation accounts cannot log in. "
            "Local Pramern accounts still work; if you have one, check its username and password. "
            "Otherwise try again later or tell the IT unit."
        ),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        outcome = directory_outcome(self.request)
        if outcome is None:
            return super().get_invalid_login_error()
        return forms.ValidationError(self.error_messages[outcome], code=str(outcome))
