"""django-axes' admin with Thai column headers (its ``status`` column has no label of its own), the
user list's action that ends all of a person's sessions (issue 12), citizen IDs (typed, hashed,
never shown back) and OpenID Connect links (issue 12), and no django-otp devices: a second factor
is reset on the site, audited and told (pramern/accounts/twofactor.py), never deleted unseen."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from pramern.accounts import citizen_id
from pramern.accounts.models import CitizenID, OIDCLink
from pramern.accounts.sessions import end_all_sessions
from pramern.audit.services import log_action
from pramern.privacy.admin import erase_personal_data

if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN

    class ThaiAccessAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]
        @admin.display(description=_("Status"))
        def status(self, obj: AccessAttempt) -> str:
            return str(super().status(obj))

    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, ThaiAccessAttemptAdmin)


# ---- issue 12: the people admin --------------------------------------------------------------
# The project's one admin of people: Django's, with every action on people in one list (ending
# all of a person's sessions; erasing a departed person's data, from pramern/privacy) and the
# approval of an account a first OpenID Connect login made audited. Other apps add no actions to
# it behind its back: a new action on people is imported and listed here.

User = get_user_model()


@admin.action(description=_("Log out everywhere (end all sessions)"), permissions=["change"])
def end_all_sessions_of(modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]) -> None:
    count = sum(end_all_sessions(user, actor=request.user, reason="administrator") for user in queryset)
    modeladmin.message_user(
        request,
        ngettext("%(count)d session ended.", "%(count)d sessions ended.", count) % {"count": count},
        messages.SUCCESS,
    )


class PeopleAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    actions = [end_all_sessions_of, erase_personal_data]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and obj.is_active and "is_active" in form.changed_data and obj.last_login is None:
            # An account a first OpenID Connect login made ("pending" policy), approved.
            for link in OIDCLink.objects.filter(user=obj, created_pending=True):
                log_action("pramern.oidc.approved", obj, actor=request.user, data={"issuer": link.issuer})


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PeopleAdmin)


# ---- issue 12: oidc ---------------------------------------------------------------------------------


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

    def delete_model(self, request: HttpRequest, obj: CitizenID) -> None:
        log_action("pramern.citizen_id.deleted", obj.user, actor=request.user)  # never the hash
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CitizenID]) -> None:
        for registered in queryset.select_related("user"):
            log_action("pramern.citizen_id.deleted", registered.user, actor=request.user)
        super().delete_queryset(request, queryset)


@admin.register(OIDCLink)
class OIDCLinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Links are made by logins; an administrator may delete one (the next login links afresh)."""

    list_display = ["user", "issuer", "created_at", "last_login_at", "created_pending"]
    list_filter = ["issuer", "created_pending"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    readonly_fields = ["user", "issuer", "shown_subject", "created_pending", "created_at", "last_login_at"]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("subject at the provider"))
    def shown_subject(self, obj: OIDCLink) -> str:
        return obj.shown_subject

    def delete_model(self, request: HttpRequest, obj: OIDCLink) -> None:
        log_action("pramern.oidc.unlinked", obj.user, actor=request.user, data={"issuer": obj.issuer})
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OIDCLink]) -> None:
        for link in queryset.select_related("user"):
            log_action("pramern.oidc.unlinked", link.user, actor=request.user, data={"issuer": link.issuer})
        super().delete_queryset(request, queryset)


# ---- issue 12: twofactor ----------------------------------------------------------------------------

for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
