"""Frameworks installed in the database. The YAML source is the truth; items are an index.

An assessment pins a framework by (code, version). The source text is kept verbatim so that
every score can be recomputed exactly as it was; ``compiled()`` turns it into the engine's
``Framework`` (cached per content hash).
"""

from __future__ import annotations

import re

from django.db import models
from django.db.models import Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pramern.scoring import Framework as CompiledFramework
from pramern.scoring import parse_framework
from pramern.ui.text import english


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def newest_first(self) -> FrameworkQuerySet:
        """Frameworks for the home page: the latest fiscal year (code) and version first, without
        their ~185 KB source (``compiled()`` reads it once per process, on first use)."""
        return self.defer("source").order_by("-code", "-version")

    def opened(self) -> FrameworkQuerySet:
        """Frameworks opened for at least one unit (an assessment pins them): the years that
        have begun. An installed framework no unit has yet is not a year yet."""
        return self.filter(assessments__isnull=False).distinct()

    def openable(self) -> FrameworkQuerySet:
        """Frameworks a year may be opened with (newest first): the newest opened one (to open it
        for more units) and any installed after it. An older one would be read-only at once
        (``rounds.lock_state``: a past year)."""
        newest = self.opened().order_by("-code", "-version").only("code", "version").first()
        found = self.newest_first()
        if newest is None:
            return found
        return found.filter(Q(code__gt=newest.code) | Q(code=newest.code, version__gte=newest.version))

    def newer_than(self, code: str, version: str) -> FrameworkQuerySet:
        """Frameworks after (code, version) in ``newest_first``'s order (a later year, or a later
        version of the same year)."""
        return self.filter(Q(code__gt=code) | Q(code=code, version__gt=version))


#: A Buddhist-era year inside a framework code ("oae-2567" -> 2567).
_BE_YEAR = re.compile(r"(?<!\d)(25\d\d)(?!\d)")


def year_label(code: str, version: str = "") -> str:
    """The fiscal year of a framework code in the active language ("ปี 2567", "FY2567"); the
    code (and version) when the code holds no Buddhist-era year."""
    found = _BE_YEAR.search(code)
    if found is None:
        return f"{code}@{version}" if version else code
    return gettext("FY%(year)s") % {"year": found.group(1)}


class Framework(models.Model):
    code = models.CharField(_("code"), max_length=50)
    version = models.CharField(_("version"), max_length=20)
    title_th = models.CharField(_("title (Thai)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    total_points = models.DecimalField(_("total points"), max_digits=7, decimal_places=2)
    source = models.TextField(_("source (YAML)"))
    source_sha256 = models.CharField(_("SHA-256 of the source"), max_length=64)
    source_name = models.CharField(_("file name"), max_length=200)
    installed_at = models.DateTimeField(_("installed at"), auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="framework_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.code}@{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("frameworks:detail", args=[self.code, self.version])

    @property
    def title(self) -> str:
        """The title in the active language (Thai unless English is chosen)."""
        return self.title_en if english() else self.title_th

    @property
    def year_label(self) -> str:
        """The fiscal year in the active language ("ปี 2567", "FY2567"), from the code's
        Buddhist-era year; the code and version when the code holds none."""
        return year_label(self.code, self.version)

    @property
    def label(self) -> str:
        """How pages name this framework to people: its fiscal year and version ("ปี 2567
        ฉบับที่ 1", "FY2567, version 1"), or its title when the code holds no year; never the
        internal ``code@version``."""
        found = _BE_YEAR.search(self.code)
        name = gettext("FY%(year)s") % {"year": found.group(1)} if found else self.title
        return gettext("%(name)s, version %(version)s") % {"name": name, "version": self.version}

    def compiled(self) -> CompiledFramework:
        """The engine's view of this framework, parsed once per content and kept by its hash.

        The source is read only on the first call, so lists may load frameworks with
        ``defer("source")`` (a framework file is ~100 KB; a list of 1,000 units would carry it
        1,000 times)."""
        found = _COMPILED.get(self.source_sha256)
        if found is None:
            found = _COMPILED[self.source_sha256] = parse_framework(self.source, self.source_name)
        return found


#: Compiled frameworks by content hash: one entry per installed version, for the process's life.
_COMPILED: dict[str, CompiledFramework] = {}


class FrameworkItem(models.Model):
    """One dimension, sub-dimension or item of an installed framework, for lookups and links."""

    class Kind(models.TextChoices):
        DIMENSION = "dimension", _("dimension")
        GROUP = "group", _("sub-dimension")
        ITEM = "item", _("item")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent_code = models.CharField(_("parent"), max_length=20, blank=True)
    title_th = models.TextField(_("title (Thai)"))
    title_en = models.TextField(_("title (English)"))
    max_points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("framework item")
        verbose_name_plural = _("framework items")
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="framework_item_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title_th}"


class RoundScheduleQuerySet(models.QuerySet["RoundSchedule"]):
    def by_code(self, framework: Framework) -> dict[str, RoundSchedule]:
        """The framework's rounds by code, each with ``superseded_by``: the newest framework
        opened after this one (its year is over: ``rounds.lock_state`` makes it read-only), or
        None. Read in the same query, so that every page showing the locks pays nothing for it."""
        newer = (
            Framework.objects.newer_than(framework.code, framework.version)
            .filter(assessments__isnull=False)
            .order_by("-code", "-version")
        )
        rows = self.filter(framework=framework).annotate(superseded_by=Subquery(newer.values("code")[:1]))
        return {schedule.round_code: schedule for schedule in rows}


class RoundSchedule(models.Model):
    """A round of a framework as the Evaluation Centre runs it: when it opens, when units must
    submit (the records' cut-off is in the framework; this deadline may be later) and its state.
    A closed or published round takes no more changes from any unit."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        PUBLISHED = "published", _("published")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="schedules")
    round_code = models.CharField(_("round"), max_length=20)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    submission_deadline = models.DateField(_("submission deadline"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)

    #: The code of the newest framework opened after this one (``RoundScheduleQuerySet.by_code``
    #: reads it), or None: this round's year is not over.
    superseded_by: str | None = None

    objects = RoundScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("round schedule")
        verbose_name_plural = _("round schedules")
        ordering = ["framework", "submission_deadline"]
        constraints = [models.UniqueConstraint(fields=["framework", "round_code"], name="schedule_once_per_round")]

    def __str__(self) -> str:
        return f"{self.framework} {self.round_code}"
