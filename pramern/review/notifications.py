"""What the people concerned are told about a unit's round, its comments and its deadlines.

Every message goes through ``pramern.notifications.services.deliver``: an inbox entry for each
recipient (in Thai and English) and, unless they switched that kind off, an email in Thai.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from pramern.assessments.models import Assessment, UnitRound
from pramern.assessments.rounds import Reopening, lock_state
from pramern.frameworks.models import RoundSchedule
from pramern.notifications.services import deliver
from pramern.organizations.models import Role
from pramern.organizations.permissions import access_for
from pramern.review.models import Comment, ReminderSent
from pramern.ui.text import bedate, tr

#: Who is told of each step of a unit's round: the unit's people, or people with an office-wide role.
NOTIFIED: dict[str, tuple[str, ...]] = {
    "submit": (Role.Kind.EVALUATOR,),
    "resubmit": (Role.Kind.EVALUATOR,),
    "return": ("unit",),
    "verify": ("unit",),
    "publish": ("unit", Role.Kind.EXECUTIVE),
    "reopen": ("unit", Role.Kind.EVALUATOR, Role.Kind.ADMINISTRATOR, Role.Kind.EXECUTIVE),
}


def notified_people(assessment: Assessment, action: str) -> list[Any]:
    """The active people ``state_changed`` tells when a round of ``assessment`` takes ``action``,
    by name: the one rule behind the notifications and the confirmation pages that say who is
    told (one query)."""
    groups = NOTIFIED.get(action, ())
    if not groups:
        return []
    roles = Role.objects.holding(g for g in groups if g != "unit")
    if "unit" in groups:
        roles = Role.objects.of_unit(assessment.unit_id) | roles
    return roles.people()


def state_changed(unit_round: UnitRound, action: str, *, reason: str = "", reopening: Reopening | None = None) -> int:
    """Tell the right people that a round moved; returns how many emails were sent. ``reopening``:
    when a round is returned although later rounds are closed, ``LockState.reopened_by_return``
    (which records the unit may change again)."""
    assessment = unit_round.assessment
    rnd = assessment.framework.compiled().round(unit_round.round_code)
    review_url = reverse("review:unit", args=[assessment.pk, unit_round.round_code])
    unit_url = reverse("workspace:home", args=[assessment.pk])

    def context() -> dict[str, str]:
        return {"unit": assessment.unit.name, "round": tr(rnd.title)}

    if action == "submit":
        link = review_url

        def compose() -> tuple[str, str]:
            return _("%(unit)s submitted %(round)s") % context(), _(
                "%(unit)s has submitted %(round)s for review."
            ) % context()

    elif action == "resubmit":
        link = review_url

        def compose() -> tuple[str, str]:
            return (
                _("%(unit)s resubmitted %(round)s") % context(),
                _("%(unit)s has revised and resubmitted %(round)s.") % context(),
            )

    elif action == "return":
        link = unit_url

        def compose() -> tuple[str, str]:
            body = (
                _("The Evaluation Centre returned %(round)s for revision.") % context()
                + f"\n\n{_('Reason')}: {reason}\n"
            )
            if reopening is not None:
                body += "\n" + capfirst(
                    _(
                        "%(records)s can be changed again, although %(later)s is closed; "
                        "resubmit %(round)s once they are revised."
                    )
                    % {**context(), "records": reopening.records, "later": reopening.later_titles}
                )
            return _("%(round)s of %(unit)s was returned for revision") % context(), body

    elif action == "verify":
        link = unit_url

        def compose() -> tuple[str, str]:
            return (
                _("%(round)s of %(unit)s was verified") % context(),
                _("The Evaluation Centre verified %(round)s of %(unit)s; the results are shown once published.")
                % context(),
            )

    elif action == "publish":
        link = unit_url

        def compose() -> tuple[str, str]:
            return (
                _("Verified results of %(round)s for %(unit)s are published") % context(),
                _("The verified results of %(round)s for %(unit)s are published.") % context(),
            )

    elif action == "reopen":
        link = unit_url  # every recipient (the unit, the Centre, executives) may open it

        def compose() -> tuple[str, str]:
            body = (
                _(
                    "An administrator reopened %(round)s of %(unit)s: its published verified results are withdrawn "
                    "until the Evaluation Centre verifies and publishes the round again."
                )
                % context()
                + f"\n\n{_('Reason')}: {reason}\n"
            )
            return _("%(round)s of %(unit)s was reopened for review") % context(), body

    else:
        return 0
    return deliver(action, notified_people(assessment, action), compose, link=link, assessment=assessment)


def comment_added(comment: Comment) -> int:
    """Tell the other side of an item's thread about a new comment: the Evaluation Centre's
    evaluators when the unit wrote, the unit's people when the Centre wrote; returns emails sent."""
    assessment = comment.assessment
    from_unit = access_for(comment.author).can_edit(assessment.unit_id)
    others = (
        Role.objects.holding([Role.Kind.EVALUATOR]) if from_unit else Role.objects.of_unit(assessment.unit_id)
    ).people()
    recipients = [u for u in others if u.pk != comment.author_id]
    link = reverse("workspace:item", args=[assessment.pk, comment.item_code])

    def compose() -> tuple[str, str]:
        context = {"unit": assessment.unit.name, "item": comment.item_code}
        return _("New comment on item %(item)s of %(unit)s") % context, comment.body

    return deliver("comment", recipients, compose, link=f"{link}#comments", assessment=assessment)


REMINDER_DAYS = (7, 1)


def send_deadline_reminders(today: dt.date | None = None) -> int:
    """Remind units whose round is still open 7 days and 1 day before its deadline; returns how
    many emails were sent (the inbox entries are made for every unit person).

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

            def compose(status: Any = status, days: int = days, assessment: Assessment = assessment) -> tuple[str, str]:
                context = {
                    "unit": assessment.unit.name,
                    "round": tr(status.round.title),
                    "date": bedate(status.deadline),
                    "days": days,
                }
                return (
                    _("%(round)s is due in %(days)s days (%(date)s)") % context,
                    _("%(unit)s: %(round)s must be submitted by %(date)s.") % context,
                )

            sent += deliver(
                "deadline",
                Role.objects.of_unit(assessment.unit_id).people(),
                compose,
                link=reverse("workspace:home", args=[assessment.pk]),
                assessment=assessment,
            )
    return sent
