"""Texts in the active language: framework texts and dates (Buddhist era in Thai, in Bangkok
time). Plain functions for services, forms and views; the template filters wrap them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pramern.scoring.model import FactSpec, Text
from pramern.thaidates import thai_date, thai_month


def english() -> bool:
    return (get_language() or "th").startswith("en")


def tr(text: Text | None) -> str:
    """A framework text in the active language (Thai unless English is chosen)."""
    if text is None:
        return ""
    return text.en if english() else text.th


def bedate(day: dt.date | dt.datetime | str | None) -> str:
    """``25 ก.ค. 2567`` in Thai; ``25 Jul 2024`` in English; a moment is dated in local time."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):  # an ISO date kept in the audit log
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            return day
    if isinstance(day, dt.datetime):
        day = (timezone.localtime(day) if timezone.is_aware(day) else day).date()
    return date_format(day, "j M Y") if english() else thai_date(day)


def field_parts(fact: FactSpec, name: str, value: Any) -> tuple[str, str]:
    """A record's field as people read it, as (label, value) in the active language: a flag as
    yes/no, a choice or option by its label, a month of ``covers`` in the Buddhist era, anything
    else as stored (used where a field is named apart from its value: exports, import previews)."""
    spec = fact.fields.get(name)
    if spec is not None:
        if spec.kind == "flag":
            return tr(spec.label), _("yes") if value else _("no")
        if spec.kind == "choice" and value in spec.choices:
            return tr(spec.label), tr(spec.choices[value])
        return tr(spec.label), "" if value is None else str(value)
    if name == "option":
        return _("option"), tr(fact.options[value].label) if value in fact.options else str(value)
    if name == "covers" and isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return _("month"), thai_month(int(value[:4]), int(value[5:])) if not english() else value
    labels = {"value": _("number"), "claimed": _("claimed"), "verified": _("verified by the evaluator")}
    return str(labels.get(name, name)), "" if value is None else str(value)


def ordered_fields(fact: FactSpec | None, data: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A record's fields in the order the framework declares them, then the others as stored
    (PostgreSQL's jsonb keeps no order of its own)."""
    declared = list(fact.fields) if fact is not None else []
    rank = {name: n for n, name in enumerate(declared)}
    return sorted(data.items(), key=lambda pair: rank.get(pair[0], len(declared)))
