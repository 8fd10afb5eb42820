from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pramern.notifications.inbox import Bell
from pramern.organizations.permissions import access_for


def access(request: HttpRequest) -> dict[str, Any]:
    """``access`` in every template: what the person may see (for the navigation); and ``bell``,
    whose unread count is read (one query) only when a template prints it."""
    return {"access": access_for(request.user), "bell": Bell(request.user)}
