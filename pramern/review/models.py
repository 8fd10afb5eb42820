"""The Evaluation Centre's side: verdicts on records, overrides, comments, deadline extensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pramern.assessments.models import Assessment, Record


class Verdict(models.Model):
    """The evaluator's decision on one record (the latest; earlier ones are in the audit log)."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        NEEDS_REVISION = "needs_revision", _("needs revision")

    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="verdict")
    status = models.CharField(_("verdict"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT)
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")

    def __str__(self) -> str:
        return f"{self.record} {self.status}"


class Override(models.Model):
    """An evaluator's points for an item, with the reason; always shown beside the computed value."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="overrides")
    round_code = models.CharField(_("round"), max_length=20)
    item_code = models.CharField(_("item"), max_length=20)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT)
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("override")
        verbose_name_plural = _("overrides")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "round_code", "item_code"], name="override_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.round_code} {self.item_code} = {self.points}"


class Comment(models.Model):
    """The thread of an item between the unit and the evaluators."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    item_code = models.CharField(_("item"), max_length=20)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["assessment", "item_code"])]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.body[:40]}"


class DeadlineExtension(models.Model):
    """A later submission deadline for one unit and round, granted with a reason (an exception)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="extensions")
    round_code = models.CharField(_("round"), max_length=20)
    deadline = models.DateField(_("extended deadline"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT)
    granted_at = models.DateTimeField(_("granted at"))

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "round_code"], name="one_extension_per_unit_round")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.round_code} → {self.deadline}"


class ReminderSent(models.Model):
    """A deadline reminder already sent, so that the reminder job is safe to run twice."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reminders")
    round_code = models.CharField(max_length=20)
    deadline = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "round_code", "deadline", "days_before"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.round_code} -{self.days_before}d"


class Assignment(models.Model):
    """The evaluator of the Evaluation Centre who reviews a unit's assessment of one year (every
    round of it), chosen by an administrator."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="assignment")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned evaluator"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"))

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")

    def __str__(self) -> str:
        return f"{self.assessment} → {self.evaluator}"
