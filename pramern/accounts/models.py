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


# ---- issue 12: oidc ---------------------------------------------------------------------------------


#: How a subject that is a citizen ID is kept: its keyed hash after this prefix.
CITIZEN_ID_SUBJECT = "pid-hmac:"


class OIDCLink(models.Model):
    """A person's account at an OpenID Connect provider (issuer + subject) tied to their Pramern
    account: made at their first login, found again at every later one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_links", verbose_name=_("person")
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    #: The provider's ``sub`` claim, or ``pid-hmac:<hash>`` where a provider uses a citizen ID as subject.
    subject = models.CharField(_("subject at the provider"), max_length=255)
    #: Made for an unknown person under the "pending" policy: the account waits for an administrator.
    created_pending = models.BooleanField(_("awaiting approval when made"), default=False)
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last login through it"), null=True, blank=True)

    class Meta:
        verbose_name = _("OpenID Connect link")
        verbose_name_plural = _("OpenID Connect links")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_link_unique_subject")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.issuer}"

    @property
    def shown_subject(self) -> str:
        """The subject as it may be shown (the administration, a person's own data): a citizen
        ID's keyed hash never is."""
        if self.subject.startswith(CITIZEN_ID_SUBJECT):
            return str(_("(a citizen ID, not shown)"))
        return self.subject


class CitizenID(models.Model):
    """A person's Thai citizen ID, registered by an administrator so that their first ThaiD login
    finds their account; only its keyed hash is kept (pramern/accounts/citizen_id.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_id", verbose_name=_("person")
    )
    pid_hash = models.CharField(_("citizen ID (keyed hash)"), max_length=64, unique=True, editable=False)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen ID")
        verbose_name_plural = _("citizen IDs")

    def __str__(self) -> str:
        return str(self.user)


# ---- issue 12: directory-managed accounts (security review S1) ----------------------------------


class DirectoryAccount(models.Model):
    """The mark of an account managed by the directory (LDAP / Active Directory): made at its first
    directory login, which also makes its local password unusable. A marked account logs in only
    through the directory (pramern.accounts.backends refuses its local password), gets no password
    reset link, and is never the break-glass administrator (pramern.accounts.directory)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="directory_account",
        verbose_name=_("person"),
    )
    first_login_at = models.DateTimeField(_("first directory login"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last directory login"), default=timezone.now)

    class Meta:
        verbose_name = _("directory account")
        verbose_name_plural = _("directory accounts")

    def __str__(self) -> str:
        return str(self.user)


def is_directory_managed(user: Any) -> bool:
    """True if ``user`` has logged in through the directory (their account is the directory's)."""
    return bool(user.pk) and DirectoryAccount.objects.filter(user_id=user.pk).exists()
