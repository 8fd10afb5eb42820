"""Opening a new fiscal year: each chosen unit gets its assessment of the year's framework, its
staff counts pre-filled from its previous assessment, and the framework's rounds get their dates.

Units, their sections, people and roles belong to the unit, not to a year, so they carry over as
they are. Reminders need no job of their own: ``manage.py send_deadline_reminders`` (run daily)
reminds every unit 7 days and 1 day before each round's deadline as the schedule states it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from pramern.assessments.models import Assessment
from pramern.assessments.services import clean_staff_counts, effective_staff_counts
from pramern.audit.services import log_action
from pramern.errors import UserError
from pramern.frameworks.models import Framework, RoundSchedule
from pramern.organizations.models import Unit
from pramern.organizations.permissions import access_for
from pramern.review.notifications import REMINDER_DAYS
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.model import Round
from pramern.ui.text import bedate, tr


class YearOpeningError(UserError):
    """Opening a year refused: nothing was created or changed."""


@dataclass(frozen=True)
class ScheduleDates:
    """A round's dates as the Centre sets them when it opens the year."""

    opens_on: dt.date | None
    deadline: dt.date


@dataclass(frozen=True)
class UnitOpening:
    """One unit on the confirmation page: skipped when it has the framework already; otherwise
    its staff counts, pre-filled from ``previous`` (its assessment of the year before)."""

    unit: Unit
    existing: Assessment | None
    previous: Assessment | None
    staff_counts: dict[str, int]

    @property
    def skipped(self) -> bool:
        return self.existing is not None


@dataclass(frozen=True)
class RoundPlan:
    round: Round
    dates: ScheduleDates

    @property
    def reminders(self) -> list[dt.date]:
        """The days ``send_deadline_reminders`` e-mails the units that have not submitted."""
        return [self.dates.deadline - dt.timedelta(days=days) for days in REMINDER_DAYS]


@dataclass(frozen=True)
class OpeningPlan:
    framework: Framework
    compiled: CompiledFramework
    units: list[UnitOpening]
    rounds: list[RoundPlan] = field(default_factory=list)

    @property
    def to_open(self) -> list[UnitOpening]:
        return [u for u in self.units if not u.skipped]

    @property
    def skipped(self) -> list[UnitOpening]:
        return [u for u in self.units if u.skipped]


@dataclass(frozen=True)
class OpeningResult:
    created: list[Assessment]
    skipped: list[Unit]


def prefilled_staff(compiled: CompiledFramework, previous: Assessment | None) -> dict[str, int]:
    """Last year's staff per round for this year's rounds: a round of the same code takes its
    count, any other the count of last year's final round ({} without a previous assessment)."""
    if previous is None:
        return {}
    before = effective_staff_counts(previous.framework.compiled(), dict(previous.staff_counts))
    if not before:
        return {}
    last = list(before.values())[-1]
    return {rnd.code: before.get(rnd.code, last) for rnd in compiled.rounds}


def _previous_by_unit(framework: Framework, units: Sequence[Unit]) -> dict[int, Assessment]:
    """Each unit's newest assessment of a framework before ``framework`` (one query)."""
    older = (
        Assessment.objects.filter(unit__in=units)
        .exclude(framework=framework)
        .exclude(framework__in=Framework.objects.newer_than(framework.code, framework.version))
        .select_related("framework")
        .defer("framework__source")  # compiled once per process (Framework.compiled)
        .order_by("unit_id", "-framework__code", "-framework__version")
    )
    out: dict[int, Assessment] = {}
    for assessment in older:
        out.setdefault(assessment.unit_id, assessment)
    return out


def plan_opening(
    framework: Framework, units: Iterable[Unit], schedules: Mapping[str, ScheduleDates] | None = None
) -> OpeningPlan:
    """What opening ``framework`` for ``units`` would do: which units are skipped, each other
    unit's pre-filled staff counts, each round's dates (``schedules``, else as scheduled now)
    and the days reminders go out. Changes nothing."""
    units = list(units)
    compiled = framework.compiled()
    existing = {a.unit_id: a for a in Assessment.objects.filter(framework=framework, unit__in=units)}
    previous = _previous_by_unit(framework, units)
    current = RoundSchedule.objects.by_code(framework)
    rounds = []
    for rnd in compiled.rounds:
        dates = (schedules or {}).get(rnd.code)
        if dates is None:
            schedule = current.get(rnd.code)
            dates = (
                ScheduleDates(schedule.opens_on, schedule.submission_deadline)
                if schedule
                else ScheduleDates(rnd.starts, rnd.cutoff)
            )
        rounds.append(RoundPlan(rnd, dates))
    return OpeningPlan(
        framework=framework,
        compiled=compiled,
        units=[
            UnitOpening(u, existing.get(u.pk), previous.get(u.pk), prefilled_staff(compiled, previous.get(u.pk)))
            for u in units
        ],
        rounds=rounds,
    )


def _check_schedules(compiled: CompiledFramework, schedules: Mapping[str, ScheduleDates]) -> list[str]:
    problems = []
    previous_deadline: dt.date | None = None
    for rnd in compiled.rounds:
        title = tr(rnd.title)
        dates = schedules.get(rnd.code)
        if dates is None:
            problems.append(_("%(round)s: the submission deadline is required.") % {"round": title})
            continue
        if dates.opens_on is not None and dates.opens_on > dates.deadline:
            problems.append(
                _("%(round)s: it opens on %(opens)s, after its submission deadline (%(deadline)s).")
                % {"round": title, "opens": bedate(dates.opens_on), "deadline": bedate(dates.deadline)}
            )
        if previous_deadline is not None and dates.deadline < previous_deadline:
            problems.append(
                _("%(round)s: its submission deadline (%(deadline)s) is before the previous round's (%(before)s).")
                % {"round": title, "deadline": bedate(dates.deadline), "before": bedate(previous_deadline)}
            )
        previous_deadline = dates.deadline
    unknown = sorted(set(schedules) - {rnd.code for rnd in compiled.rounds})
    if unknown:
        problems.append(_("Unknown rounds: %(rounds)s.") % {"rounds": ", ".join(unknown)})
    return problems


@transaction.atomic
def open_year(
    framework: Framework,
    units: Iterable[Unit],
    staff_counts: Mapping[int, Any],
    schedules: Mapping[str, ScheduleDates],
    user: Any,
) -> OpeningResult:
    """Open ``framework``'s year for ``units``: each unit without an assessment of it gets one,
    with its staff counts (``staff_counts``: unit id -> {round code: count}); a unit that has one
    is skipped and named in the result. The rounds get ``schedules``' dates. All or nothing:
    ``YearOpeningError`` lists every problem and nothing changes. Audited: one entry for the
    opening, one per assessment created. Administrators only (``PermissionDenied``)."""
    if not access_for(user).is_administrator:
        raise PermissionDenied(_("Only an administrator opens a year."))
    units = sorted(set(units), key=lambda u: u.code)
    if not units:
        raise YearOpeningError(_("Choose at least one unit."))
    # One opening at a time per framework: a second request waits, then finds the assessments made.
    framework = Framework.objects.select_for_update().defer("source").get(pk=framework.pk)
    if not Framework.objects.openable().filter(pk=framework.pk).exists():
        raise YearOpeningError(
            _("%(framework)s is older than a year already opened: its assessments would be read-only at once.")
            % {"framework": framework.year_label}
        )
    plan = plan_opening(framework, units, schedules)
    compiled = plan.compiled
    problems = _check_schedules(compiled, schedules)
    counts: dict[int, dict[str, int]] = {}
    for opening in plan.to_open:
        try:
            counts[opening.unit.pk] = clean_staff_counts(compiled, staff_counts.get(opening.unit.pk))
        except UserError as exc:
            problems.extend(f"{opening.unit.name}: {p}" for p in exc.problems)
    if problems:
        raise YearOpeningError(_("The year was not opened; nothing was changed."), problems)
    schedule_changes = _apply_schedules(framework, schedules)
    created = []
    for opening in plan.to_open:
        assessment = Assessment.objects.create(
            unit=opening.unit, framework=framework, staff_counts=counts[opening.unit.pk]
        )
        log_action(
            "pramern.assessment.opened",
            assessment,
            actor=user,
            data={
                "framework": str(framework),
                "unit": opening.unit.code,
                "staff_counts": counts[opening.unit.pk],
                "previous": opening.previous.pk if opening.previous else None,
            },
            assessment_id=assessment.pk,
        )
        created.append(assessment)
    if not created and not schedule_changes:
        return OpeningResult([], [u.unit for u in plan.skipped])  # opened already: nothing to record
    log_action(
        "pramern.year.opened",
        framework,
        actor=user,
        data={
            "created": {a.unit.code: a.pk for a in created},
            "skipped": [u.unit.code for u in plan.skipped],
            "schedules": schedule_changes,
        },
    )
    return OpeningResult(created, [u.unit for u in plan.skipped])


def _apply_schedules(framework: Framework, schedules: Mapping[str, ScheduleDates]) -> dict[str, Any]:
    """Set each round's dates; returns {round: {before, after}} of every round whose dates changed."""
    changes: dict[str, Any] = {}
    current = {s.round_code: s for s in RoundSchedule.objects.filter(framework=framework)}
    for code, dates in schedules.items():
        schedule = current.get(code) or RoundSchedule(framework=framework, round_code=code)
        before = (
            {"opens_on": _iso(schedule.opens_on), "deadline": _iso(schedule.submission_deadline)}
            if schedule.pk
            else None
        )
        after = {"opens_on": _iso(dates.opens_on), "deadline": dates.deadline.isoformat()}
        if before == after:
            continue
        schedule.opens_on, schedule.submission_deadline = dates.opens_on, dates.deadline
        schedule.save()
        changes[code] = {"before": before, "after": after}
    return changes


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
