"""The office-wide first screen: every unit of a fiscal year with, per round, where it stands
(not started, in progress, submitted, returned, verified, published), its self-assessed and
verified totals and its deadline. Read from stored rows in a fixed number of queries, whatever
the units: assessments with units, unit rounds, score cards, round schedules, deadline
extensions, and records counted per round window."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pramern.assessments.models import Assessment, Record, UnitRound
from pramern.assessments.rounds import RoundStatus, lock_state
from pramern.frameworks.models import Framework, RoundSchedule
from pramern.organizations.models import Unit
from pramern.organizations.permissions import Access
from pramern.reports import caching
from pramern.reports.data import unit_totals
from pramern.review.models import DeadlineExtension
from pramern.review.visibility import rule_key, verified_visible_in_state
from pramern.scoring.model import Round

State = UnitRound.State

#: Where a unit's round stands, in workflow order (the filter's and the sort's order).
STAGES: tuple[tuple[str, object], ...] = (
    ("not_started", _("not started")),
    ("in_progress", _("in progress")),
    ("submitted", _("submitted")),
    ("returned", _("returned for revision")),
    ("verified", _("verified")),
    ("published", _("published")),
)
STAGE_ORDER = {code: index for index, (code, _label) in enumerate(STAGES)}

#: Unit-round state -> stage; a draft is "not started" or "in progress" by its records.
_STAGE_OF_STATE = {
    State.SUBMITTED: "submitted",
    State.IN_REVIEW: "submitted",
    State.RESUBMITTED: "submitted",
    State.RETURNED: "returned",
    State.VERIFIED: "verified",
    State.PUBLISHED: "published",
}

SORTS: tuple[tuple[str, object], ...] = (
    ("unit", _("unit")),
    ("stage", _("state")),
    ("self", _("self-assessed total")),
    ("verified", _("verified total")),
    ("deadline", _("deadline")),
)


@dataclass(frozen=True)
class RoundCell:
    """One unit in one round."""

    status: RoundStatus  # the round's state, deadline and extension
    stage: str  # a code of STAGES
    records: int  # records dated inside the round's own window
    self_total: Decimal | None  # None: no score card yet
    verified_total: Decimal | None  # None: not shown to this reader (or its review has not begun)

    @property
    def round(self) -> Round:
        return self.status.round

    @property
    def state(self) -> str:
        """The unit round's state (draft, in_review, …)."""
        return self.status.state

    @property
    def deadline(self) -> dt.date:
        return self.status.deadline

    @property
    def extended(self) -> bool:
        return self.status.extension is not None

    @property
    def stage_label(self) -> str:
        return str(dict(STAGES)[self.stage])

    @property
    def state_label(self) -> str:
        """The precise state where the stage groups several (in review, resubmitted)."""
        if self.state in (State.IN_REVIEW, State.RESUBMITTED):
            return self.status.state_label
        return ""

    @property
    def settled(self) -> bool:
        """The verified total is final (verified or published) and shown to this reader."""
        return self.verified_total is not None and self.state in UnitRound.SETTLED

    @property
    def waiting_for_unit(self) -> bool:
        """The unit still has to submit (the deadline matters to it)."""
        return self.stage in ("not_started", "in_progress", "returned")

    @property
    def days_left(self) -> int:
        return self.status.days_left

    @property
    def days_overdue(self) -> int:
        return -self.status.days_left


@dataclass(frozen=True)
class UnitRow:
    assessment_id: int
    code: str
    name: str
    short_name: str
    kind: str
    cells: list[RoundCell]
    focus: RoundCell  # the chosen round's cell

    @property
    def other_cells(self) -> list[RoundCell]:
        return [c for c in self.cells if c is not self.focus]


@dataclass(frozen=True)
class Overview:
    """The page; the field names are the template's."""

    rounds: tuple[Round, ...]
    round_code: str
    rows: list[UnitRow]
    total: int  # units before the stage filter
    counts: list[tuple[str, str, int]]  # (stage, label, units) in the chosen round, whatever the stage filter
    stage: str
    sort: str
    stages: tuple[tuple[str, object], ...]
    sorts: tuple[tuple[str, object], ...]
    kinds: list[tuple[str, str]]
    selected_kinds: list[str]
    year_key: str = ""

    def _href(self, *, stage: str, sort: str) -> str:
        query: list[tuple[str, str]] = [("year", self.year_key)] if self.year_key else []
        query += [("round", self.round_code), ("sort", sort)]
        query += [("kind", kind) for kind in self.selected_kinds]
        if stage:
            query.append(("stage", stage))
        return "?" + urlencode(query)

    @property
    def stage_links(self) -> list[tuple[str, str, int, str, bool]]:
        """(stage, label, units, href, selected) per stage, "all" first (stage "")."""
        everyone = ("", str(_("all")), self.total, self._href(stage="", sort=self.sort), not self.stage)
        return [everyone] + [
            (code, label, count, self._href(stage=code, sort=self.sort), code == self.stage)
            for code, label, count in self.counts
        ]

    @property
    def sort_links(self) -> dict[str, str]:
        """sort -> the href that sorts by it, keeping the other filters."""
        return {code: self._href(stage=self.stage, sort=code) for code, _label in SORTS}


def default_round(rounds: tuple[Round, ...], schedules: dict[str, RoundSchedule], today: dt.date) -> str:
    """The round people are working towards: the first open round whose scheduled deadline has
    not passed, else the last round."""
    for rnd in rounds:
        schedule = schedules.get(rnd.code)
        if schedule is None or (schedule.state == RoundSchedule.State.OPEN and schedule.submission_deadline >= today):
            return rnd.code
    return rounds[-1].code


def cached_units_overview(
    framework: Framework,
    assessments: list[Assessment] | QuerySet[Assessment],
    access: Access,
    *,
    round_code: str = "",
    stage: str = "",
    sort: str = "",
    kinds: list[str] | None = None,
    year_key: str = "",
) -> tuple[Overview, bool]:
    """``units_overview`` of ``framework``'s ``assessments`` (those ``access`` may see), and whether
    there are any, from the cache when computed before. The same for every reader with the same
    units and rule of verified scores (as the dashboard), in the same language, on the same day
    (deadlines), until a unit of the year changes (``caching.generation``)."""
    kinds = sorted(kinds or [])
    key = caching.key(
        "overview",
        caching.generation(framework),
        get_language(),
        rule_key(access),
        "all" if access.sees_all else ",".join(str(a.pk) for a in assessments),
        timezone.localdate(),
        round_code,
        stage,
        sort,
        kinds,
        year_key,
    )
    options = {"round_code": round_code, "stage": stage, "sort": sort, "kinds": kinds, "year_key": year_key}
    return caching.cached(
        key,
        lambda: (units_overview(assessments, access, **options), bool(assessments)),
        framework=framework.compiled(),
    )


def units_overview(
    assessments: Iterable[Assessment],
    access: Access,
    *,
    round_code: str = "",
    stage: str = "",
    sort: str = "unit",
    kinds: list[str] | None = None,
    year_key: str = "",
    today: dt.date | None = None,
) -> Overview:
    """Every one of ``assessments`` (one framework's, joined with unit and framework) as a row:
    per round the stage, totals (verified ones only where ``access`` may see them) and deadline.
    Unknown ``round_code``/``stage``/``sort``/``kinds`` values fall back to the defaults. Five
    queries, whatever the units: round schedules, unit rounds, extensions, score cards, records."""
    every = list(assessments)
    kinds = [k for k in kinds or [] if k in Unit.Kind.values]
    if not every:
        return Overview((), round_code, [], 0, [], "", "unit", STAGES, SORTS, Unit.Kind.choices, kinds, year_key)
    items = [a for a in every if a.unit.kind in kinds] if kinds else every
    day = today or timezone.localdate()
    framework = every[0].framework
    compiled = framework.compiled()
    rounds = compiled.rounds
    ids = [a.pk for a in items]
    schedules = RoundSchedule.objects.by_code(framework)
    if round_code not in {r.code for r in rounds}:
        round_code = default_round(rounds, schedules, day)
    if stage not in STAGE_ORDER:
        stage = ""
    if sort not in dict(SORTS):
        sort = "unit"

    unit_rounds: dict[int, list[UnitRound]] = defaultdict(list)
    for unit_round in UnitRound.objects.filter(assessment_id__in=ids):
        unit_rounds[unit_round.assessment_id].append(unit_round)
    extensions: dict[int, list[DeadlineExtension]] = defaultdict(list)
    for extension in DeadlineExtension.objects.filter(assessment_id__in=ids):
        extensions[extension.assessment_id].append(extension)
    totals = unit_totals(framework, assessments=items)
    # Records dated inside each round's own window (after the previous round's cut-off): a draft
    # round with some is in progress.
    windows = {}
    previous: dt.date | None = None
    for rnd in rounds:
        window = Q(date__lte=rnd.cutoff) if previous is None else Q(date__gt=previous, date__lte=rnd.cutoff)
        windows[f"n_{rnd.index}"] = Count("pk", filter=window)
        previous = rnd.cutoff
    counted = {
        row["assessment_id"]: row
        for row in Record.objects.filter(assessment_id__in=ids).values("assessment_id").annotate(**windows).order_by()
    }

    rows = []
    for assessment in items:
        locks = lock_state(
            assessment,
            unit_rounds=unit_rounds.get(assessment.pk, []),
            schedules=schedules,
            extensions=extensions.get(assessment.pk, []),
            today=day,
        )
        cells = []
        for status in locks.rounds:
            rnd = status.round
            records = counted.get(assessment.pk, {}).get(f"n_{rnd.index}", 0)
            state = status.state
            found = _STAGE_OF_STATE.get(state)
            if found is None:
                found = "in_progress" if records else "not_started"
            card = totals[assessment.pk].get(rnd.code)
            shown = card is not None and verified_visible_in_state(access, assessment.unit_id, state)
            cells.append(
                RoundCell(
                    status=status,
                    stage=found,
                    records=records,
                    self_total=card.self_total if card is not None else None,
                    verified_total=card.verified_total if card is not None and shown else None,
                )
            )
        focus = next(c for c in cells if c.round.code == round_code)
        unit = assessment.unit
        rows.append(UnitRow(assessment.pk, unit.code, unit.name_th, unit.short_name, unit.kind, cells, focus))

    counter = Counter(r.focus.stage for r in rows)
    counts = [(code, str(label), counter.get(code, 0)) for code, label in STAGES]
    shown_rows = [r for r in rows if not stage or r.focus.stage == stage]
    shown_rows.sort(key=_sort_key(sort))
    return Overview(
        rounds=rounds,
        round_code=round_code,
        rows=shown_rows,
        total=len(rows),
        counts=counts,
        stage=stage,
        sort=sort,
        stages=STAGES,
        sorts=SORTS,
        kinds=Unit.Kind.choices,
        selected_kinds=kinds or [],
        year_key=year_key,
    )


def _sort_key(sort: str) -> Callable[[UnitRow], Any]:
    """Rows by unit code, or first by the chosen column (totals highest first, a missing one last)."""
    if sort == "stage":
        return lambda r: (STAGE_ORDER[r.focus.stage], r.code)
    if sort == "self":
        return lambda r: (r.focus.self_total is None, -(r.focus.self_total or 0), r.code)
    if sort == "verified":
        return lambda r: (r.focus.verified_total is None, -(r.focus.verified_total or 0), r.code)
    if sort == "deadline":
        # units that still have to submit first, soonest deadline first
        return lambda r: (not r.focus.waiting_for_unit, r.focus.deadline, r.code)
    return lambda r: r.code
