from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pramern.assessments.models import Assessment, Evidence, Record, UnitRound
from pramern.ui.admin_base import JunkSafeAdmin


class ReadOnlyAdmin(JunkSafeAdmin):
    """Records, evidence and submissions change only through the workspace (which audits them)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(JunkSafeAdmin):
    list_display = ("unit", "framework", "staff_counts", "created_at")
    list_filter = ("framework", "unit__kind")
    search_fields = ("unit__name_th", "unit__code")
    autocomplete_fields = ("unit",)


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "item_code", "fact", "date", "title")
    list_filter = ("item_code",)
    search_fields = ("assessment__unit__name_th", "title")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "kind", "original_name", "url", "content_type", "size", "created_at")
    list_filter = ("kind", "content_type")


@admin.register(UnitRound)
class UnitRoundAdmin(ReadOnlyAdmin):
    """States change only through the review workflow (pramern.review.services.transition)."""

    list_display = ("assessment", "round_code", "state", "submitted_at", "submitted_by", "self_total")
    list_filter = ("round_code", "state")
