"""Drafts of a framework edited in the studio, their revisions, and text patches to published ones.

A draft holds no framework fields of its own beyond what lists need (code, version, titles): the
truth is the YAML text of its newest revision, in the canonical form of
``pramern.scoring.yamlio.dump_framework``. A draft may be invalid while it is being edited; it is
published (installed as a ``frameworks.Framework``) only once it has no problem, and is read-only
from then on.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pramern.frameworks.models import Framework
from pramern.scoring.yamlio import load_text
from pramern.ui.text import english


class FrameworkDraftQuerySet(models.QuerySet["FrameworkDraft"]):
    def for_index(self) -> FrameworkDraftQuerySet:
        """Drafts for the studio's list, newest first, with who started them and what they came from
        and became (one query)."""
        return self.select_related("created_by", "based_on", "published").order_by("-created_at", "-pk")


class FrameworkDraft(models.Model):
    """A framework being made in the studio (ร่างกรอบการประเมิน)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published for use")

    code = models.CharField(_("code"), max_length=50)
    version = models.CharField(_("version"), max_length=20)
    title_th = models.CharField(_("title (Thai)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    based_on = models.ForeignKey(
        Framework,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafts_based_on",
        verbose_name=_("based on"),
    )
    source_name = models.CharField(_("file name"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    published = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts_published",
        verbose_name=_("published as"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    #: Set for a text correction of a published framework: the draft keeps its code and version,
    #: may change texts only, and is applied as a ``FrameworkPatch`` instead of being published.
    patch_of = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="patch_drafts",
        verbose_name=_("text correction of"),
    )

    objects = FrameworkDraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework draft")
        verbose_name_plural = _("framework drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=models.Q(patch_of__isnull=True),
                name="draft_code_version_unique",
            ),
            models.UniqueConstraint(
                fields=["patch_of"],
                condition=models.Q(state="draft"),
                name="one_open_text_correction_per_framework",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}@{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("studio:draft", args=[self.pk])

    @property
    def title(self) -> str:
        """The title in the active language (Thai unless English is chosen)."""
        return self.title_en if english() and self.title_en else self.title_th

    @property
    def is_patch(self) -> bool:
        """A text correction of a published framework, not a new version."""
        return self.patch_of_id is not None

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    def current_revision(self) -> DraftRevision:
        """The newest revision (every draft has at least one: the one it was started with)."""
        revision = self.revisions.order_by("-number").first()
        if revision is None:  # pragma: no cover - start_draft* always store revision 1
            raise DraftRevision.DoesNotExist(f"{self} has no revision")
        return revision

    def document(self) -> Any:
        """The newest revision's framework document: a fresh dict, the caller's to change."""
        return self.current_revision().document()


class DraftRevision(models.Model):
    """One save of a draft: the whole framework text, who saved it, when and why."""

    draft = models.ForeignKey(FrameworkDraft, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision number"))
    source = models.TextField(_("source (YAML)"))
    sha256 = models.CharField(_("SHA-256 of the source"), max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("draft revision")
        verbose_name_plural = _("draft revisions")
        ordering = ["draft", "-number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.draft} r{self.number}"

    @property
    def filename(self) -> str:
        return f"{self.draft.code}-{self.draft.version}-r{self.number}.yaml"

    def document(self) -> Any:
        """This revision's framework document: a fresh dict."""
        return load_text(self.source, self.filename)


class FrameworkPatch(models.Model):
    """A text correction to a published framework that changes no score (ข้อความที่แก้หลังประกาศใช้)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="patches")
    before_sha256 = models.CharField(_("SHA-256 before"), max_length=64)
    after_sha256 = models.CharField(_("SHA-256 after"), max_length=64)
    diff = models.TextField(_("changes (unified diff)"))
    reason = models.TextField(_("reason"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("framework text patch")
        verbose_name_plural = _("framework text patches")
        ordering = ["framework", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.framework} patch {self.after_sha256[:8]}"
