from __future__ import annotations

from typing import Any

from django import forms

from pramern.notifications.models import KINDS


class EmailChoicesForm(forms.Form):
    """One check box per kind of notification: also send it by email."""

    def __init__(self, *args: Any, initial_choices: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, email in initial_choices.items():
            self.fields[code] = forms.BooleanField(label=KINDS[code].label, required=False, initial=email)

    def choices(self) -> dict[str, bool]:
        return {code: bool(self.cleaned_data.get(code)) for code in self.fields}
