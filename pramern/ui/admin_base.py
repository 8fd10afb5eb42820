"""A base for the admin's model pages that survives junk in what is posted (each a 500 before)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.admin import ModelAdmin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest


class JunkSafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select looks the posted value up again to show it beside the form's
    errors; a value that is no id at all (``unit=²``) raised there."""

    def format_value(self, value: Any) -> list[str]:
        target = self.field.target_field
        out = []
        for v in super().format_value(value):
            try:
                target.to_python(v)
            except (ValidationError, ValueError, TypeError):
                continue
            out.append(v)
        return out


class FiniteJSONField(forms.JSONField):
    """JSON without NaN or Infinity: Python's json reads them, but they are not JSON, and the
    database refuses them (SQLite's JSON_VALID check, PostgreSQL's jsonb)."""

    def to_python(self, value: Any) -> Any:
        converted = super().to_python(value)
        try:
            json.dumps(converted, allow_nan=False)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value}) from None
        return converted


class JunkSafeAdmin(ModelAdmin):
    """A ModelAdmin whose autocomplete and JSON fields answer junk with a form error."""

    formfield_overrides = {
        models.JSONField: {"form_class": FiniteJSONField},
        # Django 6's default, asked for now (Django 5.2 warns on every URL field it builds)
        models.URLField: {"assume_scheme": "https"},
    }

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in self.get_autocomplete_fields(request) and isinstance(db_field, models.ForeignKey):
            widget = JunkSafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs.setdefault("widget", widget)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
