from __future__ import annotations

from typing import Any

from django.db import models

from pramern.audit.models import AuditEntry


def log_action(
    action: str,
    obj: models.Model,
    *,
    actor: Any = None,
    data: dict[str, Any] | None = None,
    assessment_id: int | None = None,
    item_code: str = "",
) -> AuditEntry:
    """Record a state change: ``action`` is a dotted code such as ``pramern.framework.installed``."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=display_name(user)[:150] if user is not None else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        data=data or {},
        assessment_id=assessment_id,
        item_code=item_code,
    )


def display_name(user: Any) -> str:
    """How people are named on pages and in the record: "อลิส ใจดี (alice)", or the user name."""
    full = user.get_full_name().strip()
    return f"{full} ({user.get_username()})" if full else user.get_username()
