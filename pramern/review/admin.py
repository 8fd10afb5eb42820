from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from pramern.assessments.admin import ReadOnlyAdmin
from pramern.review.models import Assignment, Comment, DeadlineExtension, Override, Verdict
from pramern.ui.text import bedate


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ("record_label", "status", "decided_by", "decided_at")
    list_filter = ("status",)

    @admin.display(description=gettext_lazy("record"), ordering="record")
    def record_label(self, obj: Verdict) -> str:
        return str(obj.record)


@admin.register(Override)
class OverrideAdmin(ReadOnlyAdmin):
    list_display = ("assessment_label", "round_code", "item_code", "points", "decided_by", "decided_at")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("assessment_label", "item_code", "author", "created_at")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyAdmin):
    """Extensions are granted on the review page, which asks for the reason and audits them."""

    list_display = ("assessment_label", "round_code", "deadline_label", "reason", "granted_by", "granted_at")

    @admin.display(description=gettext_lazy("extended deadline"), ordering="deadline")
    def deadline_label(self, obj: DeadlineExtension) -> str:
        return bedate(obj.deadline)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    """Units are assigned on the review queue, which checks who may be assigned and audits it."""

    list_display = ("assessment_label", "evaluator", "assigned_by", "assigned_at")
