from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pramern.assessments.forms import ThaiDateField, check_near_rounds
from pramern.audit.services import log_action
from pramern.frameworks.models import Framework, FrameworkItem, RoundSchedule

#: Dates in the admin are typed like in the workspace: Buddhist era (15/01/2568), CE accepted.
THAI_DATES = {models.DateField: {"form_class": ThaiDateField, "widget": ThaiDateField.widget}}


class FrameworkItemInline(admin.TabularInline):
    model = FrameworkItem
    fields = ("code", "kind", "title_th", "max_points")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
        return False  # manage.py load_framework validates the file; an empty form would not

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # assessments are pinned to it; its rounds' schedules would go with it


class RoundScheduleForm(forms.ModelForm):
    """A round's dates, refused when they are far from the framework's rounds (a mistyped year)."""

    class Meta:
        model = RoundSchedule
        fields = ("opens_on", "submission_deadline", "state")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        framework = self.instance.framework.compiled()
        for name in ("opens_on", "submission_deadline"):
            if cleaned.get(name) is not None and name in self.changed_data:  # a stored date stands
                try:
                    check_near_rounds(cleaned[name], framework)
                except ValidationError as exc:
                    self.add_error(name, exc)
        opens, deadline = cleaned.get("opens_on"), cleaned.get("submission_deadline")
        if opens and deadline and opens > deadline:
            self.add_error("opens_on", _("The round would open after its submission deadline."))
        return cleaned


@admin.register(RoundSchedule)
class RoundScheduleAdmin(admin.ModelAdmin):
    form = RoundScheduleForm
    formfield_overrides = THAI_DATES
    list_display = ("framework_label", "round_code", "opens_on", "submission_deadline", "state")
    list_editable = ("opens_on", "submission_deadline", "state")
    list_filter = ("framework",)
    list_select_related = ("framework",)
    readonly_fields = ("framework", "round_code")

    @admin.display(description=_("framework"), ordering="framework")
    def framework_label(self, obj: RoundSchedule) -> str:
        return str(obj.framework)

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type[forms.ModelForm]:
        return super().get_changelist_form(request, form=RoundScheduleForm, **kwargs)

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
