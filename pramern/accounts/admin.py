"""django-axes' admin with Thai column headers (its ``status`` column has no label of its own);
django-otp's devices are not in the admin: a second factor is reset on the site, audited and told
(pramern/accounts/twofactor.py), never deleted unseen."""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN

    class ThaiAccessAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]
        @admin.display(description=_("Status"))
        def status(self, obj: AccessAttempt) -> str:
            return str(super().status(obj))

    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, ThaiAccessAttemptAdmin)

for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
