"""The erasure of a departed person, an action on people in the administration (listed by
pramern/accounts/admin.py; it leads to the confirmation page), and the evidence purges, read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pramern.privacy.models import EvidencePurge


@admin.action(description=_("Erase the personal data of a departed person…"))
def erase_personal_data(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
    """One person at a time: the confirmation page says what will happen to them."""
    if queryset.count() != 1:
        modeladmin.message_user(request, gettext("Choose exactly one person to erase."), messages.WARNING)
        return None
    return HttpResponseRedirect(reverse("privacy:erase", args=[queryset.get().pk]))


# The action is listed on the people admin by pramern/accounts/admin.py (the one place that
# defines it), not added here.


@admin.register(EvidencePurge)
class EvidencePurgeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "purged_by", "fiscal_years", "files", "size")
    readonly_fields = [f.name for f in EvidencePurge._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
