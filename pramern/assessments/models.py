"""A unit's assessment for one framework: its dated records, evidence and the state of its rounds.

Records keep their fact's fields in ``data`` in the assessment file format, so that
``adapter.assessment_data`` can hand the engine (and export) exactly what a file would hold.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pramern.frameworks.models import Framework
from pramern.organizations.models import Unit


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def for_units(self, unit_ids: frozenset[int] | None) -> AssessmentQuerySet:
        """Assessments of these units (``None``: every unit)."""
        return self if unit_ids is None else self.filter(unit_id__in=unit_ids)

    def previous_for(self, unit: Unit, framework: Framework) -> Assessment | None:
        """The unit's assessment of the newest framework before ``framework`` (last year's),
        or None: what a new year's staff counts and carry-over start from."""
        return (
            self.filter(unit=unit)
            .exclude(framework=framework)
            .exclude(framework__in=Framework.objects.newer_than(framework.code, framework.version))
            .select_related("framework")
            .defer("framework__source")
            .order_by("-framework__code", "-framework__version")
            .first()
        )

    def with_unit(self) -> AssessmentQuerySet:
        """Joined with unit and framework (every page shows both), without the framework's
        source, which ``Framework.compiled()`` reads only once per process."""
        return self.select_related("unit", "framework").defer("framework__source")


def new_revision() -> int:
    """A fresh ``Assessment.revision``: random, so that no value returns after a change (below
    2**40: a sum over a million assessments stays a 64-bit integer, SQLite's limit)."""
    return secrets.randbits(40)


class Assessment(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assessments")
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="assessments"
    )
    #: Staff per round code, e.g. {"R6": 40, "R12": 42}: percentages of staff use them.
    staff_counts = models.JSONField(
        _("staff per round"), default=dict, blank=True, help_text=_('For example {"R6": 40, "R12": 42}')
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    #: A new random number whenever anything a page computes from the assessment changes (its
    #: records, evidence, verdicts, overrides, rounds, score cards, sections, unit, schedules):
    #: the key of its cached workspace and, summed, of the all-unit pages (reports/caching.py).
    revision = models.BigIntegerField(_("revision"), default=new_revision, editable=False)
    #: A new random number whenever what the pages showing only score cards (the dashboard) read
    #: of the assessment changes: its cards' figures or round states (``reports.scorecards``
    #: writes a card only when they change), its unit's names, code, kind or region. Summed over
    #: the year, their cache key (``reports.caching.scorecard_generation``): a save that moves no
    #: score leaves it.
    scorecard_revision = models.BigIntegerField(_("score card revision"), default=new_revision, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["unit__code", "-framework__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "framework"], name="assessment_unit_framework_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.framework}"


class UnitRound(models.Model):
    """Where one unit's round stands: draft -> submitted -> in review -> (returned -> resubmitted
    -> in review ...) -> verified -> published. Transitions live in ``pramern.review.services``."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        IN_REVIEW = "in_review", _("in review")
        RETURNED = "returned", _("returned for revision")
        RESUBMITTED = "resubmitted", _("resubmitted")
        VERIFIED = "verified", _("verified")
        PUBLISHED = "published", _("published")

    #: The unit may change its records only in these states.
    EDITABLE = frozenset({State.DRAFT, State.RETURNED})
    #: States in which a round's verified score is settled: its records' verdicts no longer change.
    SETTLED = frozenset({State.VERIFIED, State.PUBLISHED})

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="unit_rounds")
    round_code = models.CharField(_("round"), max_length=20)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, null=True, blank=True
    )
    self_total = models.DecimalField(_("self-assessed total"), max_digits=7, decimal_places=2, null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    #: Why the Evaluation Centre last returned the round (shown to the unit while it is returned).
    return_reason = models.TextField(_("reason for return"), blank=True)
    #: When the round last reached the Evaluation Centre (submitted, or resubmitted after a
    #: return): the review queue counts the days waiting from it.
    waiting_since = models.DateTimeField(_("waiting for the Evaluation Centre since"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit round")
        verbose_name_plural = _("unit rounds")
        constraints = [models.UniqueConstraint(fields=["assessment", "round_code"], name="unit_round_once")]

    def __str__(self) -> str:
        return f"{self.assessment} {self.round_code} {self.state}"


class RecordQuerySet(models.QuerySet["Record"]):
    def with_provenance(self) -> RecordQuerySet:
        """Joined with the record each was copied from, its assessment and framework (without
        the framework's source), so that ``Record.provenance`` reads nothing more."""
        return self.select_related("copied_from__assessment__framework").defer(
            "copied_from__assessment__framework__source"
        )


class Record(models.Model):
    """One dated record of a fact of an item (a follow-up, a survey, an award application…)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="records")
    item_code = models.CharField(_("item"), max_length=20)
    fact = models.CharField(_("fact"), max_length=50)
    date = models.DateField(_("date"))
    #: The fact's fields in the assessment file format (flags, choices, value, covers, claimed…).
    data = models.JSONField(_("fields"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    #: Goes up by one with every change by the unit; an edit form carries the version it showed,
    #: so a save over someone else's newer change is refused (``services.RecordConflict``).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    #: The one-time key of the form that created the record: the same form posted twice
    #: (a double click, a repeated request) finds this record instead of making a second one.
    form_key = models.UUIDField(_("form key"), null=True, blank=True, editable=False)
    #: The record of an earlier year this one was copied from (``carryover.carry_over``): a copy
    #: is a new dated record of this year, and says where it came from wherever it is shown.
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="copies",
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["item_code", "fact", "date", "id"]
        indexes = [models.Index(fields=["assessment", "item_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "form_key"],
                condition=models.Q(form_key__isnull=False),
                name="record_form_key_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.fact} {self.date}"

    def snapshot(self) -> dict[str, Any]:
        """What the audit log keeps of a record (before and after a change)."""
        out = {
            "item": self.item_code,
            "fact": self.fact,
            "date": self.date.isoformat(),
            "data": self.data,
            "title": self.title,
            "note": self.note,
        }
        if self.copied_from_id:
            out["copied_from"] = self.copied_from_id
        return out

    @property
    def provenance(self) -> str:
        """Where a copied record came from ("คัดลอกจาก ปี 2567 ข้อ 1.2.1"), in the active
        language; "" for a record made here. Pages read it with ``with_provenance``."""
        source = self.copied_from
        if source is None:
            return ""
        return gettext("Copied from %(year)s, item %(item)s") % {
            "year": source.assessment.framework.year_label,
            "item": source.item_code,
        }


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A name the user cannot choose or predict; the original name is kept as data."""
    return f"evidence/{instance.assessment_id}/{uuid.uuid4().hex}"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def orphans(self) -> EvidenceQuerySet:
        """Evidence that supports no record (nothing counts it; it may be deleted)."""
        return self.filter(records__isnull=True)

    def by_record(self, record_ids: Iterable[int]) -> dict[int, list[Evidence]]:
        """Each record's evidence (every record id is a key, with [] when it has none): one query."""
        out: dict[int, list[Evidence]] = {pk: [] for pk in record_ids}
        links = Evidence.records.through.objects.filter(record_id__in=list(out))
        for link in links.select_related("evidence"):
            out[link.record_id].append(link.evidence)
        return out


class Evidence(models.Model):
    """A file or a link that supports one or more records (of one or more items)."""

    class Kind(models.TextChoices):
        FILE = "file", _("file")
        LINK = "link", _("link")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    link_checked_on = models.DateField(_("link last checked"), null=True, blank=True)
    records = models.ManyToManyField(Record, verbose_name=_("records"), related_name="evidence", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    #: When the stored file was removed under the evidence retention policy (``pramern.privacy``):
    #: the row stays (the records and scores it supported are kept), without a file to download.
    purged_at = models.DateTimeField(_("file removed (retention) at"), null=True, blank=True, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.original_name or self.url

    @property
    def previewable(self) -> bool:
        """PDFs and images can be shown inline (to people allowed to see them)."""
        return (
            self.kind == self.Kind.FILE
            and not self.purged_at
            and (self.content_type == "application/pdf" or self.content_type.startswith("image/"))
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.original_name,
            "type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "url": self.url,
            "title": self.title,
            "records": sorted(r.pk for r in self.records.all()) if self.pk else [],
        }


class ItemAssignmentQuerySet(models.QuerySet["ItemAssignment"]):
    def by_item(self, assessment: Assessment) -> dict[str, ItemAssignment]:
        """Item code -> its assignment in ``assessment``, with the assignee: one query."""
        return {a.item_code: a for a in self.filter(assessment=assessment).select_related("assignee")}


class ItemAssignment(models.Model):
    """Who of the unit looks after an item of its assessment ("my items"). One person per item;
    set, changed and cleared by ``services.assign_item`` (audited)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    item_code = models.CharField(_("item"), max_length=20)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.CASCADE, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now=True)

    objects = ItemAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("item assignment")
        verbose_name_plural = _("item assignments")
        constraints = [models.UniqueConstraint(fields=["assessment", "item_code"], name="item_assignment_once")]

    def __str__(self) -> str:
        return f"{self.assessment} {self.item_code} → {self.assignee}"


class PendingImport(models.Model):
    """An assessment file uploaded for import and waiting for its uploader to confirm it after the
    preview (issue 11). Kept here, keyed to the person and the assessment, so that what is applied
    is exactly the file that was previewed, never content sent back from the page."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="pending_imports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: Names this upload in the confirm form: a page left open on an older upload confirms nothing.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=255)
    source = models.TextField(_("file content"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import waiting for confirmation")
        verbose_name_plural = _("imports waiting for confirmation")
        constraints = [models.UniqueConstraint(fields=["assessment", "user"], name="one_pending_import_per_person")]

    def __str__(self) -> str:
        return f"{self.assessment} {self.file_name}"
