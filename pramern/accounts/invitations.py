"""Invitations: a link per new person to set their first password, printed or e-mailed in Thai."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.mail import send_mass_mail
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pramern.accounts.tokens import invitation_token_generator
from pramern.audit.services import display_name, log_action
from pramern.ui.text import bedate


@dataclass(frozen=True)
class Invitation:
    user: Any
    link: str
    expires: dt.datetime

    @property
    def name(self) -> str:
        return display_name(self.user)


def awaiting_password(ids: Iterable[int | str]) -> QuerySet[Any]:
    """The active accounts among ``ids`` that have no password yet (created by the import)."""
    return (
        get_user_model()
        .objects.filter(pk__in=list(ids), is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .order_by("username")
    )


def invitation_for(user: Any) -> Invitation:
    """A fresh link for ``user``; it works until they set a password or INVITATION_DAYS pass."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("invitation", args=[uid, invitation_token_generator.make_token(user)])
    expires = timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS)
    return Invitation(user, settings.SITE_URL.rstrip("/") + path, expires)


def send_invitations(invitations: Iterable[Invitation], *, actor: Any = None) -> int:
    """E-mail each invitation (in Thai) to its person's address; returns how many were sent."""
    messages = []
    sent = []
    with translation.override("th"):
        for invitation in invitations:
            if not invitation.user.email:
                continue
            context = {
                "name": invitation.name,
                "username": invitation.user.get_username(),
                "link": invitation.link,
                "expires": bedate(invitation.expires),
                "days": settings.INVITATION_DAYS,
            }
            subject = render_to_string("registration/invitation_subject.txt", context).strip()
            body = render_to_string("registration/invitation_email.txt", context)
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.user.email]))
            sent.append(invitation)
    count = send_mass_mail(messages) if messages else 0
    for invitation in sent:
        log_action(
            "pramern.person.invited",
            invitation.user,
            actor=actor,
            data={"email": invitation.user.email, "expires": invitation.expires.date().isoformat()},
        )
    return count
