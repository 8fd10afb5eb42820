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


def pseudonymise(
    actor_id: int, pseudonym: str, replacements: dict[str, str], *, exact: dict[str, str] | None = None
) -> int:
    """The one exception to the append-only log (PDPA erasure, docs/privacy.md): in every entry
    the person acted in, ``actor_name`` becomes ``pseudonym``; in every entry, each copy of
    their name or e-mail in ``object_repr`` and in the text values of ``data`` is replaced
    (``replacements``: old text -> new text, longest first; ``exact``: text values replaced only
    when they are the whole value, such as a user name). No entry is added or deleted; ``created``,
    ``actor``, ``action``, the object, the assessment and the item are never written. Returns how
    many entries changed. The caller logs the erasure (``pramern.privacy.person_erased``)."""
    olds = sorted((old for old in replacements if old), key=len, reverse=True)
    exact = {old: new for old, new in (exact or {}).items() if old}

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            if value in exact:
                return exact[value]
            for old in olds:
                value = value.replace(old, replacements[old])
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    changed = 0
    rows = AuditEntry.objects.order_by("pk").values_list("pk", "actor_id", "actor_name", "object_repr", "data")
    for pk, entry_actor, actor_name, object_repr, data in rows.iterator(chunk_size=2000):
        fields: dict[str, Any] = {}
        name = pseudonym if entry_actor == actor_id else clean(actor_name)
        if name != actor_name:
            fields["actor_name"] = name[:150]
        if (text := clean(object_repr)[:200]) != object_repr:
            fields["object_repr"] = text
        if (cleaned := clean(data)) != data:
            fields["data"] = cleaned
        if fields:
            # AuditQuerySet.update refuses every change; this is the documented exception.
            models.QuerySet.update(AuditEntry.objects.filter(pk=pk), **fields)
            changed += 1
    return changed
