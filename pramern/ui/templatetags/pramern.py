"""Template filters shared by every page: bilingual texts, Buddhist-era dates, points."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pramern.assessments.years import year_label, year_of
from pramern.audit.services import display_name
from pramern.scoring import format_points
from pramern.scoring.model import Text
from pramern.thaidates import thai_month
from pramern.ui import text

register = template.Library()

#: What ``json_data`` escapes: a "</script>" or "<!--" in the data cannot end or change the element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_data(value: Any, element_id: str) -> SafeString:
    """``value`` as JSON in ``<script id=element_id type="application/json">``, as Django's
    ``json_script`` writes it but with Thai as it is: three bytes a character, not a six-byte
    escape (half the size of a chart's unit names)."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(data))


@register.filter
def tr(value: Text | None) -> str:
    """A framework text in the active language (Thai unless English is chosen)."""
    return text.tr(value)


@register.filter
def edits(access: Any, unit_id: int) -> bool:
    """``{% if access|edits:unit.pk %}``: whether this person changes that unit's data."""
    return bool(access.can_edit(unit_id))


@register.filter
def person(user: Any) -> str:
    """A person as pages name them: "อลิส ใจดี (alice)", or the user name alone."""
    return "" if user is None else display_name(user)


@register.filter(expects_localtime=True)  # a time of day is shown in Bangkok time, not UTC
def bedate(day: dt.date | dt.datetime | str | None) -> str:
    """``25 ก.ค. 2567`` in Thai; ``25 Jul 2024`` in English."""
    return text.bedate(day)


@register.filter
def points(value: Decimal | int | str | None) -> str:
    """``Decimal('2.50')`` -> ``2.5``."""
    if value is None or value == "":
        return ""
    return format_points(Decimal(value))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ totals|get:code }}``: a mapping's value for a key that is itself a variable."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def filesize(size: int | None) -> str:
    """Bytes as KB/MB, the way people read them."""
    if not size:
        return "0 KB"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@register.simple_tag
def field_label(fact: Any, name: str, value: Any) -> str:
    """A record's field as people read it: the flag's label, the choice's label, a value."""
    spec = fact.fields.get(name)
    if spec is not None:
        if spec.kind == "flag":
            return tr(spec.label) if value else ""
        if spec.kind == "choice":
            return f"{tr(spec.label)}: {tr(spec.choices.get(value))}" if value in spec.choices else str(value)
        return f"{tr(spec.label)}: {value}"
    if name == "option" and value in fact.options:
        return tr(fact.options[value].label)
    if name == "covers" and isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return f"{_('month')}: {thai_month(int(value[:4]), int(value[5:]))}"  # else shown as stored
    labels = {"value": _("number"), "claimed": _("claimed"), "verified": _("verified by the evaluator")}
    return f"{labels.get(name, name)}: {value}"


ACTION_LABELS = {
    "pramern.record.created": gettext_lazy("added a record"),
    "pramern.record.changed": gettext_lazy("changed a record"),
    "pramern.record.deleted": gettext_lazy("deleted a record"),
    "pramern.evidence.added": gettext_lazy("added evidence"),
    "pramern.evidence.attached": gettext_lazy("used evidence for a record"),
    "pramern.evidence.detached": gettext_lazy("removed evidence from a record"),
    "pramern.evidence.deleted": gettext_lazy("deleted evidence"),
    "pramern.evidence.purged": gettext_lazy("an administrator removed evidence for good"),
    "pramern.round.submit": gettext_lazy("submitted the round"),
    "pramern.round.resubmit": gettext_lazy("resubmitted the round"),
    "pramern.round.start_review": gettext_lazy("started the review"),
    "pramern.round.return": gettext_lazy("returned the round for revision"),
    "pramern.round.verify": gettext_lazy("verified the round"),
    "pramern.round.publish": gettext_lazy("published the round"),
    "pramern.verdict.given": gettext_lazy("gave a verdict"),
    "pramern.verdict.value": gettext_lazy("gave a verified value"),
    "pramern.override.set": gettext_lazy("overrode the points"),
    "pramern.override.cleared": gettext_lazy("removed an override"),
    "pramern.comment.added": gettext_lazy("commented"),
    "pramern.deadline.extended": gettext_lazy("extended the deadline"),
    "pramern.assessment.imported": gettext_lazy("imported a file"),
    "pramern.assessment.staff_changed": gettext_lazy("changed the staff counts"),
    "pramern.review.conflict_refused": gettext_lazy("was refused: a review of their own unit"),
    "pramern.record.copied": gettext_lazy("copied a record from last year"),
    "pramern.assessment.opened": gettext_lazy("opened the year for the unit"),
    "pramern.item.assigned": gettext_lazy("gave the item to someone"),
    "pramern.item.unassigned": gettext_lazy("took the item back from its assignee"),
}


@register.simple_tag
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


@register.filter
def index(sequence: Any, position: int) -> Any:
    """``{{ lines|index:forloop.counter0 }}``: the element at a position."""
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None


@register.filter
def status_of(locks: Any, round_code: str) -> Any:
    """``{{ ws.locks|status_of:code }}``: one round's status."""
    return locks.status(round_code)


@register.filter
def signed(value: Decimal | int | None) -> str:
    """A difference between years: ``+2``, ``-1.5``, ``0`` (``–`` when there is none)."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    return ("+" if number > 0 else "") + format_points(number)


@register.filter
def fiscal_year(framework: Any) -> str:
    """``{{ assessment.framework|fiscal_year }}``: "ปีงบประมาณ 2567", the framework's fiscal year."""
    return year_label(year_of(framework))
