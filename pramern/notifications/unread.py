"""The bell's count of a person's unread notifications, kept in the cache and forgotten whenever
their notifications change (every page shows it: one query less a page)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from pramern.notifications.models import Notification
from pramern.reports import caching

logger = logging.getLogger(__name__)


#: Seconds the bell's count is kept in the cache; every change of a person's notifications forgets
#: it (``forget_unread``) at once and again when it commits.
UNREAD_SECONDS = 60


def _unread_key(user_id: int) -> str:
    return f"bell:{user_id}"


def unread_count(user: Any) -> int:
    """How many notifications of ``user`` are unread (the bell, on every page): one query, or none
    while the cache holds the count. Kept only in a cache every process shares (Redis): in each
    process's own memory, one worker would show a count another has changed."""
    if not caching.shared():
        return _counted(user)
    key = _unread_key(user.pk)
    try:
        kept = cache.get(key)
    except Exception:  # Redis down: the page works, only slower
        kept = None
    if kept is not None:
        return int(kept)
    count = _counted(user)
    try:
        cache.set(key, count, UNREAD_SECONDS)
    except Exception:
        logger.warning("cache unreachable: the bell's count not kept", exc_info=True)
    return count


def _counted(user: Any) -> int:
    return Notification.objects.filter(recipient=user).unread().count()


def forget_unread(user_ids: Iterable[int]) -> None:
    """The unread counts of these people changed: forget them now and again when the change
    commits (a count read meanwhile, by another request, saw the database before the change)."""
    keys = [_unread_key(pk) for pk in set(user_ids)]
    if not keys:
        return

    def forget() -> None:
        try:
            cache.delete_many(keys)
        except Exception:
            logger.warning("cache unreachable: the bell's counts not forgotten", exc_info=True)

    forget()
    transaction.on_commit(forget)


def _notification_changed(sender: Any, instance: Notification, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        forget_unread([instance.recipient_id])


def connect() -> None:
    """Forget a count whenever a notification is saved or deleted one by one (``NotificationsConfig.ready``);
    the bulk writes (``notify``, ``mark_all_read``) call ``forget_unread`` themselves."""
    post_save.connect(_notification_changed, sender=Notification, dispatch_uid="pramern-bell-save")
    post_delete.connect(_notification_changed, sender=Notification, dispatch_uid="pramern-bell-delete")
