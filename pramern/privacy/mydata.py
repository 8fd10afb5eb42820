"""A person's own data (PDPA right of access): everything Pramern keeps about them, as JSON.

``SECTIONS`` is the one list to extend: a model that keeps something about a person adds a
section (a key and a function returning a list of plain dicts, or a dict). Records, comments and
the like are the person's own only when they wrote them; nobody else's rows are ever included.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from pramern.accounts.models import OIDCLink, SignedInSession
from pramern.assessments.models import Evidence, ItemAssignment, Record
from pramern.audit.models import AuditEntry
from pramern.notifications.models import EmailChoice, Notification
from pramern.organizations.models import Role
from pramern.review.models import Comment, Override, Verdict

FORMAT = "pramern-my-data/1"


@dataclass(frozen=True)
class Section:
    key: str
    collect: Callable[[Any], Any]


def _account(user: Any) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
    }


def _roles(user: Any) -> list[dict[str, Any]]:
    return [
        {"role": r.kind, "role_name": r.get_kind_display(), "unit": r.unit.code if r.unit else None}
        for r in Role.objects.filter(user=user).select_related("unit").order_by("kind", "unit__code")
    ]


def _records(user: Any) -> list[dict[str, Any]]:
    rows = Record.objects.filter(created_by=user).select_related("assessment__unit", "assessment__framework")
    return [
        {
            "id": r.pk,
            "unit": r.assessment.unit.code,
            "framework": f"{r.assessment.framework.code}@{r.assessment.framework.version}",
            **r.snapshot(),
            "created_at": r.created_at,
            "updated_at": r.updated_at,
        }
        for r in rows.defer("assessment__framework__source").order_by("created_at", "id")
    ]


def _evidence(user: Any) -> list[dict[str, Any]]:
    rows = Evidence.objects.filter(uploaded_by=user).select_related("assessment__unit").prefetch_related("records")
    return [
        {"id": e.pk, "unit": e.assessment.unit.code, **e.snapshot(), "added_at": e.created_at, "purged_at": e.purged_at}
        for e in rows.order_by("created_at", "id")
    ]


def _comments(user: Any) -> list[dict[str, Any]]:
    rows = Comment.objects.filter(author=user).select_related("assessment__unit").order_by("created_at", "id")
    return [
        {"id": c.pk, "unit": c.assessment.unit.code, "item": c.item_code, "comment": c.body, "written_at": c.created_at}
        for c in rows
    ]


def _verdicts(user: Any) -> list[dict[str, Any]]:
    rows = Verdict.objects.filter(decided_by=user).select_related("record").order_by("decided_at", "id")
    return [
        {"record": v.record_id, "item": v.record.item_code, "verdict": v.status, "reason": v.reason,
         "decided_at": v.decided_at}
        for v in rows
    ]  # fmt: skip


def _overrides(user: Any) -> list[dict[str, Any]]:
    rows = Override.objects.filter(decided_by=user).select_related("assessment__unit").order_by("decided_at", "id")
    return [
        {"unit": o.assessment.unit.code, "round": o.round_code, "item": o.item_code, "points": o.points,
         "reason": o.reason, "decided_at": o.decided_at}
        for o in rows
    ]  # fmt: skip


def _assignments(user: Any) -> list[dict[str, Any]]:
    rows = ItemAssignment.objects.filter(assignee=user).select_related("assessment__unit").order_by("id")
    return [{"unit": a.assessment.unit.code, "item": a.item_code, "assigned_at": a.assigned_at} for a in rows]


def _audit(user: Any) -> list[dict[str, Any]]:
    """Every entry the person acted in. Where the object is another person (an administrator's
    work on people: roles, sessions ended, two-factor resets), that person's data stays out: the
    object's name and the details are withheld, the action, time and object type are kept."""
    person_type, own_id = get_user_model()._meta.label_lower, str(user.pk)
    rows = AuditEntry.objects.filter(actor=user).order_by("created", "id")
    entries = []
    for e in rows.iterator(chunk_size=2000):
        other = e.object_type == person_type and e.object_id != own_id
        entries.append(
            {"when": e.created, "action": e.action, "object_type": e.object_type,
             "object_id": "" if other else e.object_id, "object": "" if other else e.object_repr,
             "details": {} if other else e.data, "assessment": e.assessment_id, "item": e.item_code,
             **({"withheld": True} if other else {})}
        )  # fmt: skip
    return entries


def _notifications(user: Any) -> list[dict[str, Any]]:
    return [
        {"kind": n.kind, "subject": n.subject_th, "subject_en": n.subject_en, "message": n.body_th,
         "message_en": n.body_en, "link": n.link, "created_at": n.created_at, "read_at": n.read_at,
         "emailed": n.emailed}
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "id")
    ]  # fmt: skip


def _signed_in(user: Any) -> list[dict[str, Any]]:
    return [
        {"browser": s.user_agent, "address": s.address, "signed_in": s.created, "last_used": s.last_seen}
        for s in SignedInSession.objects.of(user)
    ]


def _identity_links(user: Any) -> list[dict[str, Any]]:
    """issue 12: the person's links to identity providers (never the citizen ID's hash)."""
    return [
        {
            "provider": link.issuer,
            "subject": link.shown_subject,  # a citizen ID's hash is not shown
            "linked": link.created_at,
            "last_login": link.last_login_at,
        }
        for link in OIDCLink.objects.filter(user=user).order_by("created_at")
    ]


def _settings(user: Any) -> dict[str, Any]:
    return {
        "email_choices": {c.kind: c.email for c in EmailChoice.objects.filter(user=user).order_by("kind")},
    }


#: Every kind of personal data, in the order of the file. Add a section here when a model keeps
#: something about a person (second-factor devices, OIDC links: see
#: docs/privacy.md); never a secret (a password hash, a TOTP key, a hashed citizen ID).
SECTIONS: list[Section] = [
    Section("account", _account),
    Section("roles", _roles),
    Section("settings", _settings),
    Section("records", _records),
    Section("evidence", _evidence),
    Section("comments", _comments),
    Section("verdicts", _verdicts),
    Section("overrides", _overrides),
    Section("item_assignments", _assignments),
    Section("notifications", _notifications),
    Section("signed_in_sessions", _signed_in),
    Section("identity_links", _identity_links),
    Section("audit_log", _audit),
]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def my_data(user: Any, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything in ``SECTIONS`` about ``user``."""
    out: dict[str, Any] = {"format": FORMAT, "exported_at": now or timezone.now()}
    for section in SECTIONS:
        out[section.key] = section.collect(user)
    return out


def my_data_json(data: dict[str, Any]) -> bytes:
    """The data as UTF-8 JSON with Thai as it is (not \\u escapes), readable by a person."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def counts(data: dict[str, Any]) -> dict[str, int]:
    """How many rows each list section holds (what the audit entry of a download keeps)."""
    return {k: len(v) for k, v in data.items() if isinstance(v, list)}
