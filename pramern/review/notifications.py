"""Emails about a unit's round, in Thai, through Django's email backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from pramern.assessments.models import Assessment, UnitRound
from pramern.assessments.rounds import Reopening, lock_state
from pramern.frameworks.models import RoundSchedule
from pramern.organizations.models import Role
from pramern.review.models import ReminderSent
from pramern.thaidates import thai_date


def _emails(users: Iterable[Any]) -> list[str]:
    return sorted({u.email for u in users if u.email and u.is_active})


def unit_people(assessment: Assessment) -> list[str]:
    User = get_user_model()
    return _emails(User.objects.filter(roles__unit=assessment.unit, roles__kind__in=Role.UNIT_KINDS).distinct())


def people_with_role(kind: str) -> list[str]:
    return _emails(get_user_model().objects.filter(roles__kind=kind).distinct())


#: Who is told of each step of a unit's round: the unit's people, or people with an office-wide role.
NOTIFIED: dict[str, tuple[str, ...]] = {
    "submit": (Role.Kind.EVALUATOR,),
    "resubmit": (Role.Kind.EVALUATOR,),
    "return": ("unit",),
    "verify": (),
    "publish": ("unit", Role.Kind.EXECUTIVE),
    "reopen": ("unit", Role.Kind.EVALUATOR, Role.Kind.ADMINISTRATOR, Role.Kind.EXECUTIVE),
}


def notified_people(assessment: Assessment, action: str) -> list[Any]:
    """The active people with an email address whom ``state_changed`` emails when a round of
    ``assessment`` takes ``action``, by user name: the one rule behind the emails and the
    confirmation pages that say who is told (one query)."""
    groups = NOTIFIED.get(action, ())
    if not groups:
        return []
    query = Q(roles__kind__in=[g for g in groups if g != "unit"])
    if "unit" in groups:
        query |= Q(roles__unit=assessment.unit, roles__kind__in=Role.UNIT_KINDS)
    people = get_user_model().objects.filter(query, is_active=True).exclude(email="").distinct()
    return list(people.order_by("username"))


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def state_changed(unit_round: UnitRound, action: str, *, reason: str = "", reopening: Reopening | None = None) -> int:
    """Tell the right people that a round moved; returns how many emails were sent. ``reopening``:
    when a round is returned although later rounds are closed, ``LockState.reopened_by_return``
    (which records the unit may change again)."""
    assessment = unit_round.assessment
    with translation.override("th"):
        rnd = assessment.framework.compiled().round(unit_round.round_code)
        context = {"unit": assessment.unit.name_th, "round": rnd.title.th}
        review_url = _link(reverse("review:unit", args=[assessment.pk, unit_round.round_code]))
        unit_url = _link(reverse("workspace:home", args=[assessment.pk]))
        if action == "submit":
            subject = _("%(unit)s submitted %(round)s") % context
            body = _("%(unit)s has submitted %(round)s for review.") % context + f"\n\n{review_url}\n"
        elif action == "resubmit":
            subject = _("%(unit)s resubmitted %(round)s") % context
            body = _("%(unit)s has revised and resubmitted %(round)s.") % context + f"\n\n{review_url}\n"
        elif action == "return":
            subject = _("%(round)s of %(unit)s was returned for revision") % context
            body = (
                _("The Evaluation Centre returned %(round)s for revision.") % context + f"\n\n{_('Reason')}: {reason}\n"
            )
            if reopening is not None:
                body += "\n" + capfirst(
                    _(
                        "%(records)s can be changed again, although %(later)s is closed; "
                        "resubmit %(round)s once they are revised."
                    )
                    % {**context, "records": reopening.records, "later": reopening.later_titles}
                )
            body += f"\n\n{unit_url}\n"
        elif action == "publish":
            subject = _("Verified results of %(round)s for %(unit)s are published") % context
            body = _("The verified results of %(round)s for %(unit)s are published.") % context + f"\n\n{unit_url}\n"
        elif action == "reopen":
            subject = _("%(round)s of %(unit)s was reopened for review") % context
            body = (
                _(
                    "An administrator reopened %(round)s of %(unit)s: its published verified results are withdrawn "
                    "until the Evaluation Centre verifies and publishes the round again."
                )
                % context
                + f"\n\n{_('Reason')}: {reason}\n\n{unit_url}\n{review_url}\n"
            )
        else:
            return 0
    recipients = _emails(notified_people(assessment, action))
    if not recipients:
        return 0
    return send_mass_mail([(f"[Pramern] {subject}", body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients])


REMINDER_DAYS = (7, 1)


def send_deadline_reminders(today: dt.date | None = None) -> int:
    """Remind units whose round is still open 7 days and 1 day before its deadline.

    Each reminder is recorded before it is sent, so running the job twice sends nothing twice.
    """
    day = today or timezone.localdate()
    sent = 0
    schedules: dict[int, Any] = {}  # framework id -> its round schedules, read once
    for assessment in Assessment.objects.with_unit().prefetch_related("unit_rounds", "extensions"):
        if assessment.framework_id not in schedules:
            schedules[assessment.framework_id] = RoundSchedule.objects.by_code(assessment.framework)
        locks = lock_state(
            assessment,
            unit_rounds=assessment.unit_rounds.all(),
            extensions=assessment.extensions.all(),
            schedules=schedules[assessment.framework_id],
            today=day,
        )
        for status in locks.rounds:
            days = (status.deadline - day).days
            if days not in REMINDER_DAYS or not status.can_submit:
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        assessment=assessment, round_code=status.round.code, deadline=status.deadline, days_before=days
                    )
            except IntegrityError:
                continue  # already reminded
            recipients = unit_people(assessment)
            if not recipients:
                continue
            with translation.override("th"):
                context = {
                    "unit": assessment.unit.name_th,
                    "round": status.round.title.th,
                    "date": thai_date(status.deadline),
                    "days": days,
                }
                subject = _("%(round)s is due in %(days)s days (%(date)s)") % context
                body = (
                    _("%(unit)s: %(round)s must be submitted by %(date)s.") % context
                    + "\n\n"
                    + _link(reverse("workspace:home", args=[assessment.pk]))
                    + "\n"
                )
            sent += send_mass_mail(
                [(f"[Pramern] {subject}", body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
            )
    return sent
