"""The dashboard's filters, read from the query string through a form: a value the page does
not offer (``region=²``, an unknown round) is a 400, never a server error."""

from __future__ import annotations

from typing import Any

from django import forms

from pramern.organizations.models import Unit


class DashboardFilterForm(forms.Form):
    round = forms.ChoiceField(required=False)
    kind = forms.MultipleChoiceField(choices=Unit.Kind.choices, required=False)
    region = forms.IntegerField(required=False, min_value=0, max_value=32767)  # Unit.region's range

    def __init__(self, data: Any, *, rounds: list[str]) -> None:
        super().__init__(data)
        self.fields["round"].choices = [("", ""), *((code, code) for code in rounds)]
