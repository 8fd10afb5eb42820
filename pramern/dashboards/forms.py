"""The dashboard's filters, read from the query string through a form: a value the page does
not offer (``region=²``, an unknown round, ``page=x``) is a 400, never a server error."""

from __future__ import annotations

from typing import Any

from django import forms

from pramern.dashboards.summary import DashboardQuery
from pramern.organizations.models import Unit


class DashboardFilterForm(forms.Form):
    round = forms.ChoiceField(required=False)
    kind = forms.MultipleChoiceField(choices=Unit.Kind.choices, required=False)
    region = forms.IntegerField(required=False, min_value=0, max_value=32767)  # Unit.region's range
    q = forms.CharField(required=False, max_length=100)  # words of a unit's name or code
    # a page number (past the last: the last page) or "all"; ASCII digits only ("²" is a digit to isdigit)
    page = forms.RegexField(regex=r"\A(?:[1-9][0-9]{0,5}|all)\Z", required=False)

    def __init__(self, data: Any, *, rounds: list[str]) -> None:
        super().__init__(data)
        self.fields["round"].choices = [("", ""), *((code, code) for code in rounds)]

    def query(self) -> DashboardQuery:
        """What the valid form asks for."""
        data = self.cleaned_data
        return DashboardQuery(
            round_code=data["round"] or None,
            kinds=data["kind"],
            region=data["region"],
            search=data["q"],
            page=data["page"],
        )
