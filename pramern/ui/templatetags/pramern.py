"""Template filters shared by every page: bilingual texts, Buddhist-era dates, points."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

from pramern.scoring import format_points
from pramern.scoring.model import Text
from pramern.thaidates import thai_date

register = template.Library()


def _english() -> bool:
    return (get_language() or "th").startswith("en")


@register.filter
def tr(text: Text | None) -> str:
    """A framework text in the active language (Thai unless English is chosen)."""
    if text is None:
        return ""
    return text.en if _english() else text.th


@register.filter
def bedate(day: dt.date | dt.datetime | None) -> str:
    """``25 ก.ค. 2567`` in Thai; ``25 Jul 2024`` in English."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return date_format(day, "j M Y") if _english() else thai_date(day)


@register.filter
def points(value: Decimal | int | None) -> str:
    """``Decimal('2.50')`` -> ``2.5``."""
    if value is None:
        return ""
    return format_points(Decimal(value))
