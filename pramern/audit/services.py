from __future__ import annotations

import re
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


#: Characters that may stand in an e-mail address: a copy of an address is replaced only where
#: neither side continues it (``a@x.co`` is not inside ``ba@x.co`` nor ``a@x.com``).
_ADDRESS_BEFORE = r"(?<![\w.%+\-@])"
_ADDRESS_AFTER = r"(?![\w@\-]|\.[\w\-])"

#: Keys of audit ``data`` (at any depth) that hold a device's network address or browser
#: (session entries, accounts/sessions.py); erasure empties them in entries about the person.
DEVICE_KEYS = frozenset({"address", "user_agent"})


def pseudonymise(
    actor_id: int,
    pseudonym: str,
    names: dict[str, str],
    *,
    emails: dict[str, str] | None = None,
    subject: tuple[str, str] | None = None,
) -> int:
    """The one exception to the append-only log (PDPA erasure, docs/privacy.md). Only the erased
    person's own copies change, never another person's text that merely shares letters (Thai has
    no spaces between words, so a plain substring replace would reach "อลิสา" from "อลิส"):

    - ``actor_name`` becomes ``pseudonym`` in entries the person acted in (``actor_id``), or where
      it equals exactly one of ``names``;
    - ``object_repr`` and each text value of ``data`` are replaced only when the whole value is
      one of ``names`` (old text -> new text: display name, full name, user name, e-mail);
    - each of ``emails`` is replaced inside longer text only as a whole address (bounded);
    - in entries about the person (``subject``: object type and id, or acted in by them), the
      device fields of ``data`` (``DEVICE_KEYS``: network address, browser) are emptied.

    No entry is added or deleted; ``created``, ``actor``, ``action``, the object, the assessment
    and the item are never written. Returns how many entries changed. The caller logs the erasure
    (``pramern.privacy.person_erased``)."""
    whole = {old: new for old, new in names.items() if old}
    bounded = [
        (re.compile(_ADDRESS_BEFORE + re.escape(old) + _ADDRESS_AFTER, re.IGNORECASE), new)
        for old, new in sorted((emails or {}).items(), key=lambda pair: len(pair[0]), reverse=True)
        if old
    ]

    def clean(value: Any, device: bool) -> Any:
        if isinstance(value, str):
            if value in whole:
                return whole[value]
            for pattern, new in bounded:
                value = pattern.sub(lambda _match, new=new: new, value)
            return value
        if isinstance(value, list):
            return [clean(v, device) for v in value]
        if isinstance(value, dict):
            return {k: "" if device and k in DEVICE_KEYS else clean(v, device) for k, v in value.items()}
        return value

    changed = 0
    rows = AuditEntry.objects.order_by("pk").values_list(
        "pk", "actor_id", "actor_name", "object_type", "object_id", "object_repr", "data"
    )
    for pk, entry_actor, actor_name, object_type, object_id, object_repr, data in rows.iterator(chunk_size=2000):
        fields: dict[str, Any] = {}
        mine = entry_actor == actor_id
        about = mine or (subject is not None and (object_type, object_id) == subject)
        name = pseudonym if mine or actor_name in whole else actor_name
        if name != actor_name:
            fields["actor_name"] = name[:150]
        if (text := clean(object_repr, False)[:200]) != object_repr:
            fields["object_repr"] = text
        if (cleaned := clean(data, about)) != data:
            fields["data"] = cleaned
        if fields:
            # AuditQuerySet.update refuses every change; this is the documented exception.
            models.QuerySet.update(AuditEntry.objects.filter(pk=pk), **fields)
            changed += 1
    return changed
