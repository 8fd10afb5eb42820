"""django-axes' admin with Thai column headers (its ``status`` column has no label of its own),
the user list's action that ends all of a person's sessions (issue 12), and no django-otp devices:
a second factor is reset on the site, audited and told (pramern/accounts/twofactor.py), never
deleted unseen."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from pramern.accounts.sessions import end_all_sessions

if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN

    class ThaiAccessAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]
        @admin.display(description=_("Status"))
        def status(self, obj: AccessAttempt) -> str:
            return str(super().status(obj))

    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, ThaiAccessAttemptAdmin)


# ---- issue 12: sessions -------------------------------------------------------------------------
# The user list gains an action: end all of a person's sessions (e.g. when they leave). Whatever
# admin class holds the user model is extended, not replaced, so other changes to it stay.

User = get_user_model()
_RegisteredUserAdmin = type(admin.site.get_model_admin(User))


@admin.action(description=_("Log out everywhere (end all sessions)"), permissions=["change"])
def end_all_sessions_of(modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]) -> None:
    count = sum(end_all_sessions(user, actor=request.user, reason="administrator") for user in queryset)
    modeladmin.message_user(
        request,
        ngettext("%(count)d session ended.", "%(count)d sessions ended.", count) % {"count": count},
        messages.SUCCESS,
    )


class SessionsUserAdmin(_RegisteredUserAdmin):  # type: ignore[misc,valid-type]
    actions = [*(_RegisteredUserAdmin.actions or ()), end_all_sessions_of]


admin.site.unregister(User)
admin.site.register(User, SessionsUserAdmin)

for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
