"""The inbox page's read model: a person's newest notifications and how many are unread; the bell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import cached_property

from pramern.notifications.models import Notification
from pramern.notifications.unread import unread_count

#: Notifications the inbox shows (the newest); older ones stay in the database.
INBOX_SIZE = 100


@dataclass(frozen=True)
class Inbox:
    entries: list[Notification]
    unread: int
    total: int


def inbox_page(user: Any) -> Inbox:
    """The newest ``INBOX_SIZE`` notifications of ``user`` with their units, and the counts (3 queries)."""
    mine = Notification.objects.for_person(user)
    return Inbox(entries=list(mine[:INBOX_SIZE]), unread=unread_count(user), total=mine.count())


class Bell:
    """The header's bell: ``unread`` is counted (one query) the first time a template reads it, so
    a page that does not show the bell (a signed-out reader, an htmx fragment) pays nothing. A page
    that has counted already (the inbox) passes its count."""

    def __init__(self, user: Any, *, unread: int | None = None) -> None:
        self._user = user
        if unread is not None:
            self.__dict__["unread"] = unread

    @cached_property
    def unread(self) -> int:
        if not getattr(self._user, "is_authenticated", False):
            return 0
        return unread_count(self._user)
