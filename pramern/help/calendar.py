"""The calendar of rounds and deadlines of the current fiscal year's frameworks (the help page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from pramern.assessments.years import NoFramework, current_year
from pramern.frameworks.models import RoundSchedule
from pramern.scoring.model import Round


@dataclass(frozen=True)
class RoundDates:
    framework: Any  # frameworks.models.Framework
    round: Round  # its title, and the dates of the work it counts (starts..cutoff)
    opens_on: dt.date | None
    deadline: dt.date | None
    state: str
    days_left: int | None  # until the deadline, when it is today or later


def round_calendar(today: dt.date | None = None) -> list[RoundDates]:
    """Every round of the current year's framework with its dates, by deadline (two queries);
    [] when no framework is installed."""
    try:
        year = current_year()
    except NoFramework:  # none installed: the help page still shows the rest
        return []
    day = today or timezone.localdate()
    framework = year.framework
    schedules = {s.round_code: s for s in RoundSchedule.objects.filter(framework=framework)}
    out = []
    for rnd in framework.compiled().rounds:
        schedule = schedules.get(rnd.code)
        deadline = schedule.submission_deadline if schedule else None
        out.append(
            RoundDates(
                framework=framework,
                round=rnd,
                opens_on=schedule.opens_on if schedule else None,
                deadline=deadline,
                state=schedule.get_state_display() if schedule else "",
                days_left=(deadline - day).days if deadline and deadline >= day else None,
            )
        )
    return sorted(out, key=lambda r: (r.deadline or r.round.cutoff, r.round.index))
