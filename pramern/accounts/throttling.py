"""What django-axes needs from Pramern: the client's address and when a lock lifts."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone


def client_address(request: HttpRequest) -> str | None:
    """The address a login counts against (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or behind
    PRAMERN_TRUSTED_PROXIES reverse proxies, the address the outermost of them saw, i.e. the
    N-th entry from the right of X-Forwarded-For. Entries further left are the client's own words
    and are never trusted (else a guesser would name a new address with every try)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


def lock_ends(request: HttpRequest, credentials: dict[str, Any] | None) -> dt.datetime:
    """When the lock on this user name from this address lifts: the last counted failure plus the
    cool-off (failures during the lock are not counted, so this does not move)."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    handler = AxesProxyHandler.get_implementation()
    latest = None
    if isinstance(handler, AxesDatabaseHandler):
        attempts = handler.get_user_attempts(request, credentials)
        times = [qs.aggregate(last=Max("attempt_time"))["last"] for qs in attempts]
        latest = max((t for t in times if t is not None), default=None)
    return (latest or timezone.now()) + cool_off
