"""Signed-in sessions: noted at log-in, forgotten at log-out, kept up to date at most once a
minute, and ended by their person (one, or all but the current) or an administrator (all of a
person's, also when the account is deactivated).

Ending a session deletes it from Django's session store through ``SessionStore(key).delete()``,
so it works with the database and the cache back ends alike: the next request from that device
is not logged in. (The signed-cookie back end keeps sessions in the browser: they cannot be ended.)
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from pramern.accounts.models import SignedInSession
from pramern.accounts.throttling import client_address
from pramern.audit.services import log_action

#: Session data: the pk of the session's SignedInSession row ("this device" on the page).
ROW = "pramern_session_row"
#: Session data: when the session was last noted in use, in seconds since the epoch.
SEEN = "pramern_seen"
#: ``last_seen`` (and SEEN) move at most this often, so most requests write nothing.
TOUCH_SECONDS = 60


def session_store(session_key: str | None = None) -> SessionBase:
    """A session of the configured back end (SESSION_ENGINE)."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)  # type: ignore[no-any-return]


def _address(request: HttpRequest) -> str | None:
    """The client's address as the log-in throttle counts it (PRAMERN_TRUSTED_PROXIES), if it is one."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def _user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[: SignedInSession._meta.get_field("user_agent").max_length]


def record_sign_in(request: HttpRequest, user: Any) -> SignedInSession:
    """Note a log-in: its row, the session's absolute end (PRAMERN_SESSION_HOURS from now, never
    pushed back by later writes of the session) and its first use. Rows of sessions that have
    ended by time (anyone's) are forgotten: a row outlives its session until the next log-in."""
    session = request.session
    if session.session_key is None:
        session.save()  # a flushed session (another person logged in before) gets its key now
    now = timezone.now()
    session.set_expiry(now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    SignedInSession.objects.stale(now).delete()
    row, _ = SignedInSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "user_agent": _user_agent(request),
            "address": _address(request),
            "created": now,
            "last_seen": now,
        },
    )
    session[ROW] = row.pk
    session[SEEN] = int(now.timestamp())
    return row


def note_use(request: HttpRequest, user_id: Any, now: float) -> None:
    """The session was used at ``now``: one UPDATE (a row is made for a log-in from before the
    sessions were listed). The session key is written too: a password change gives it a new one."""
    session = request.session
    session[SEEN] = int(now)
    moment = dt.datetime.fromtimestamp(now, tz=dt.UTC)
    row = session.get(ROW)
    key = session.session_key
    if row and SignedInSession.objects.filter(pk=row, user_id=user_id).update(last_seen=moment, session_key=key):
        return
    if key is None:
        return
    made, _ = SignedInSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user_id": user_id,
            "user_agent": _user_agent(request),
            "address": _address(request),
            "last_seen": moment,
        },
    )
    session[ROW] = made.pk


def follow_key(row: int, session_key: str) -> None:
    """The session's key changed during a request (a password change cycles it): the row follows."""
    SignedInSession.objects.filter(pk=row).update(session_key=session_key)


def forget_sign_out(request: HttpRequest) -> None:
    """The person logged out: their session's row goes (the session itself is flushed by Django)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    row = session.get(ROW)
    if row:
        SignedInSession.objects.filter(pk=row).delete()
    elif session.session_key:
        SignedInSession.objects.filter(session_key=session.session_key).delete()


def live_keys(keys: Iterable[str]) -> set[str]:
    """The keys among ``keys`` whose sessions still exist in the store (one query for the database
    back ends; one look-up per key for the others)."""
    keys = list(keys)
    if not keys:
        return set()
    store = session_store()
    if isinstance(store, DatabaseSessionStore):  # db and cached_db
        model = store.get_model_class()
        found = model.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        return set(found.values_list("session_key", flat=True))
    return {key for key in keys if store.exists(key)}


def _end(rows: Iterable[SignedInSession]) -> list[SignedInSession]:
    ended = list(rows)
    for row in ended:
        session_store(row.session_key).delete()
    SignedInSession.objects.filter(pk__in=[row.pk for row in ended]).delete()
    return ended


def _described(row: SignedInSession) -> dict[str, Any]:
    return {"user_agent": row.user_agent, "address": row.address, "signed_in": row.created.isoformat()}


def end_session(row: SignedInSession, *, actor: Any) -> None:
    """End one session (the person's own, from the sessions page): its device is logged out."""
    _end([row])
    log_action("pramern.session.ended", row.user, actor=actor, data=_described(row))


def end_other_sessions(user: Any, *, keep: int | None, actor: Any, reason: str = "person") -> int:
    """End every session of ``user`` but the row ``keep`` (the current one); returns how many ended."""
    ended = _end(SignedInSession.objects.filter(user=user).exclude(pk=keep))
    if ended:
        log_action(
            "pramern.session.ended_others",
            user,
            actor=actor,
            data={"count": len(ended), "reason": reason, "sessions": [_described(row) for row in ended]},
        )
    return len(ended)


def end_all_sessions(user: Any, *, actor: Any, reason: str) -> int:
    """End every session of ``user`` (an administrator's action, a deactivation, a password reset);
    returns how many ended. Sessions made before the sessions were listed and not used since have
    no row and are not found: they end by time."""
    ended = _end(SignedInSession.objects.filter(user=user))
    if ended or reason == "administrator":
        log_action(
            "pramern.session.ended_all",
            user,
            actor=actor,
            data={"count": len(ended), "reason": reason, "sessions": [_described(row) for row in ended]},
        )
    return len(ended)


# --- receivers (connected by AccountsConfig.ready importing this module) --------------------------


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        record_sign_in(request, user)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        forget_sign_out(request)


WAS_ACTIVE = "_pramern_was_active"


@receiver(post_init, sender=settings.AUTH_USER_MODEL)
def _remember_active(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A deferred is_active stays unread: reading it here would cost a query per user loaded.
    if "is_active" in instance.__dict__:
        setattr(instance, WAS_ACTIVE, instance.is_active)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _end_sessions_of_deactivated(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    was_active = getattr(instance, WAS_ACTIVE, None)
    if "is_active" in instance.__dict__:
        setattr(instance, WAS_ACTIVE, instance.is_active)
        if was_active and not instance.is_active and not created:
            end_all_sessions(instance, actor=None, reason="deactivated")
