"""Stored score cards (what dashboards and reports read) and background report jobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pramern.assessments.models import Assessment


class ScoreCard(models.Model):
    """A unit's scores in one round, self-assessed and verified, as last computed.

    Refreshed after every change that moves a score (``reports.scorecards.refresh``), so that
    dashboards read one row per unit instead of scoring a thousand units per request.
    ``*_items`` hold per item ``{"points": "2", "lines": [true, false, ...]}``: enough to
    rebuild every line's explanation from the framework.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scorecards")
    round_code = models.CharField(_("round"), max_length=20)
    self_total = models.DecimalField(_("self-assessed"), max_digits=7, decimal_places=2)
    verified_total = models.DecimalField(_("verified"), max_digits=7, decimal_places=2)
    potential = models.DecimalField(_("potential"), max_digits=7, decimal_places=2)
    self_dimensions = models.JSONField(default=dict)
    verified_dimensions = models.JSONField(default=dict)
    self_items = models.JSONField(default=dict)
    verified_items = models.JSONField(default=dict)
    state = models.CharField(_("state"), max_length=20, default="draft")
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("score card")
        verbose_name_plural = _("score cards")
        constraints = [models.UniqueConstraint(fields=["assessment", "round_code"], name="scorecard_once")]

    def __str__(self) -> str:
        return f"{self.assessment} {self.round_code}: {self.self_total}/{self.verified_total}"


class ReportJob(models.Model):
    """A report built in the background (consolidated PDF, evidence ZIP): its progress and file."""

    class Kind(models.TextChoices):
        CONSOLIDATED_PDF = "consolidated_pdf", _("consolidated PDF of all units")
        EVIDENCE_ZIP = "evidence_zip", _("evidence ZIP of a unit")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("report"), max_length=30, choices=Kind.choices)
    params = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="reports/", blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.progress}%"
