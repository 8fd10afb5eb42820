from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pramern.assessments.forms import staff_count_fields, staff_counts_of, staff_initial
from pramern.assessments.models import Assessment, Evidence, ItemAssignment, Record, UnitRound
from pramern.assessments.rounds import lock_state
from pramern.assessments.services import (
    change_staff_counts,
    check_staff_counts,
    clean_staff_counts,
    purge_evidence,
    scores_changed,
)
from pramern.audit.services import log_action
from pramern.errors import WorkspaceError
from pramern.organizations.permissions import access_for
from pramern.ui.admin_base import JunkSafeAdmin
from pramern.ui.text import bedate


class ReadOnlyAdmin(JunkSafeAdmin):
    """Records, evidence and submissions change only through the workspace (which audits them)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("assessment"), ordering="assessment")
    def assessment_label(self, obj: Any) -> str:
        return str(obj.assessment)


class AssessmentCreateForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ("unit", "framework", "staff_counts")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        framework = cleaned.get("framework")
        if framework is not None and "staff_counts" in cleaned:
            try:
                cleaned["staff_counts"] = clean_staff_counts(framework.compiled(), cleaned["staff_counts"])
            except WorkspaceError as exc:
                self.add_error("staff_counts", [exc.message, *exc.problems])
        return cleaned


class AssessmentStaffForm(forms.ModelForm):
    """The change form: staff per round only (one field per round, added per framework), checked
    against the round locks here and saved by ``services.change_staff_counts``."""

    class Meta:
        model = Assessment
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None:
            kwargs["initial"] = {**staff_initial(instance.staff_counts), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def counts(self) -> dict[str, int]:
        return staff_counts_of(self.cleaned_data, self.instance.framework.compiled())

    #: A refusal of the save itself (``AssessmentAdmin.changeform_view``): the form shown again says it.
    refusal: WorkspaceError | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            try:
                if self.refusal is not None:
                    raise self.refusal
                check_staff_counts(self.instance, self.counts())
            except WorkspaceError as exc:
                raise ValidationError([exc.message, *exc.problems]) from None
        return cleaned


class StaffChangeRefused(Exception):
    """The service refused a change the form had accepted (a submission came in between):
    raised out of ``save_model`` so that the admin's transaction is rolled back unlogged."""

    def __init__(self, error: WorkspaceError) -> None:
        super().__init__(error.message)
        self.error = error


@admin.register(Assessment)
class AssessmentAdmin(JunkSafeAdmin):
    """Unit and framework are fixed once created; staff counts change through the service that
    applies the round locks, audits and refreshes the score cards."""

    list_display = ("unit", "framework", "staff_summary", "created_at")
    list_filter = ("framework", "unit__kind")
    search_fields = ("unit__name_th", "unit__code")
    autocomplete_fields = ("unit",)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponseBase:
        """A change the service refuses at save time is rolled back (no "changed successfully",
        no log entry) and the form is shown again with what was typed and the refusal."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaffChangeRefused as refused:
            request._staff_change_refused = refused.error  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("unit", "framework", "created_at") if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = AssessmentCreateForm
        else:
            fields = staff_count_fields(obj.framework.compiled())
            for status in lock_state(obj).rounds:  # say up front which counts are kept, and why
                if status.locked:
                    fields[f"staff_{status.round.code}"].help_text = _("Read-only: %(reason)s") % {
                        "reason": status.reason
                    }
            refusal = getattr(request, "_staff_change_refused", None)
            kwargs["form"] = type("AssessmentStaffForm", (AssessmentStaffForm,), {**fields, "refusal": refusal})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Assessment, form: Any, change: bool) -> None:
        if change:  # the service is the only writer of a change
            try:
                change_staff_counts(obj, form.counts(), user=request.user)
            except WorkspaceError as exc:  # a submission came between the form's check and now
                raise StaffChangeRefused(exc) from None
            return
        super().save_model(request, obj, form, change)
        log_action(
            "pramern.assessment.created",
            obj,
            actor=request.user,
            data={"unit": obj.unit.code, "framework": str(obj.framework), "staff_counts": obj.staff_counts},
            assessment_id=obj.pk,
        )
        scores_changed(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Only an assessment created by mistake (nothing recorded, added or submitted yet)."""
        if obj is None or not super().has_delete_permission(request, obj):
            return False
        return not (obj.records.exists() or obj.evidence.exists() or obj.unit_rounds.exists())

    def delete_model(self, request: HttpRequest, obj: Assessment) -> None:
        log_action(
            "pramern.assessment.deleted",
            obj,
            actor=request.user,
            data={"unit": obj.unit.code, "framework": str(obj.framework), "staff_counts": obj.staff_counts},
            assessment_id=obj.pk,
        )
        super().delete_model(request, obj)

    @admin.display(description=gettext_lazy("staff per round"))
    def staff_summary(self, obj: Assessment) -> str:
        return " · ".join(f"{code}: {count}" for code, count in obj.staff_counts.items())


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin):
    list_display = ("assessment_label", "item_code", "fact", "record_date", "title")
    list_filter = ("item_code",)
    search_fields = ("assessment__unit__name_th", "title")

    @admin.display(description=gettext_lazy("date"), ordering="date")
    def record_date(self, obj: Record) -> str:
        return bedate(obj.date)


class OrphanFilter(admin.SimpleListFilter):
    title = gettext_lazy("supports records")
    parameter_name = "orphan"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext_lazy("supports no record (orphan)")), ("no", gettext_lazy("supports records"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        orphans = Evidence.objects.orphans().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=orphans)
        if self.value() == "no":
            return queryset.exclude(pk__in=orphans)
        return queryset


class PurgeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the audit log)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    """Evidence changes only in the workspace; an administrator may purge a file, with a reason."""

    list_display = (
        "assessment_label",
        "kind",
        "original_name",
        "url",
        "content_type",
        "size",
        "created_at",
        "purge_link",
    )
    list_filter = ("kind", "content_type", OrphanFilter)
    list_select_related = ("assessment__unit", "assessment__framework")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return super().get_queryset(request).defer("assessment__framework__source")

    def get_urls(self) -> list[URLPattern]:
        purge = path(
            "<int:evidence_pk>/purge/", self.admin_site.admin_view(self.purge_view), name="assessments_evidence_purge"
        )
        return [purge, *super().get_urls()]

    def has_purge_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_administrator

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = super().get_list_display(request)
        return shown if self.has_purge_permission(request) else [n for n in shown if n != "purge_link"]

    @admin.display(description=gettext_lazy("remove"))
    def purge_link(self, obj: Evidence) -> str:
        url = reverse("admin:assessments_evidence_purge", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Remove for good…"))

    def purge_view(self, request: HttpRequest, evidence_pk: int) -> HttpResponseBase:
        if not self.has_purge_permission(request):
            raise PermissionDenied
        evidence = get_object_or_404(Evidence.objects.select_related("assessment__unit"), pk=evidence_pk)
        form = PurgeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            name = str(evidence)
            try:
                purge_evidence(evidence, reason=form.cleaned_data["reason"], user=request.user)
            except WorkspaceError as exc:
                form.add_error("reason", exc.message)
            else:
                self.message_user(request, _("The evidence %(name)s was removed for good.") % {"name": name})
                return HttpResponseRedirect(reverse("admin:assessments_evidence_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Remove evidence for good"),
            "evidence": evidence,
            "records": evidence.records.all(),
            "form": form,
        }
        return TemplateResponse(request, "admin/assessments/evidence/purge.html", context)


@admin.register(UnitRound)
class UnitRoundAdmin(ReadOnlyAdmin):
    """States change only through the review workflow (pramern.review.services.transition)."""

    list_display = ("assessment_label", "round_code", "state", "submitted_at", "submitted_by", "self_total")
    list_filter = ("round_code", "state")


@admin.register(ItemAssignment)
class ItemAssignmentAdmin(ReadOnlyAdmin):
    """Items are given to a unit's people on the item's page (``services.assign_item``), which
    checks who may give and receive them and audits it; here they are only looked up."""

    list_display = ("assessment_label", "item_code", "assignee", "assigned_by", "assigned_at")
    list_filter = ("assessment__framework", "item_code")
    list_select_related = ("assessment__unit", "assessment__framework", "assignee", "assigned_by")
    search_fields = (
        "assessment__unit__name_th",
        "assessment__unit__code",
        "item_code",
        "assignee__username",
        "assignee__first_name",
        "assignee__last_name",
    )
    ordering = ("assessment__unit__code", "item_code")
