"""OAE's units (สำนัก/ศูนย์/กอง, สศท.1–12), their sections, and who does what."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pramern.ui.text import english


class Unit(models.Model):
    class Kind(models.TextChoices):
        BUREAU = "bureau", _("bureau")
        CENTRE = "centre", _("centre")
        DIVISION = "division", _("division")
        REGIONAL = "regional", _("regional office")
        OTHER = "other", _("other unit")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("abbreviation"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    region = models.PositiveSmallIntegerField(_("region (สศท. number)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_th

    @property
    def name(self) -> str:
        """The name in the active language: English when chosen and known, else Thai."""
        return self.name_en if english() and self.name_en else self.name_th


class Section(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(_("code"), max_length=40)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["unit", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="section_code_unique_in_unit")]

    def __str__(self) -> str:
        return self.name_th


#: People in the order every list of them takes.
BY_NAME = ("user__first_name", "user__last_name", "user__username")


class RoleQuerySet(models.QuerySet["Role"]):
    """Who holds which role; ``people()`` turns any of these into the people themselves."""

    def of_unit(self, unit_id: int) -> RoleQuerySet:
        """The unit's own people (its officers and directors, active accounts), with the person,
        by name: who may be given an item, who submits, who is told of the unit's round."""
        return (
            self.filter(unit_id=unit_id, kind__in=Role.UNIT_KINDS, user__is_active=True)
            .select_related("user")
            .order_by(*BY_NAME, "kind")
        )

    def holding(self, kinds: Iterable[str]) -> RoleQuerySet:
        """The office-wide roles of these kinds (evaluators, executives…) of active accounts, with
        the person, by name."""
        return self.filter(kind__in=list(kinds), user__is_active=True).select_related("user").order_by(*BY_NAME, "kind")

    def centre(self) -> RoleQuerySet:
        """The Evaluation Centre's people (evaluators and administrators): who may be assigned a unit."""
        return self.holding([Role.Kind.EVALUATOR, Role.Kind.ADMINISTRATOR])

    def people(self) -> list[Any]:
        """Each person holding these roles, once, in the roles' order (one query)."""
        return list({role.user_id: role.user for role in self}.values())


class Role(models.Model):
    """What a person may do: a unit role (officer, director) or an office-wide one."""

    class Kind(models.TextChoices):
        OFFICER = "officer", _("unit officer")
        DIRECTOR = "director", _("unit director")
        EVALUATOR = "evaluator", _("evaluator")
        EXECUTIVE = "executive", _("executive")
        ADMINISTRATOR = "administrator", _("administrator")
        FRAMEWORK_EDITOR = "framework_editor", _("framework editor")

    UNIT_KINDS = frozenset({Kind.OFFICER, Kind.DIRECTOR})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "unit"], name="role_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["officer", "director"], unit__isnull=False)
                    | models.Q(
                        kind__in=["evaluator", "executive", "administrator", "framework_editor"], unit__isnull=True
                    )
                ),
                name="role_unit_only_for_unit_roles",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit or ''}".strip()
