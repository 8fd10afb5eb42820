"""The one place every notification is sent from (``deliver``), and a person's inbox changes.

Whatever tells people about an event (a round returned, verified, published, a comment, a
deadline, and any kind added later) calls ``deliver``: each recipient gets an inbox entry, and
an email too unless they switched that kind's email off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation

from pramern.assessments.models import Assessment
from pramern.audit.services import log_action
from pramern.notifications.models import (
    EVALUATORS,
    EXECUTIVES,
    KINDS,
    UNIT,
    EmailChoice,
    Notification,
    emails_by_default,
)
from pramern.notifications.unread import forget_unread
from pramern.organizations.permissions import access_for

#: Languages every notification is written in: Thai (emails too) and English.
LANGUAGES = ("th", "en")


def deliver(
    kind: str,
    recipients: Iterable[Any],
    compose: Callable[[], tuple[str, str]],
    *,
    link: str = "",
    assessment: Assessment | None = None,
) -> int:
    """Tell ``recipients`` (active people; duplicates count once) about an event; returns how many
    emails were sent. ``compose`` returns (subject, message) in the active language and is called
    once per language; emails are in Thai, with the link written out after the message."""
    people = {u.pk: u for u in recipients if u.is_active}
    if not people:
        return 0
    texts: dict[str, tuple[str, str]] = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = compose()
    emailed = wants_email(kind, people.values())
    with transaction.atomic():
        Notification.objects.bulk_create(
            Notification(
                recipient_id=pk,
                kind=kind,
                subject_th=texts["th"][0][:300],
                subject_en=texts["en"][0][:300],
                body_th=texts["th"][1],
                body_en=texts["en"][1],
                link=link,
                assessment=assessment,
                emailed=pk in emailed,
            )
            for pk in sorted(people)
        )
        forget_unread(people)
    addresses = sorted({people[pk].email for pk in emailed})
    if not addresses:
        return 0
    subject, body = texts["th"]
    if link:
        body = f"{body.rstrip()}\n\n{settings.SITE_URL.rstrip('/')}{link}\n"
    return send_mass_mail([(f"[Pramern] {subject}", body, settings.DEFAULT_FROM_EMAIL, [to]) for to in addresses])


def wants_email(kind: str, people: Iterable[Any]) -> set[int]:
    """The ids of the people with an address whose choice for ``kind`` is email (one query)."""
    with_address = {u.pk for u in people if u.email}
    chosen = dict(EmailChoice.objects.filter(kind=kind, user_id__in=with_address).values_list("user_id", "email"))
    default = emails_by_default(kind)
    return {pk for pk in with_address if chosen.get(pk, default)}


def kinds_for(user: Any) -> list[str]:
    """The registered kinds this person can receive, by their roles (every kind when no role
    says: an administrator may be told anything a workflow adds)."""
    access = access_for(user)
    groups = {UNIT} if access.editable_units else set()
    groups |= {EVALUATORS} if access.is_evaluator else set()
    groups |= {EXECUTIVES} if access.is_executive else set()
    found = [code for code, kind in KINDS.items() if kind.audience & groups]
    return found or list(KINDS)


def email_choices(user: Any) -> dict[str, bool]:
    """The kinds this person can receive, each with whether it also emails them (their choice or
    the default)."""
    chosen = dict(EmailChoice.objects.filter(user=user).values_list("kind", "email"))
    return {code: chosen.get(code, KINDS[code].emails_by_default) for code in kinds_for(user)}


@transaction.atomic
def set_email_choices(user: Any, choices: Mapping[str, bool]) -> None:
    """Save which of the kinds this person can receive also email them (audited when anything changes)."""
    before = email_choices(user)
    after = {code: bool(choices.get(code, False)) for code in before}
    if after == before:
        return
    for code, email in after.items():
        EmailChoice.objects.update_or_create(user=user, kind=code, defaults={"email": email})
    log_action(
        "pramern.notifications.email_choices_changed",
        user,
        actor=user,
        data={"before": before, "after": after},
    )


def mark_read(user: Any, pk: int) -> Notification | None:
    """Mark one of the person's notifications read; None when it is not theirs."""
    found = Notification.objects.filter(recipient=user, pk=pk).first()
    if found is not None and found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


def mark_all_read(user: Any) -> int:
    """Mark every unread notification of the person read; returns how many."""
    marked = Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
    forget_unread([user.pk])
    return marked
