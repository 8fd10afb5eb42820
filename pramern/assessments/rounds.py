"""A unit's rounds and what they lock: each round's state, its (possibly extended) deadline,
and which records the unit may still change. Read by the workflows before every write, by the
pages, the reminders and the review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pramern.assessments.models import Assessment, UnitRound
from pramern.errors import WorkspaceError
from pramern.frameworks.models import RoundSchedule, year_label
from pramern.review.models import DeadlineExtension
from pramern.scoring.model import Round
from pramern.ui.text import bedate, tr


def state_label(state: str) -> str:
    """The name of a unit-round state (``UnitRound.State``) in the active language: every page,
    export and report names a state through this function (or ``round_label``)."""
    try:
        return str(UnitRound.State(state).label)
    except ValueError:
        return state


@dataclass(frozen=True)
class RoundLabel:
    """What a page says about one round of one unit: ``tone`` is the CSS state class (never the
    error colour for a round that is simply read-only), ``text`` the words, ``open`` whether the
    unit may still raise the round's score."""

    tone: str  # open | late | returned | waiting | settled | closed | past-year
    text: str
    open: bool

    @property
    def css(self) -> str:
        return f"round-{self.tone}"


@dataclass(frozen=True)
class RoundStatus:
    """One round of one unit: its state, its (possibly extended) deadline, and whether the unit
    may still change what counts in it."""

    round: Round
    deadline: dt.date
    unit_round: UnitRound | None
    today: dt.date
    round_state: str = RoundSchedule.State.OPEN
    extension: DeadlineExtension | None = None
    #: The code of the newest framework opened after this one: this year is over, and its
    #: assessments take no more changes or submissions (``RoundScheduleQuerySet.by_code``).
    superseded_by: str | None = None

    @property
    def state(self) -> str:
        return self.unit_round.state if self.unit_round is not None else UnitRound.State.DRAFT

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def label(self) -> RoundLabel:
        """What every page says about this round (``round_label``)."""
        return round_label(self)

    @property
    def open_to_unit(self) -> bool:
        """The unit may still raise this round's score: only then may a page say "N points
        still available"."""
        return not self.locked

    @property
    def submitted(self) -> bool:
        return self.state != UnitRound.State.DRAFT

    @property
    def submission(self) -> UnitRound | None:
        return self.unit_round if self.submitted else None

    @property
    def past_deadline(self) -> bool:
        return self.today > self.deadline

    @property
    def round_closed(self) -> bool:
        return self.round_state != RoundSchedule.State.OPEN or self.superseded_by is not None

    @property
    def locked(self) -> bool:
        """The unit may not change this round's records (a returned round reopens them)."""
        if self.round_closed or self.state not in UnitRound.EDITABLE:
            return True
        return self.state == UnitRound.State.DRAFT and self.past_deadline

    @property
    def can_submit(self) -> bool:
        return not self.round_closed and self.state == UnitRound.State.DRAFT and not self.past_deadline

    @property
    def days_left(self) -> int:
        return (self.deadline - self.today).days

    @property
    def reason(self) -> str:
        """Why the round is read-only (empty when it is open), in the active language."""
        title = tr(self.round.title)
        if self.superseded_by is not None:
            return _(
                "this is a past year's assessment: %(year)s has been opened, so it keeps its scores and reports "
                "but takes no more changes or submissions"
            ) % {"year": year_label(self.superseded_by)}
        if self.round_closed:
            return _("the Evaluation Centre has closed %(round)s") % {"round": title}
        if self.state not in UnitRound.EDITABLE:
            assert self.unit_round is not None
            submitted = self.unit_round.submitted_at or self.unit_round.state_changed_at or timezone.now()
            day = bedate(timezone.localdate(submitted))
            if self.state == UnitRound.State.SUBMITTED:
                return _("%(round)s was submitted on %(date)s") % {"round": title, "date": day}
            return _("%(round)s was submitted on %(date)s (%(state)s)") % {
                "round": title,
                "date": day,
                "state": self.state_label,
            }
        if self.locked:
            return _("the deadline for %(round)s (%(date)s) has passed") % {
                "round": title,
                "date": bedate(self.deadline),
            }
        return ""

    @property
    def extension_note(self) -> str:
        """Which exception applies, and why (shown with the deadline)."""
        if self.extension is None:
            return ""
        return _("deadline extended to %(date)s: %(reason)s") % {
            "date": bedate(self.extension.deadline),
            "reason": self.extension.reason,
        }


def round_label(status: RoundStatus) -> RoundLabel:
    """The one place a round's state becomes words and a colour. In order: a past year (superseded)
    and a round the Centre closed say so whatever the unit's state; then the unit's state; a draft
    says its days left or that its deadline has passed. Only an open label (a draft before its
    deadline, a returned round) lets a page offer more points."""
    if status.superseded_by is not None:
        return RoundLabel("past-year", _("past year: read-only"), False)
    if status.round_closed:
        return RoundLabel("closed", _("closed by the Evaluation Centre"), False)
    state = status.state
    if state == UnitRound.State.RETURNED:
        return RoundLabel("returned", state_label(state), not status.locked)
    if state == UnitRound.State.DRAFT:
        if status.past_deadline:
            return RoundLabel("late", _("the deadline has passed"), False)
        if status.days_left == 0:
            return RoundLabel("open", _("open: the deadline is today"), True)
        return RoundLabel(
            "open",
            ngettext("open: %(days)d day left", "open: %(days)d days left", status.days_left)
            % {"days": status.days_left},
            True,
        )
    tone = "settled" if state in UnitRound.SETTLED else "waiting"
    return RoundLabel(tone, state_label(state), False)


@dataclass(frozen=True)
class Reopening:
    """The records that returning a round opens to the unit again: dated after ``after`` (the
    cut-off of the last closed earlier round; ``dt.date.min`` when none), up to its cut-off,
    although the rounds of ``closed_later`` are closed."""

    status: RoundStatus
    after: dt.date
    closed_later: tuple[RoundStatus, ...]

    @property
    def start(self) -> dt.date | None:
        """The first day reopened (None: from the first record)."""
        return None if self.after == dt.date.min else self.after + dt.timedelta(days=1)

    @property
    def end(self) -> dt.date:
        return self.status.round.cutoff

    @property
    def settled_later(self) -> tuple[RoundStatus, ...]:
        """Closed later rounds whose verified score is settled: they keep these records closed."""
        return tuple(s for s in self.closed_later if s.state in UnitRound.SETTLED)

    @property
    def records(self) -> str:
        """ "records dated … to …" in the active language."""
        if self.start is None:
            return _("records dated up to %(date)s") % {"date": bedate(self.end)}
        return _("records dated %(start)s to %(date)s") % {"start": bedate(self.start), "date": bedate(self.end)}

    @property
    def later_titles(self) -> str:
        return ", ".join(tr(s.round.title) for s in self.closed_later)

    @property
    def note(self) -> str:
        return _("%(records)s are open again: the %(round)s was returned for revision") % {
            "records": self.records,
            "round": tr(self.status.round.title),
        }


@dataclass(frozen=True)
class LockState:
    """Which rounds are closed to changes, and why. Records dated up to the cut-off of a
    closed round are read-only; when the final round is closed, everything is."""

    rounds: tuple[RoundStatus, ...]

    @property
    def read_only(self) -> bool:
        return self.past_year or (self.rounds[-1].locked and not self.reopened)

    @property
    def past_year(self) -> bool:
        """A newer year has been opened: nothing of this assessment changes any more, whatever
        its rounds' states (a returned round included)."""
        return self.rounds[-1].superseded_by is not None

    @property
    def reopened(self) -> tuple[tuple[dt.date, RoundStatus], ...]:
        """Returned rounds whose records a later closed round would otherwise lock, each with the
        day after which its records are open (the cut-off of the last closed round before it).
        Returning a round reopens exactly the records it covers, so that the unit can revise them,
        unless a later round is settled (verified or published): its score holds those records."""
        out = []
        for status in self.rounds:
            if status.state != UnitRound.State.RETURNED or status.locked:
                continue
            reopening = self.reopened_by_return(status.round.code)
            if reopening.closed_later and not reopening.settled_later:
                out.append((reopening.after, status))
        return tuple(out)

    def reopened_by_return(self, round_code: str) -> Reopening:
        """Which records returning this round opens to the unit again, and despite which closed
        later rounds: the one computation behind the lock, the review page, the audit and the e-mail."""
        status = self.status(round_code)
        before = [s.round.cutoff for s in self.rounds if s.locked and s.round.index < status.round.index]
        later = tuple(s for s in self.rounds if s.round.index > status.round.index and s.locked)
        return Reopening(status, max(before, default=dt.date.min), later)

    @property
    def reopened_note(self) -> str:
        """Which records returned rounds have opened again ("" when none), in the active language."""
        return "; ".join(self.reopened_by_return(status.round.code).note for _after, status in self.reopened)

    def date_locked(self, day: dt.date) -> bool:
        """Whether the unit may not change a record of this date."""
        if self.past_year:
            return True
        if any(after < day <= status.round.cutoff for after, status in self.reopened):
            return False
        until = self.locked_until
        return self.rounds[-1].locked or (until is not None and day <= until)

    @property
    def locked_until(self) -> dt.date | None:
        cutoffs = [status.round.cutoff for status in self.rounds if status.locked]
        return max(cutoffs) if cutoffs else None

    @property
    def reason(self) -> str:
        locked = [status for status in self.rounds if status.locked]
        return locked[-1].reason if locked else ""

    @property
    def import_refusal(self) -> str:
        """Why a file may not replace the records now ("" when it may): an import replaces every
        record, so it needs every round open and none submitted yet (the Centre's verdicts are on
        the records once one is)."""
        if any(status.locked for status in self.rounds):
            return _("Import replaces every record, so it is only possible while no round is closed.")
        if any(status.submitted for status in self.rounds):
            return _(
                "Import replaces every record, so it is only possible before the first submission: "
                "the Evaluation Centre's verdicts are on these records. Change records one by one instead."
            )
        return ""

    @property
    def current(self) -> RoundStatus:
        """The round the unit is working towards: the first open one, else the last."""
        return next((status for status in self.rounds if not status.locked), self.rounds[-1])

    def status(self, round_code: str) -> RoundStatus:
        for status in self.rounds:
            if status.round.code == round_code:
                return status
        raise WorkspaceError(_("Unknown round."))

    def dates_refusal(self, dates: Iterable[dt.date]) -> str:
        """Why a change touching records of these dates is refused ("" when it is not): the
        assessment is read-only, or a date is inside a closed round."""
        if self.read_only:
            return _("This assessment is read-only: %(reason)s.") % {"reason": self.reason}
        if any(self.date_locked(day) for day in dates):
            message = _("Records dated up to %(date)s are read-only: %(reason)s.") % {
                "date": bedate(self.locked_until),
                "reason": self.reason,
            }
            return f"{message} {capfirst(self.reopened_note)}".strip()
        return ""

    def check_dates(self, dates: Iterable[dt.date]) -> None:
        """Refuse a change touching a record dated inside a closed round (``dates_refusal``)."""
        if refusal := self.dates_refusal(dates):
            raise WorkspaceError(refusal)


def lock_state(
    assessment: Assessment,
    *,
    unit_rounds: Iterable[UnitRound] | None = None,
    schedules: dict[str, RoundSchedule] | None = None,
    extensions: Iterable[DeadlineExtension] | None = None,
    deadlines: dict[str, dt.date] | None = None,
    today: dt.date | None = None,
) -> LockState:
    """The assessment's locks; each argument left out is read from the database (one query)."""
    framework = assessment.framework.compiled()
    if unit_rounds is None:
        unit_rounds = assessment.unit_rounds.all()
    if schedules is None:
        schedules = RoundSchedule.objects.by_code(assessment.framework)
    if extensions is None:
        extensions = DeadlineExtension.objects.filter(assessment=assessment)
    states = {u.round_code: u for u in unit_rounds}
    granted = {e.round_code: e for e in extensions}
    day = today or timezone.localdate()
    statuses = []
    superseded = next((s.superseded_by for s in schedules.values() if s.superseded_by), None)
    for rnd in framework.rounds:
        schedule = schedules.get(rnd.code)
        deadline = (deadlines or {}).get(rnd.code) or (schedule.submission_deadline if schedule else rnd.cutoff)
        extension = granted.get(rnd.code)
        if extension is not None and extension.deadline > deadline:
            deadline = extension.deadline
        state = schedule.state if schedule else RoundSchedule.State.OPEN
        statuses.append(RoundStatus(rnd, deadline, states.get(rnd.code), day, state, extension, superseded))
    return LockState(tuple(statuses))


def lock_for_writing(assessment: Assessment, *, deadlines: dict[str, dt.date] | None = None) -> LockState:
    """One writer per assessment: take the assessment's row lock until the change commits, then
    read its locks as they are now. Submission, return and the other round steps, and the staff
    counts, take the same lock, so none of them can commit between a write's check and the write.
    (On SQLite the IMMEDIATE transaction already serialises every writer.) ``deadlines`` replace
    the scheduled ones (the demo writes history)."""
    # No ordering: the default one joins unit and framework, whose rows would be locked too.
    list(Assessment.objects.select_for_update().filter(pk=assessment.pk).order_by().values_list("pk"))
    return lock_state(assessment, unit_rounds=UnitRound.objects.filter(assessment=assessment), deadlines=deadlines)
