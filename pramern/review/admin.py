from __future__ import annotations

from django.contrib import admin

from pramern.assessments.admin import ReadOnlyAdmin
from pramern.review.models import Comment, DeadlineExtension, Override, Verdict


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ("record", "status", "decided_by", "decided_at")
    list_filter = ("status",)


@admin.register(Override)
class OverrideAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "round_code", "item_code", "points", "decided_by", "decided_at")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "item_code", "author", "created_at")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyAdmin):
    """Extensions are granted on the review page, which asks for the reason and audits them."""

    list_display = ("assessment", "round_code", "deadline", "reason", "granted_by", "granted_at")
