from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pramern.audit.services import log_action
from pramern.frameworks.models import Framework, FrameworkItem, RoundSchedule


class FrameworkItemInline(admin.TabularInline):
    model = FrameworkItem
    fields = ("code", "kind", "title_th", "max_points")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title_th", "total_points", "installed_at")
    # Read-only: a framework changes only through a validated file (manage.py load_framework),
    # so that what assessments are pinned to is never edited in place by accident.
    readonly_fields = (
        "code", "version", "title_th", "title_en", "total_points",
        "source_name", "source_sha256", "installed_at", "source",
    )  # fmt: skip
    inlines = [FrameworkItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # every field is read-only: an added framework would be an empty, broken row


@admin.register(RoundSchedule)
class RoundScheduleAdmin(admin.ModelAdmin):
    list_display = ("framework", "round_code", "opens_on", "submission_deadline", "state")
    list_editable = ("opens_on", "submission_deadline", "state")
    list_filter = ("framework",)
    readonly_fields = ("framework", "round_code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rounds come from the framework file

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RoundSchedule, form: Any, change: bool) -> None:
        """Deadlines and round states are state changes: audit them with before and after."""
        before = RoundSchedule.objects.filter(pk=obj.pk).values("opens_on", "submission_deadline", "state").first()
        super().save_model(request, obj, form, change)
        after = {"opens_on": obj.opens_on, "submission_deadline": obj.submission_deadline, "state": obj.state}
        log_action(
            "pramern.round.schedule_changed",
            obj,
            actor=request.user,
            data={"round": obj.round_code, "before": _jsonable(before), "after": _jsonable(after)},
        )


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()} if values else None
