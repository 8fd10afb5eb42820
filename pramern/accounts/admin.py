"""django-axes' admin with Thai column headers (its ``status`` column has no label of its own)."""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN

    class ThaiAccessAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]
        @admin.display(description=_("Status"))
        def status(self, obj: AccessAttempt) -> str:
            return str(super().status(obj))

    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, ThaiAccessAttemptAdmin)
