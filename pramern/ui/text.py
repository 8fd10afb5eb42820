"""Texts in the active language: framework texts and dates (Buddhist era in Thai, in Bangkok
time). Plain functions for services, forms and views; the template filters wrap them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

from pramern.scoring.model import Text
from pramern.thaidates import thai_date


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
