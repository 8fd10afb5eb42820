"""What the evidence retention policy removed: one purge (who, when, which fiscal years) and each
file it removed (unit, items, name, size, SHA-256), kept for the purge report (docs/privacy.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pramern.assessments.models import Evidence


class EvidencePurge(models.Model):
    """Evidence files of fiscal years older than the retention, removed at once by the Centre."""

    created_at = models.DateTimeField(_("removed at"), auto_now_add=True)
    purged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("removed by"), on_delete=models.PROTECT, related_name="+"
    )
    #: The Buddhist-era fiscal years whose evidence files were removed, e.g. [2563, 2564].
    fiscal_years = models.JSONField(_("fiscal years"), default=list)
    retention_years = models.PositiveSmallIntegerField(_("fiscal years kept"))
    files = models.PositiveIntegerField(_("files removed"), default=0)
    size = models.PositiveBigIntegerField(_("size removed (bytes)"), default=0)

    class Meta:
        verbose_name = _("evidence purge")
        verbose_name_plural = _("evidence purges")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        years = ", ".join(str(y) for y in self.fiscal_years)
        return f"{self.created_at:%Y-%m-%d} {years} ({self.files})"


class PurgedFile(models.Model):
    """One evidence file a purge removed: what the report lists. Copied from the evidence row
    (which stays, marked ``purged_at``) so that the record survives whatever happens to it later."""

    purge = models.ForeignKey(EvidencePurge, on_delete=models.CASCADE, related_name="purged_files")
    evidence = models.ForeignKey(Evidence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    unit_code = models.CharField(_("unit code"), max_length=40)
    unit_name = models.CharField(_("unit"), max_length=200)
    #: The items of the records the file supported, e.g. "1.2.1, 1.2.2" ("" when none).
    items = models.CharField(_("items"), max_length=500, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    #: The name it had in storage (what was deleted there).
    stored_name = models.CharField(_("stored as"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("removed evidence file")
        verbose_name_plural = _("removed evidence files")
        ordering = ["fiscal_year", "unit_code", "items", "id"]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.unit_code} {self.original_name}"
