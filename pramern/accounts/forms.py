from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, except that people who have no password yet may ask for a link too: in
    Pramern that means an imported person whose invitation expired, not an account kept elsewhere."""

    def get_users(self, email: str) -> Iterator[Any]:
        email_field = get_user_model().get_email_field_name()
        for user in get_user_model()._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True}):
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
