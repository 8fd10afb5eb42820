from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
