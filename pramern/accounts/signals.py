"""A login lock is audit-logged once, when it begins (axes keeps every failed attempt itself)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.dispatch import receiver

from pramern.audit.services import log_action


@receiver(user_locked_out)
def log_lockout(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # an attempt refused during a lock, not a new lock
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is None:
        return  # an unknown user name: axes' own attempt records keep it
    log_action(
        "pramern.login.locked_out",
        user,
        data={"ip_address": ip_address, "path": request.path, "failures": request.axes_failures_since_start},
    )
