"""The review queue's read model: every unit's state in a round, and how many items still have
records without a verdict. A reviewer's own units are marked (reviewed by others)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from pramern.assessments.models import Assessment, Record, UnitRound
from pramern.assessments.rounds import state_label
from pramern.frameworks.models import Framework
from pramern.organizations.permissions import Access
from pramern.review import verdicts
from pramern.scoring.model import Framework as CompiledFramework

State = UnitRound.State
QUEUE_STATES = (State.SUBMITTED, State.RESUBMITTED, State.IN_REVIEW)


@dataclass(frozen=True)
class QueueRow:
    assessment: Assessment
    unit_round: UnitRound | None  # None: the unit has not started the round (a draft)
    state: str
    left: int  # items with a record that can still get a verdict and has none
    conflict: bool  # one of the reader's own units: someone else reviews it

    @property
    def state_label(self) -> str:
        return state_label(self.state)


@dataclass(frozen=True)
class Queue:
    """The queue page; the field names are the template's."""

    rows: list[QueueRow]
    framework: CompiledFramework
    round_code: str
    state: str  # "queue" (waiting for the Centre), "all", or a unit-round state
    dimension: str
    unreviewed_only: bool
    states: list[tuple[str, str]]
    counts: Counter[str]  # units per state, whatever the filters


def round_with_work(framework: Framework, access: Access) -> str:
    """The earliest round with units waiting for this reviewer (not their own units), else the last."""
    waiting = set(
        UnitRound.objects.filter(assessment__framework=framework, state__in=QUEUE_STATES)
        .exclude(assessment__unit_id__in=access.editable_units)
        .values_list("round_code", flat=True)
    )
    compiled = framework.compiled()
    return next((r.code for r in compiled.rounds if r.code in waiting), compiled.final_round.code)


def review_queue(
    framework: Framework, access: Access, round_code: str, *, state: str, dimension: str, unreviewed_only: bool
) -> Queue:
    """Units of ``framework`` in ``round_code`` filtered by state ("queue": waiting for the Centre),
    by items of a dimension still to review, and by having any. Three queries, whatever the units."""
    compiled = framework.compiled()
    cutoff = compiled.round(round_code).cutoff
    assessments = list(Assessment.objects.filter(framework=framework).with_unit().order_by("unit__code"))
    rounds_of: dict[int, list[UnitRound]] = defaultdict(list)
    for u in UnitRound.objects.filter(assessment__framework=framework):
        rounds_of[u.assessment_id].append(u)
    unit_rounds = {a: u for a, units in rounds_of.items() for u in units if u.round_code == round_code}
    settled = {a: verdicts.settled_round(compiled, units) for a, units in rounds_of.items()}
    pending = Record.objects.filter(assessment__framework=framework, date__lte=cutoff, verdict__isnull=True)
    if dimension:
        pending = pending.filter(item_code__startswith=f"{dimension}.")
    left = Counter(  # items with a record that can still get a verdict (a settled round's records keep theirs)
        a
        for a, _item in {
            (a, item)
            for a, item, day in pending.order_by().values_list("assessment_id", "item_code", "date")
            if verdicts.still_open_to_review(day, settled.get(a))
        }
    )
    rows = []
    for assessment in assessments:
        unit_round = unit_rounds.get(assessment.pk)
        current = unit_round.state if unit_round else State.DRAFT
        if state == "queue" and current not in QUEUE_STATES:
            continue
        if state not in ("queue", "all", current):
            continue
        if unreviewed_only and not left[assessment.pk]:
            continue
        rows.append(
            QueueRow(assessment, unit_round, current, left[assessment.pk], assessment.unit_id in access.editable_units)
        )
    return Queue(
        rows=rows,
        framework=compiled,
        round_code=round_code,
        state=state,
        dimension=dimension,
        unreviewed_only=unreviewed_only,
        states=[(value, state_label(value)) for value in State.values],
        counts=Counter((unit_rounds[a.pk].state if a.pk in unit_rounds else State.DRAFT) for a in assessments),
    )
