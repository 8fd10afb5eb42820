from __future__ import annotations

import io
from collections import Counter
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pramern.accounts.forms import InvitationChoiceForm
from pramern.accounts.invitations import awaiting_password, invitation_for, send_invitations
from pramern.assessments.sections import in_use_message, records_using, section_use
from pramern.audit.services import log_action
from pramern.organizations.importers import (
    MAX_UPLOAD_BYTES,
    OrganizationImportError,
    import_organization,
    write_template,
)
from pramern.organizations.models import Role, Section, Unit
from pramern.ui.admin_base import JunkSafeAdmin

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Session key: the accounts the last import created, listed with their invitation links.
IMPORTED_PEOPLE_SESSION_KEY = "pramern_imported_people"


class AuditedAdmin(JunkSafeAdmin):
    """Admin edits are state changes too: log them as ``pramern.<model>.created|changed|deleted``."""

    def _log(self, request: HttpRequest, obj: models.Model, verb: str, changed: list[str] | None = None) -> None:
        data = {"fields": changed} if changed else {}
        log_action(f"pramern.{obj._meta.model_name}.{verb}", obj, actor=request.user, data=data)

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            self._log(request, obj, "changed" if change else "created", form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._log(request, obj, "deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._log(request, obj, "deleted")
        super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._log(request, obj, "created")
        for obj, changed in formset.changed_objects:
            self._log(request, obj, "changed", changed)
        for obj in formset.deleted_objects:
            self._log(request, obj, "deleted")


class SectionForm(forms.ModelForm):
    """A section that records use keeps its unit and code (records name it by code); its name
    and position stay editable. ``pramern.assessments.sections`` guards every other path."""

    class Meta:
        model = Section
        fields = ("unit", "code", "name_th", "position")

    def __init__(self, *args: Any, use: Counter[str] | None = None, **kwargs: Any) -> None:
        """``use``: the unit's ``section_use``, counted once by the inline formset for all its rows."""
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            used = 0
        else:
            used = use[self.instance.code] if use is not None else records_using(self.instance)
        if used:
            for name in ("unit", "code"):
                if name in self.fields:
                    self.fields[name].disabled = True
            self.fields["code"].help_text = in_use_message(self.instance.code, used)


class SectionFormSet(BaseInlineFormSet):
    @cached_property
    def use(self) -> Counter[str]:
        return section_use(self.instance.pk) if self.instance.pk else Counter()

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "use": self.use}

    def clean(self) -> None:
        super().clean()
        deleting = [form.instance for form in self.deleted_forms if form.instance.pk]
        if deleting:
            counts = self.use
            refused = [in_use_message(s.code, counts[s.code]) for s in deleting if counts[s.code]]
            if refused:
                raise forms.ValidationError(refused)


class SectionInline(admin.TabularInline):
    model = Section
    form = SectionForm
    formset = SectionFormSet
    fields = ("code", "name_th", "position")
    extra = 0


class OrganizationImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"ไฟล์ใหญ่เกิน {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("ต้องเป็นไฟล์ Excel นามสกุล .xlsx")
        return upload


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("code", "name_th", "short_name", "kind", "region", "is_active")
    list_filter = ("kind", "is_active", "region")
    search_fields = ("code", "name_th", "name_en", "short_name")
    inlines = [SectionInline]

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="organizations_unit_import"),
            path(
                "import/template.xlsx",
                self.admin_site.admin_view(self.import_template_view),
                name="organizations_unit_import_template",
            ),
            path(
                "import/invitations/",
                self.admin_site.admin_view(self.invitations_view),
                name="organizations_unit_import_invitations",
            ),
        ]
        return extra + super().get_urls()

    def has_import_permission(self, request: HttpRequest) -> bool:
        """The page needs change_unit; the import also creates sections, accounts and roles, so it
        needs the rights to do those by hand too (else it would be a way round them)."""
        user_model = get_user_model()._meta
        needed = [
            "organizations.add_unit",
            "organizations.change_unit",
            "organizations.add_section",
            "organizations.change_section",
            "organizations.add_role",
            f"{user_model.app_label}.add_{user_model.model_name}",
            f"{user_model.app_label}.change_{user_model.model_name}",
        ]
        return request.user.has_perms(needed)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_import_permission(request):
            raise PermissionDenied
        issues = []
        if request.method == "POST":
            form = OrganizationImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    result = import_organization(upload, actor=request.user, source_name=upload.name)
                except OrganizationImportError as exc:
                    issues = exc.issues
                else:
                    self.message_user(request, _("Import complete: %(summary)s") % {"summary": result})
                    if result.new_people:
                        request.session[IMPORTED_PEOPLE_SESSION_KEY] = result.new_people
                        return HttpResponseRedirect(reverse("admin:organizations_unit_import_invitations"))
                    return HttpResponseRedirect(reverse("admin:organizations_unit_changelist"))
        else:
            form = OrganizationImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import units, sections and people"),
            "form": form,
            "issues": issues,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        }
        if issues:
            messages.error(request, _("Nothing was imported: correct the errors below and upload the file again."))
        return TemplateResponse(request, "admin/organizations/unit/import.html", context)

    def invitations_view(self, request: HttpRequest) -> HttpResponseBase:
        """The people the last import created, each with a set-your-password link to print, and a
        button that e-mails them their links. Only accounts still without a password qualify."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = InvitationChoiceForm(request.POST, imported=request.session.get(IMPORTED_PEOPLE_SESSION_KEY, []))
            if form.is_valid():
                people = awaiting_password(form.cleaned_data["person"])
                sent = send_invitations([invitation_for(user) for user in people], actor=request.user)
                self.message_user(request, _("Invitations e-mailed: %(count)d") % {"count": sent})
            else:
                self.message_user(request, " ".join(form.errors["person"]), level=messages.ERROR)
            return HttpResponseRedirect(request.path)
        people = awaiting_password(request.session.get(IMPORTED_PEOPLE_SESSION_KEY, []))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Invitations for the people imported"),
            "invitations": [invitation_for(user) for user in people],
            "days": settings.INVITATION_DAYS,
        }
        return TemplateResponse(request, "admin/organizations/unit/import_invitations.html", context)

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        buffer = io.BytesIO()
        write_template(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="pramern-organization-template.xlsx"'
        return response


@admin.register(Section)
class SectionAdmin(AuditedAdmin):
    list_display = ("code", "name_th", "unit", "position")
    list_filter = ("unit",)
    list_select_related = ("unit",)
    search_fields = ("code", "name_th", "unit__code", "unit__name_th")
    autocomplete_fields = ("unit",)
    form = SectionForm

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        """A section that records use is protected: the page says by how many, and nothing is deleted."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        use = {unit_id: section_use(unit_id) for unit_id in {s.unit_id for s in objs}}
        refused = [in_use_message(s.code, n) for s in objs if (n := use[s.unit_id][s.code])]
        return deleted, counts, perms_needed, [*protected, *refused]


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("user", "kind", "unit")
    list_filter = ("kind", "unit")
    list_select_related = ("user", "unit")
    search_fields = ("user__username", "user__first_name", "user__last_name", "unit__code", "unit__name_th")
    autocomplete_fields = ("user", "unit")
