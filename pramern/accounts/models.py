"""What the accounts app keeps in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# ---- issue 12: sessions -------------------------------------------------------------------------


class SignedInSessionQuerySet(models.QuerySet["SignedInSession"]):
    def of(self, user: Any) -> SignedInSessionQuerySet:
        """``user``'s sessions, the most recently used first (the sessions page's order)."""
        return self.filter(user=user).order_by("-last_seen", "-pk")

    def active(self, now: dt.datetime | None = None) -> SignedInSessionQuerySet:
        """Sessions still within the absolute limit (PRAMERN_SESSION_HOURS) and, when the idle
        timeout is on, used within it (to the minute: ``last_seen`` moves at most once a minute)."""
        return self.filter(_in_time(now or timezone.now()))

    def stale(self, now: dt.datetime | None = None) -> SignedInSessionQuerySet:
        """Sessions that have ended by time (their rows only remain)."""
        return self.exclude(_in_time(now or timezone.now()))


def _in_time(now: dt.datetime) -> models.Q:
    within = models.Q(created__gt=now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    if settings.IDLE_MINUTES:
        within &= models.Q(last_seen__gt=now - dt.timedelta(minutes=settings.IDLE_MINUTES + 1))
    return within


class SignedInSession(models.Model):
    """One log-in on one device: a row beside Django's session (kept in whichever session store
    is configured), so that a person can see their devices and end them, and an administrator all
    of a person's. Created on log-in, deleted on log-out or when ended; ``last_seen`` moves at most
    once a minute (pramern.accounts.middleware)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions", verbose_name=_("person")
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    user_agent = models.CharField(_("browser (User-Agent)"), max_length=500, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen = models.DateTimeField(_("last used"), default=timezone.now)

    objects = SignedInSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created:%Y-%m-%d %H:%M} {self.address or '-'}"


# ---- end of issue 12: sessions ------------------------------------------------------------------
