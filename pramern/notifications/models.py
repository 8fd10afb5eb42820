"""Each person's notifications (the inbox behind the bell) and which kinds also come by email.

The kinds are a registry (``KINDS``), not choices: a kind added later (by a workflow that calls
``services.deliver``) lands in the inbox at once and emails by default until it is registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pramern.assessments.models import Assessment
from pramern.ui.text import english

#: Who receives a kind (``Kind.audience``): the unit's people, evaluators, executives.
UNIT, EVALUATORS, EXECUTIVES = "unit", "evaluators", "executives"


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its name on the settings page, whether it emails by default (as
    before the inbox existed: the kinds that sent email still do, the new ones do not) and who
    receives it (the settings page offers a person the kinds they can receive)."""

    code: str
    label: Promise
    emails_by_default: bool
    audience: frozenset[str]


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("submit", _("A unit submitted a round (to the Evaluation Centre)"), True, frozenset({EVALUATORS})),
        Kind(
            "resubmit",
            _("A unit resubmitted a returned round (to the Evaluation Centre)"),
            True,
            frozenset({EVALUATORS}),
        ),
        Kind("return", _("A round was returned for revision"), True, frozenset({UNIT})),
        Kind("verify", _("A round was verified"), False, frozenset({UNIT})),
        Kind("publish", _("Verified results were published"), True, frozenset({UNIT, EXECUTIVES})),
        Kind(
            "reopen",
            _("A published round was reopened for review"),
            True,
            frozenset({UNIT, EVALUATORS, EXECUTIVES}),
        ),
        Kind("comment", _("A new comment in an item's thread"), False, frozenset({UNIT, EVALUATORS})),
        Kind("deadline", _("A round's submission deadline is near"), True, frozenset({UNIT})),
        # issue 12: a security notice, always by email too (no audience: never offered to switch off)
        Kind("two_factor_reset", _("Your two-factor authentication was reset"), True, frozenset()),
    )
}


def emails_by_default(kind: str) -> bool:
    """Whether a kind emails when a person has not chosen (an unregistered kind: yes, as before)."""
    found = KINDS.get(kind)
    return True if found is None else found.emails_by_default


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_person(self, user: Any) -> NotificationQuerySet:
        """A person's notifications, newest first, with the unit they are about (the inbox)."""
        return self.filter(recipient=user).select_related("assessment__unit").order_by("-created_at", "-id")

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One event told to one person, in Thai and English (each person reads their language)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30)
    subject_th = models.CharField(_("subject (Thai)"), max_length=300)
    subject_en = models.CharField(_("subject (English)"), max_length=300)
    body_th = models.TextField(_("message (Thai)"), blank=True)
    body_en = models.TextField(_("message (English)"), blank=True)
    #: A path on this site (the round, the item): where the notification leads.
    link = models.CharField(_("link"), max_length=500, blank=True)
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}: {self.subject_th[:40]}"

    @property
    def subject(self) -> str:
        return self.subject_en if english() and self.subject_en else self.subject_th

    @property
    def body(self) -> str:
        return self.body_en if english() and self.body_en else self.body_th

    @property
    def kind_label(self) -> str:
        found = KINDS.get(self.kind)
        return str(found.label) if found else self.kind


class EmailChoice(models.Model):
    """A person's choice for one kind: also by email, or in the inbox only (no row: the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="email_choices"
    )
    kind = models.CharField(_("kind"), max_length=30)
    email = models.BooleanField(_("also by email"))

    class Meta:
        verbose_name = _("email choice")
        verbose_name_plural = _("email choices")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_choice_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.email}"
