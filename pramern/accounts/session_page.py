"""The sessions page's read model: a person's live sessions, this device first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from pramern.accounts.devices import describe
from pramern.accounts.models import SignedInSession
from pramern.accounts.sessions import ROW, live_keys


@dataclass(frozen=True)
class SessionLine:
    pk: int
    device: str
    address: str
    signed_in: dt.datetime
    last_used: dt.datetime
    current: bool


@dataclass(frozen=True)
class SessionsPage:
    lines: list[SessionLine]

    @property
    def others(self) -> int:
        return sum(not line.current for line in self.lines)


def sessions_page(request: HttpRequest) -> SessionsPage:
    """The logged-in person's sessions that are still live: within their time limits and still in
    the session store (a session ended elsewhere, e.g. by a password change, drops out). Two
    queries: the rows, and the store's keys (database back ends)."""
    current = request.session.get(ROW)
    rows = list(SignedInSession.objects.of(request.user).active())
    live = live_keys(row.session_key for row in rows if row.pk != current)
    lines = [_line(row, row.pk == current) for row in rows if row.pk == current or row.session_key in live]
    lines.sort(key=lambda line: not line.current)  # stable: the rest stay most recent first
    return SessionsPage(lines)


def _line(row: SignedInSession, current: bool) -> SessionLine:
    return SessionLine(row.pk, describe(row.user_agent), row.address or "", row.created, row.last_seen, current)


def session_of(user: Any, pk: int) -> SignedInSession | None:
    """``user``'s own session ``pk``; None for anyone else's (the view answers 404)."""
    return SignedInSession.objects.filter(user=user, pk=pk).select_related("user").first()
