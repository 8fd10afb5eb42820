"""Who to ask at the Evaluation Centre: kept in the database so that an administrator changes it
in the admin, without a new release or a restart."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pramern.ui.text import english


class Contact(models.Model):
    """A person or desk of the Evaluation Centre that units may contact (the help page lists them)."""

    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    responsibility_th = models.CharField(_("ask about (Thai)"), max_length=300, blank=True)
    responsibility_en = models.CharField(_("ask about (English)"), max_length=300, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telephone"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("Evaluation Centre contact")
        verbose_name_plural = _("Evaluation Centre contacts")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name_th

    @property
    def name(self) -> str:
        return self.name_en if english() and self.name_en else self.name_th

    @property
    def responsibility(self) -> str:
        return self.responsibility_en if english() and self.responsibility_en else self.responsibility_th
