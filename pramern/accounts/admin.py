"""django-axes' admin with Thai column headers (its ``status`` column has no label of its own);
citizen IDs (typed, hashed, never shown back) and OpenID Connect links."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pramern.accounts import citizen_id
from pramern.accounts.models import CitizenID, OIDCLink
from pramern.audit.services import log_action

if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN

    class ThaiAccessAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]
        @admin.display(description=_("Status"))
        def status(self, obj: AccessAttempt) -> str:
            return str(super().status(obj))

    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, ThaiAccessAttemptAdmin)


class CitizenIDForm(forms.ModelForm):  # type: ignore[type-arg]
    """The citizen ID is typed, checked and hashed; once saved it is never shown back (a wrong one
    is replaced by typing it again). A refused one stays in the field, to be mended."""

    citizen_id = forms.CharField(
        label=_("Citizen ID (13 digits)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("Only a keyed hash is kept, to recognise the person at their ThaiD login; it is never shown again"),
    )

    class Meta:
        model = CitizenID
        fields = ["user"]

    def clean_citizen_id(self) -> str:
        pid = citizen_id.normalised(self.cleaned_data.get("citizen_id") or "")
        if not pid:
            if self.instance.pk is None:
                raise forms.ValidationError(_("Type the person's citizen ID."))
            return ""  # unchanged
        if not citizen_id.is_valid(pid):
            raise forms.ValidationError(_("A citizen ID is 13 digits and its last digit checks the others: check it."))
        if not citizen_id.hashing_configured():
            raise forms.ValidationError(_("Citizen IDs cannot be kept until PRAMERN_PID_HASH_KEY is set."))
        hashed = citizen_id.pid_hash(pid)
        if CitizenID.objects.filter(pid_hash=hashed).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This citizen ID is already registered for another person."))
        self.instance.pid_hash = hashed
        return ""  # the form keeps no clear ID either


@admin.register(CitizenID)
class CitizenIDAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = CitizenIDForm
    list_display = ["user", "registered_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]

    def save_model(self, request: HttpRequest, obj: CitizenID, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "citizen_id" in form.changed_data:
            log_action("pramern.citizen_id.replaced", obj.user, actor=request.user)  # never the ID itself
        elif not change or "user" in form.changed_data:
            log_action("pramern.citizen_id.registered", obj.user, actor=request.user)


@admin.register(OIDCLink)
class OIDCLinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Links are made by logins; an administrator may delete one (the next login links afresh)."""

    list_display = ["user", "issuer", "created_at", "last_login_at", "created_pending"]
    list_filter = ["issuer", "created_pending"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    readonly_fields = ["user", "issuer", "subject", "created_pending", "created_at", "last_login_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: OIDCLink) -> None:
        log_action("pramern.oidc.unlinked", obj.user, actor=request.user, data={"issuer": obj.issuer})
        super().delete_model(request, obj)
