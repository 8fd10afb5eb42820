"""Stored score cards (what dashboards and reports read) and background report jobs."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
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


class ReportJobQuerySet(models.QuerySet["ReportJob"]):
    def active(self) -> ReportJobQuerySet:
        """Jobs queued or running: a person has at most one of these per report (``subject``)."""
        return self.filter(status__in=ReportJob.ACTIVE)

    def past_keeping(self, now: dt.datetime | None = None) -> ReportJobQuerySet:
        """Jobs to expire: results kept longer than ``REPORT_RESULT_HOURS``, and jobs asked for
        longer ago than that which never finished (the worker died: they would block asking again)."""
        cutoff = (now or timezone.now()) - result_lifetime()
        return self.filter(
            models.Q(status=ReportJob.Status.DONE, finished_at__lt=cutoff)
            | models.Q(status__in=ReportJob.ACTIVE, created_at__lt=cutoff)
        )


def result_lifetime() -> dt.timedelta:
    """How long a finished report stays downloadable (``PRAMERN_REPORT_RESULT_HOURS``)."""
    return dt.timedelta(hours=settings.REPORT_RESULT_HOURS)


class ReportJob(models.Model):
    """A report built in the background (consolidated PDF, evidence ZIP): its progress and file.

    A result is kept ``REPORT_RESULT_HOURS`` and then deleted by ``manage.py
    delete_expired_reports`` (the row stays, ``expired``); a newer result of the same report for
    the same person replaces it at once. ``subject`` names the report (``assessment:<id>:<round>``
    or ``framework:<id>:<round>``): one person has at most one job queued or running per kind and
    subject, which the database enforces."""

    class Kind(models.TextChoices):
        CONSOLIDATED_PDF = "consolidated_pdf", _("consolidated PDF of all units")
        EVIDENCE_ZIP = "evidence_zip", _("evidence ZIP of a unit")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    class Stage(models.TextChoices):
        """The step a running job is in: its progress moves when a step's real work is done."""

        READING = "reading", _("reading the data")
        LAYOUT = "layout", _("laying out the report")
        PRINTING = "printing", _("printing the PDF")
        COPYING = "copying", _("copying the evidence files")
        MANIFEST = "manifest", _("writing the list of records and links")
        SAVING = "saving", _("saving the file")

    #: The steps of each kind of report, in order (the page says "step 2 of 4").
    STEPS = {
        Kind.CONSOLIDATED_PDF: (Stage.READING, Stage.LAYOUT, Stage.PRINTING, Stage.SAVING),
        Kind.EVIDENCE_ZIP: (Stage.READING, Stage.COPYING, Stage.MANIFEST, Stage.SAVING),
    }

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("report"), max_length=30, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    params = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("step"), max_length=20, choices=Stage.choices, blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "kind", "subject"],
                condition=models.Q(status__in=["queued", "running"]),
                name="report_job_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.progress}%"

    @property
    def expires_at(self) -> dt.datetime | None:
        """When a finished result is deleted (None until it is done)."""
        if self.status != self.Status.DONE or self.finished_at is None:
            return None
        return self.finished_at + result_lifetime()

    @property
    def step(self) -> tuple[int, int] | None:
        """(the running step's number, how many steps the report has); None when not running."""
        steps = self.STEPS.get(self.Kind(self.kind), ())
        if self.status != self.Status.RUNNING or self.stage not in steps:
            return None
        return steps.index(self.Stage(self.stage)) + 1, len(steps)

    @property
    def round_code(self) -> str:
        return str(self.params.get("round", ""))

    @property
    def request_url(self) -> str:
        """Where this report is asked for again: the evidence ZIP's page (it shows the size first,
        asked with GET) or the consolidated PDF's form (POST)."""
        if self.kind == self.Kind.EVIDENCE_ZIP:
            return reverse("reports:evidence-zip", args=[self.params["assessment"]])
        return reverse("reports:consolidated")

    @property
    def asked_again_by_post(self) -> bool:
        return self.kind != self.Kind.EVIDENCE_ZIP
