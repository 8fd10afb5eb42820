"""The review queue's read model: every unit's rounds across fiscal years and rounds, with the
days each has waited for the Evaluation Centre, its assigned evaluator and how many of its
records still have no verdict. A reviewer's own units are marked (reviewed by others).

A row is one unit's round of one year (an assessment and a round of its framework). The filters
narrow the rows; none of them hides a round or a year by default."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from pramern.assessments.models import Assessment, Record, UnitRound
from pramern.assessments.rounds import state_label
from pramern.assessments.years import FiscalYear
from pramern.organizations.permissions import Access
from pramern.review import verdicts
from pramern.review.models import Assignment
from pramern.scoring.model import Round, Text

State = UnitRound.State
QUEUE_STATES = (State.SUBMITTED, State.RESUBMITTED, State.IN_REVIEW)
#: The evaluator filter: every row, the reader's own assignments, rows nobody is assigned to,
#: or a person's id.
ALL, MINE, UNASSIGNED = "all", "mine", "unassigned"


@dataclass(frozen=True)
class QueueRow:
    assessment: Assessment
    year: FiscalYear
    round: Round
    unit_round: UnitRound | None  # None: the unit has not started the round (a draft)
    state: str
    waiting_days: int | None  # days since the round reached the Centre, while it is with the Centre
    unverdicted: int  # records of the round that can still get a verdict and have none
    items_left: int  # items with such records
    evaluator: Any | None  # the assigned person of the Centre
    conflict: bool  # one of the reader's own units: someone else reviews it

    @property
    def state_label(self) -> str:
        return state_label(self.state)


@dataclass(frozen=True)
class Queue:
    """The queue page; the field names are the template's."""

    rows: list[QueueRow]
    years: list[FiscalYear]  # the years offered, newest first
    year_key: str  # "" for every year
    rounds: list[tuple[str, Text]]  # the round codes of the years offered, with a title
    round_code: str  # "" for every round
    state: str  # "queue" (waiting for the Centre), "all", or a unit-round state
    evaluator: str  # ALL, MINE, UNASSIGNED or a person's id
    dimension: str
    dimensions: list[tuple[str, Text]]
    unreviewed_only: bool
    states: list[tuple[str, str]]
    counts: Counter[str]  # rows per state, within the year, round and evaluator filters
    centre_people: list[Any]  # who may be assigned (and chosen in the evaluator filter)
    can_assign: bool
    mine: int  # rounds assigned to the reader that wait for the Centre


def has_assignments(user: Any) -> bool:
    """Whether ``user`` is assigned any unit (then "my queue" is their default)."""
    return Assignment.objects.filter(evaluator=user).exists()


def review_queue(
    years: list[FiscalYear],
    access: Access,
    reader: Any,
    *,
    year_key: str,
    round_code: str,
    state: str,
    evaluator: str,
    dimension: str,
    unreviewed_only: bool,
    people: list[Any],
    today: dt.date | None = None,
) -> Queue:
    """The rounds of the units of ``years`` (only the year ``year_key`` names when given), filtered
    by round, by state ("queue": waiting for the Centre), by assigned evaluator, by records of a
    dimension still to review and by having any; the rounds waiting longest first. ``people``: the
    Centre's (``Role.objects.centre()``), offered as assignees. Three queries, whatever the units, rounds
    and years."""
    day = today or timezone.localdate()
    chosen = [y for y in years if not year_key or y.key == year_key]
    year_of = {y.framework.pk: y for y in chosen}
    assessments = Assessment.objects.filter(framework__in=list(year_of)).with_unit()
    assessments = assessments.select_related("assignment__evaluator").order_by("unit__code")
    if evaluator == MINE:
        assessments = assessments.filter(assignment__evaluator=reader)
    elif evaluator == UNASSIGNED:
        assessments = assessments.filter(assignment__isnull=True)
    elif evaluator != ALL:
        assessments = assessments.filter(assignment__evaluator_id=int(evaluator))
    found = list(assessments)
    ids = [a.pk for a in found]
    rounds_of: dict[int, dict[str, UnitRound]] = {a: {} for a in ids}
    for unit_round in UnitRound.objects.filter(assessment_id__in=ids):
        rounds_of[unit_round.assessment_id][unit_round.round_code] = unit_round
    pending = Record.objects.filter(assessment_id__in=ids, verdict__isnull=True)
    if dimension:
        pending = pending.filter(item_code__startswith=f"{dimension}.")
    # Grouped by day in the database: a unit's thousand records of one day are one row here.
    grouped = pending.order_by().values_list("assessment_id", "item_code", "date").annotate(n=Count("id"))
    rows: list[QueueRow] = []
    counts: Counter[str] = Counter()
    mine = 0
    settled: dict[int, Round | None] = {}
    for assessment in found:
        year = year_of[assessment.framework_id]
        compiled = year.compiled
        units = rounds_of[assessment.pk]
        settled[assessment.pk] = verdicts.settled_round(compiled, units.values())
        assignment = getattr(assessment, "assignment", None)
        for rnd in compiled.rounds:
            if round_code and rnd.code != round_code:
                continue
            unit_round = units.get(rnd.code)
            current = unit_round.state if unit_round else State.DRAFT
            counts[current] += 1
            waiting = current in QUEUE_STATES
            if waiting and assignment is not None and assignment.evaluator_id == reader.pk:
                mine += 1
            if state == "queue" and not waiting:
                continue
            if state not in ("queue", "all", current):
                continue
            rows.append(
                QueueRow(
                    assessment=assessment,
                    year=year,
                    round=rnd,
                    unit_round=unit_round,
                    state=current,
                    waiting_days=_waiting_days(unit_round, day) if waiting else None,
                    unverdicted=0,
                    items_left=0,
                    evaluator=assignment.evaluator if assignment is not None else None,
                    conflict=assessment.unit_id in access.editable_units,
                )
            )
    left = _left_to_review(grouped, rows, settled)
    rows = [
        QueueRow(**{**vars(row), "unverdicted": left[_key(row)][0], "items_left": left[_key(row)][1]}) for row in rows
    ]
    if unreviewed_only:
        rows = [row for row in rows if row.unverdicted]
    rows.sort(key=lambda r: (r.waiting_days is None, -(r.waiting_days or 0), -r.year.number, r.round.index))
    return Queue(
        rows=rows,
        years=years,
        year_key=year_key,
        rounds=queue_rounds(years),
        round_code=round_code,
        state=state,
        evaluator=evaluator,
        dimension=dimension,
        dimensions=dimension_choices(years),
        unreviewed_only=unreviewed_only,
        states=[(value, state_label(value)) for value in State.values],
        counts=counts,
        centre_people=people,
        can_assign=access.is_administrator,
        mine=mine,
    )


def _key(row: QueueRow) -> tuple[int, str]:
    return row.assessment.pk, row.round.code


def _waiting_days(unit_round: UnitRound | None, day: dt.date) -> int | None:
    if unit_round is None:
        return None
    since = unit_round.waiting_since or unit_round.submitted_at
    return (day - timezone.localdate(since)).days if since is not None else None


def _left_to_review(
    grouped: Any, rows: list[QueueRow], settled: dict[int, Round | None]
) -> dict[tuple[int, str], tuple[int, int]]:
    """Per row: records dated up to its round's cut-off that can still get a verdict (a settled
    round's records keep theirs), and the items they belong to."""
    by_assessment: dict[int, list[QueueRow]] = {}
    for row in rows:
        by_assessment.setdefault(row.assessment.pk, []).append(row)
    records: Counter[tuple[int, str]] = Counter()
    items: dict[tuple[int, str], set[str]] = {}
    for assessment_id, item_code, day, n in grouped:
        for row in by_assessment.get(assessment_id, ()):
            if day > row.round.cutoff:
                continue
            if verdicts.still_open_to_review(day, settled[assessment_id]):
                records[_key(row)] += n
                items.setdefault(_key(row), set()).add(item_code)
    return {_key(row): (records[_key(row)], len(items.get(_key(row), ()))) for row in rows}


def queue_rounds(years: list[FiscalYear]) -> list[tuple[str, Text]]:
    """The round codes of the years offered, each with the title of the newest year's."""
    seen: dict[str, Text] = {}
    for year in years:
        for rnd in year.compiled.rounds:
            seen.setdefault(rnd.code, rnd.title)
    return list(seen.items())


def dimension_choices(years: list[FiscalYear]) -> list[tuple[str, Text]]:
    """The dimension codes of the years offered, each with the title of the newest year's."""
    seen: dict[str, Text] = {}
    for year in years:
        for d in year.compiled.dimensions:
            seen.setdefault(d.code, d.title)
    return sorted(seen.items(), key=lambda kv: kv[0])
