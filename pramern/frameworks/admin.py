from django.contrib import admin

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


@admin.register(RoundSchedule)
class RoundScheduleAdmin(admin.ModelAdmin):
    list_display = ("framework", "round_code", "opens_on", "submission_deadline", "state")
    list_editable = ("opens_on", "submission_deadline", "state")
    list_filter = ("framework",)
