"""The append-only audit log: every state change, who made it, when, before and after."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Audit entries are never changed or deleted."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def for_assessment(self, assessment_id: int) -> AuditQuerySet:
        """Everything that happened to an assessment, oldest first, with who did it."""
        return self.filter(assessment_id=assessment_id).select_related("actor").order_by("created", "id")

    def for_item(self, assessment_id: int, item_code: str) -> AuditQuerySet:
        """An item's history in an assessment, newest first, with who did it."""
        return (
            self.filter(assessment_id=assessment_id, item_code=item_code)
            .select_related("actor")
            .order_by("-created", "-id")
        )

    def for_object(self, obj: models.Model) -> AuditQuerySet:
        """One object's history, newest first, with who did it."""
        return (
            self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
            .select_related("actor")
            .order_by("-created", "-id")
        )

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True, on_delete=models.PROTECT
    )
    #: Kept as text so the entry still says who it was if the account is renamed.
    actor_name = models.CharField(_("who (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    #: Where the change belongs, for histories: the assessment and the item it touched.
    assessment_id = models.BigIntegerField(_("assessment"), null=True, blank=True, db_index=True)
    item_code = models.CharField(_("item"), max_length=20, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id", "created"])]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")
