"""``{% oidc_login_button %}``: the login page's "Log in with ThaiD" button, when OpenID Connect is set up."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from pramern.accounts import oidc

register = template.Library()


@register.inclusion_tag("registration/oidc_login_button.html", takes_context=True)
def oidc_login_button(context: template.Context) -> dict[str, Any]:
    return {"enabled": oidc.enabled(), "provider": settings.PRAMERN_OIDC_NAME, "next": context.get("next", "")}
