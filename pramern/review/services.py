"""The Evaluation Centre's workflows: the unit-round state machine, verdicts, verified values,
overrides, comments and deadline extensions. Every change is audited; every refusal is a
``ReviewError`` with a translated message."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pramern.assessments.models import Assessment, Record, UnitRound
from pramern.assessments.rounds import LockState, RoundStatus, lock_state
from pramern.assessments.scores import Scores, compute_scores
from pramern.assessments.services import scores_changed
from pramern.audit.services import display_name, log_action
from pramern.errors import UserError
from pramern.organizations.permissions import access_for
from pramern.reports import caching
from pramern.review import notifications
from pramern.review.models import Assignment, Comment, DeadlineExtension, Override, Verdict
from pramern.review.verdicts import SETTLED, awaiting_verdict, settled_round, still_open_to_review
from pramern.review.visibility import reads_as_centre
from pramern.scoring.numbers import NumberProblem, json_number, parse_number
from pramern.ui.text import bedate, tr

State = UnitRound.State


class ReviewError(UserError):
    """A review step that is not allowed, with the reason for the user."""


class ConflictOfInterest(ReviewError):
    """A member of the unit under review tried to review it."""


# --------------------------------------------------------------------------- who reviews


def in_conflict(user: Any, unit_id: int) -> bool:
    """Whether ``user`` is of the Evaluation Centre (an evaluator or an administrator) and also a
    member (officer or director) of this unit: such a person may not review it."""
    access = access_for(user)
    return access.is_centre and access.can_edit(unit_id)


def reviews(user: Any, unit_id: int) -> bool:
    """Whether ``user`` may review this unit: of the Centre and not one of its members."""
    return reads_as_centre(access_for(user), unit_id)


def writes_in_thread(user: Any, unit_id: int) -> bool:
    """Whether ``user`` may write in this unit's comment threads: its own people and the Centre
    (a member of the unit who is also of the Centre writes as the unit's)."""
    return access_for(user).can_edit(unit_id) or reviews(user, unit_id)


def conflict_message(assessment: Assessment) -> str:
    return _(
        "You are a member of %(unit)s, so you may not review it (conflict of interest). "
        "Another evaluator, or an administrator who is not a member, reviews it."
    ) % {"unit": assessment.unit.name}


def check_impartial(user: Any, assessment: Assessment, step: str, **details: Any) -> None:
    """Refuse a review write by a member of the unit under review, and record the attempt.

    Called before the write's transaction begins, so that the refusal stays in the audit log."""
    if not in_conflict(user, assessment.unit_id):
        return
    log_action(
        "pramern.review.conflict_refused",
        assessment,
        actor=user,
        data={"step": step, **{k: v for k, v in details.items() if k != "item_code"}},
        assessment_id=assessment.pk,
        item_code=details.get("item_code", ""),
    )
    caching.bump(Assessment.objects.filter(pk=assessment.pk))  # the item's history shows the attempt
    raise ConflictOfInterest(conflict_message(assessment))


Write = TypeVar("Write", bound=Callable[..., Any])


def impartial(step: str) -> Callable[[Write], Write]:
    """A review write on a record, or on an assessment and one of its rounds (the argument after
    it), refused to a member of the unit (``check_impartial``)."""

    def decorate(write: Write) -> Write:
        @functools.wraps(write)
        def checked(target: Any, *args: Any, user: Any, **kwargs: Any) -> Any:
            if isinstance(target, Record):
                details = {"record": target.pk, "item_code": target.item_code}
                check_impartial(user, target.assessment, step, **details)
            else:
                round_code = args[0] if args else kwargs.get("round_code", "")
                item_code = (args[1] if len(args) > 1 else kwargs.get("item_code", "")) if "override" in step else ""
                details = {"round": round_code, "item_code": item_code}
                check_impartial(user, target, step, **details)
            return write(target, *args, user=user, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


# --------------------------------------------------------------------------- the state machine

UNIT_DIRECTOR, UNIT_PEOPLE, CENTRE, ADMINISTRATOR = "director", "unit", "centre", "administrator"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actors: str  # director | unit (officer or director) | centre (``reviews``: not a member) | administrator
    label: Any
    needs_reason: bool = False
    #: A step the person cannot take back: it goes through a confirmation page. The unit's
    #: (submit, resubmit) is its submit page; the Centre's is ``review:step``, which says
    #: ``done`` once the step is taken.
    irreversible: bool = False
    done: Any = ""

    @property
    def confirmed_by_centre(self) -> bool:
        """Whether the Centre's confirmation page (``review:step``) takes this step."""
        return self.irreversible and self.actors in (CENTRE, ADMINISTRATOR)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "submit",
            frozenset({State.DRAFT}),
            State.SUBMITTED,
            UNIT_DIRECTOR,
            gettext_lazy("submit"),
            irreversible=True,
        ),
        Transition(
            "start_review",
            frozenset({State.SUBMITTED, State.RESUBMITTED}),
            State.IN_REVIEW,
            CENTRE,
            gettext_lazy("start the review"),
        ),
        Transition(
            "return",
            frozenset({State.IN_REVIEW}),
            State.RETURNED,
            CENTRE,
            gettext_lazy("return for revision"),
            needs_reason=True,
            irreversible=True,
            done=gettext_lazy("The round was returned to the unit for revision."),
        ),
        Transition(
            "resubmit",
            frozenset({State.RETURNED}),
            State.RESUBMITTED,
            UNIT_PEOPLE,
            gettext_lazy("resubmit"),
            irreversible=True,
        ),
        Transition(
            "verify",
            frozenset({State.IN_REVIEW}),
            State.VERIFIED,
            CENTRE,
            gettext_lazy("verify"),
            irreversible=True,
            done=gettext_lazy("The round is verified."),
        ),
        Transition(
            "publish",
            frozenset({State.VERIFIED}),
            State.PUBLISHED,
            CENTRE,
            gettext_lazy("publish"),
            irreversible=True,
            done=gettext_lazy("The verified results are published."),
        ),
        Transition(
            "reopen",
            frozenset({State.PUBLISHED}),
            State.IN_REVIEW,
            ADMINISTRATOR,
            gettext_lazy("reopen"),
            needs_reason=True,
            irreversible=True,
            done=gettext_lazy("The round is reopened for review: its published results are withdrawn."),
        ),
    )
}


def allowed_actor(transition: Transition, user: Any, unit_id: int) -> bool:
    access = access_for(user)
    if transition.actors == UNIT_DIRECTOR:
        return access.can_submit(unit_id)
    if transition.actors == UNIT_PEOPLE:
        return access.can_edit(unit_id)
    if transition.actors == ADMINISTRATOR:
        return access.is_administrator and reviews(user, unit_id)
    return reviews(user, unit_id)


def order_refusal(step: Transition, locks: LockState, round_code: str) -> str:
    """Why the other rounds forbid this step now ("" when they do not), in the active language.

    A round cannot be returned or reopened once a later round is settled (its verified score holds
    this round's records), and a round cannot be verified or published while an earlier round is
    returned (the unit may still change records its score holds). A past year's assessment
    (``LockState.past_year``) takes no submission and is not returned to a unit that could not
    revise it; the Centre may still finish its review (verify, publish)."""
    status = locks.status(round_code)
    if locks.past_year and step.action in ("submit", "resubmit", "return"):
        return capfirst(status.reason)
    if step.action in ("return", "reopen"):
        settled_later = [s for s in locks.rounds if s.round.index > status.round.index and s.state in SETTLED]
        if settled_later and step.action == "return":
            return _(
                "The %(later)s is already verified: it settles the records of the %(round)s, "
                "which can no longer be returned."
            ) % {"later": tr(settled_later[0].round.title), "round": tr(status.round.title)}
        if settled_later:
            return _(
                "The %(later)s is verified and counts the records of the %(round)s: reopen the %(later)s first."
            ) % {"later": tr(settled_later[0].round.title), "round": tr(status.round.title)}
    if step.action in ("verify", "publish"):
        returned = [s for s in locks.rounds if s.round.index < status.round.index and s.state == State.RETURNED]
        if returned:
            return _(
                "The %(earlier)s was returned for revision: the unit must resubmit it before the %(round)s "
                "can be %(action)s, because the %(round)s counts the records the unit may still change."
            ) % {"earlier": tr(returned[0].round.title), "round": tr(status.round.title), "action": step.label}
    return ""


def available_actions(
    unit_round_state: str, user: Any, unit_id: int, locks: LockState | None = None, round_code: str = ""
) -> list[Transition]:
    """The transitions this person may take from this state (for buttons); given the assessment's
    ``locks`` and the round, without those the other rounds forbid (``order_refusal``)."""
    return [
        t
        for t in TRANSITIONS.values()
        if unit_round_state in t.sources
        and allowed_actor(t, user, unit_id)
        and not (locks is not None and order_refusal(t, locks, round_code))
    ]


def refused_actions(unit_round_state: str, user: Any, unit_id: int, locks: LockState, round_code: str) -> list[str]:
    """Why the steps this person could otherwise take from this state are refused now (for the page)."""
    candidates = available_actions(unit_round_state, user, unit_id)
    return [reason for t in candidates if (reason := order_refusal(t, locks, round_code))]


def step_refusal(step: Transition, user: Any, assessment: Assessment, locks: LockState, round_code: str) -> str:
    """Why ``user`` may not take ``step`` on this round now ("" when they may), in the active
    language: the round's state, who may, a submission's deadline and later rounds, the other
    rounds (``order_refusal``)."""
    status = locks.status(round_code)
    if status.state not in step.sources:
        return _("%(round)s is %(state)s: it cannot be %(action)s now.") % {
            "round": tr(status.round.title),
            "state": status.state_label,
            "action": step.label,
        }
    if in_conflict(user, assessment.unit_id) and step.actors in (CENTRE, ADMINISTRATOR):
        return conflict_message(assessment)
    if not allowed_actor(step, user, assessment.unit_id):
        return _("You may not %(action)s this round.") % {"action": step.label}
    if step.action == "submit":
        if status.round_closed:
            return status.reason
        if status.past_deadline:
            return _("The deadline for %(round)s (%(date)s) has passed.") % {
                "round": tr(status.round.title),
                "date": bedate(status.deadline),
            }
        if any(s.submitted for s in locks.rounds if s.round.index > status.round.index):
            return _("A later round has already been submitted.")
    return order_refusal(step, locks, round_code)


def transition(assessment: Assessment, round_code: str, action: str, *, user: Any, **options: Any) -> UnitRound:
    """Move a unit's round along the workflow, or raise ``ReviewError`` saying why not.

    Options: ``reason``, ``today``, ``notify`` and ``unreviewed_confirmed`` (see ``_transition``).
    The Centre's steps are refused to members of the unit (``check_impartial``)."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise ReviewError(_("Unknown step."))
    if step.actors in (CENTRE, ADMINISTRATOR):
        check_impartial(user, assessment, f"round.{action}", round=round_code)
    return _transition(assessment, round_code, step, user=user, **options)


@transaction.atomic
def _transition(
    assessment: Assessment,
    round_code: str,
    step: Transition,
    *,
    user: Any,
    reason: str = "",
    today: dt.date | None = None,
    notify: bool = True,
    unreviewed_confirmed: bool = False,
) -> UnitRound:
    """Verifying a round whose records do not all have a verdict needs ``unreviewed_confirmed``
    (those records count for nothing). The people concerned are emailed once the change is
    committed (``notify=False`` for loading data, such as the demo)."""
    action = step.action
    Assessment.objects.select_for_update().get(pk=assessment.pk)  # one transition at a time
    locks = lock_state(assessment, today=today)
    status = locks.status(round_code)
    refusal = step_refusal(step, user, assessment, locks, round_code)
    if refusal:
        raise ReviewError(refusal)
    if step.needs_reason and not reason.strip():
        if action == "reopen":
            raise ReviewError(_("Give the reason for reopening: the unit and the Evaluation Centre are told it."))
        raise ReviewError(_("Give the reason, so that the unit knows what to revise."))
    unit_round, _created = UnitRound.objects.get_or_create(assessment=assessment, round_code=round_code)
    later = [s for s in locks.rounds if s.round.index > status.round.index]
    waiting = awaiting_verdict(assessment, round_code).count() if action == "verify" else 0
    if waiting and not unreviewed_confirmed:
        raise ReviewError(
            ngettext(
                "%(count)d record has no verdict yet and will count for nothing in the verified score. "
                "Review it, or confirm that the round is verified as it stands.",
                "%(count)d records have no verdict yet and will count for nothing in the verified score. "
                "Review them, or confirm that the round is verified as it stands.",
                waiting,
            )
            % {"count": waiting}
        )
    before = unit_round.state
    now = timezone.now()
    data: dict[str, Any] = {"round": round_code, "before": before, "after": step.target, "reason": reason.strip()}
    if action in ("submit", "resubmit"):
        scores = compute_scores(assessment, assessment.records.all(), assessment.unit.sections.all())
        unit_round.self_total = scores.by_round[round_code].total
        if action == "submit":
            unit_round.submitted_at, unit_round.submitted_by = now, user
        else:
            data.update(_refresh_later_totals(later, scores))
    if action in ("submit", "resubmit", "reopen"):  # the round (again) waits for the Centre from now
        unit_round.waiting_since = now
    reopening = locks.reopened_by_return(round_code) if action == "return" else None
    if reopening is not None and reopening.closed_later:  # exactly this round's records (LockState.reopened)
        start = reopening.start.isoformat() if reopening.start else None
        despite = [s.round.code for s in reopening.closed_later]
        data["reopens"] = {"from": start, "until": reopening.end.isoformat(), "despite": despite}
    else:
        reopening = None
    unit_round.state = step.target
    unit_round.state_changed_at = now
    if action == "return":
        unit_round.return_reason = reason.strip()
    unit_round.save()
    scores_changed(assessment)
    if waiting:  # verified although these records had no verdict: the evaluator confirmed it
        data["records_without_verdict"] = waiting
    log_action(f"pramern.round.{action}", assessment, actor=user, data=data, assessment_id=assessment.pk)
    if notify:
        transaction.on_commit(
            lambda: notifications.state_changed(unit_round, action, reason=reason.strip(), reopening=reopening)
        )
    return unit_round


def _refresh_later_totals(later: Iterable[RoundStatus], scores: Scores) -> dict[str, Any]:
    """A resubmitted round's revisions are inside every later round the unit has submitted and
    whose score is not settled: their submitted totals follow (``{"later_totals": …}`` or {})."""
    changed = {}
    for status in later:
        unit_round = status.unit_round
        if unit_round is None or unit_round.state == State.DRAFT or unit_round.state in SETTLED:
            continue
        total = scores.by_round[status.round.code].total
        if unit_round.self_total != total:
            changed[status.round.code] = {"before": str(unit_round.self_total), "after": str(total)}
            unit_round.self_total = total
            unit_round.save(update_fields=["self_total"])
    return {"later_totals": changed} if changed else {}


# --------------------------------------------------------------------------- verdicts and values


def _check_reviewer(user: Any, assessment: Assessment) -> None:
    if not reviews(user, assessment.unit_id):
        raise ReviewError(_("Only the Evaluation Centre gives verdicts, verified values and overrides."))


def _check_in_review(assessment: Assessment) -> None:
    if not assessment.unit_rounds.filter(state=State.IN_REVIEW).exists():
        raise ReviewError(_("Start the review of a round before giving verdicts."))


def _check_record_open_to_review(record: Record) -> None:
    """A record inside a round already verified or published keeps its verdict: changing it
    would change a settled score."""
    _check_in_review(record.assessment)
    settled = settled_round(record.assessment.framework.compiled(), record.assessment.unit_rounds.all())
    if not still_open_to_review(record.date, settled):
        raise ReviewError(
            _("This record belongs to the %(round)s, which is already verified; its verdict is settled.")
            % {"round": tr(settled.title)}
        )


def _check_round_in_review(assessment: Assessment, round_code: str) -> None:
    """Overrides belong to one round of the framework, and only while that round is reviewed."""
    if not assessment.framework.compiled().has_round(round_code):
        raise ReviewError(_("Unknown round."))
    if not assessment.unit_rounds.filter(round_code=round_code, state=State.IN_REVIEW).exists():
        raise ReviewError(_("Points can be overridden only while this round is in review."))


def _typed_number(text: str) -> Decimal:
    """A number as typed: no NaN, infinity or huge exponent reaches Decimal."""
    try:
        parse_number(str(text).strip())
        return Decimal(str(text).strip())
    except (NumberProblem, InvalidOperation):
        raise ReviewError(_("Enter a number.")) from None


@impartial("verdict")
@transaction.atomic
def set_verdict(record: Record, status: str, *, reason: str = "", user: Any) -> Verdict:
    _check_reviewer(user, record.assessment)
    _check_record_open_to_review(record)
    if not status:
        raise ReviewError(_("Choose the verdict: accepted, rejected or needs revision."))
    if status not in Verdict.Status.values:
        raise ReviewError(_("Unknown verdict."))
    if status != Verdict.Status.ACCEPTED and not reason.strip():
        raise ReviewError(_("Give the reason for a rejection or a request for revision."))
    existing = Verdict.objects.filter(record=record).first()
    verdict = _give_verdict(record, status, reason.strip(), existing, user=user)
    scores_changed(record.assessment)
    return verdict


def _give_verdict(
    record: Record, status: str, reason: str, existing: Verdict | None, *, user: Any, **extra: Any
) -> Verdict:
    """Store and audit one verdict (the checks are the caller's); ``extra`` goes into the entry."""
    before = {"status": existing.status, "reason": existing.reason} if existing else None
    verdict, _created = Verdict.objects.update_or_create(
        record=record, defaults={"status": status, "reason": reason, "decided_by": user, "decided_at": timezone.now()}
    )
    log_action(
        "pramern.verdict.given",
        record,
        actor=user,
        data={"before": before, "after": {"status": status, "reason": reason}, "record": record.snapshot(), **extra},
        assessment_id=record.assessment_id,
        item_code=record.item_code,
    )
    return verdict


#: What a bulk acceptance covers: the records of one item, or the records with evidence.
BULK_ITEM, BULK_WITH_EVIDENCE = "item", "with_evidence"


def bulk_candidates(assessment: Assessment, round_code: str, *, item_code: str = "") -> QuerySet[Record]:
    """The records a bulk acceptance would accept: of the round, open to review, without a
    verdict, of item ``item_code`` ("" : of every item), judgements aside (they take a value)."""
    compiled = assessment.framework.compiled()
    judged_by_value = [
        (item.code, fact.name) for item in compiled.items for fact in item.facts.values() if fact.type == "judgement"
    ]
    records = awaiting_verdict(assessment, round_code)
    for code, fact in judged_by_value:
        records = records.exclude(item_code=code, fact=fact)
    return records.filter(item_code=item_code) if item_code else records


@impartial("verdict.bulk")
@transaction.atomic
def accept_remaining(assessment: Assessment, round_code: str, *, scope: str, item_code: str = "", user: Any) -> int:
    """Accept, in one transaction, every record of the round that has no verdict yet: those of
    item ``item_code`` (``scope`` BULK_ITEM), or those with evidence (BULK_WITH_EVIDENCE). Each
    is one verdict, audited as a single one is (``pramern.verdict.given``, with ``bulk``).
    Records already judged, of a settled round or judgements (they take a value) are left.
    Returns how many were accepted."""
    _check_reviewer(user, assessment)
    if not assessment.framework.compiled().has_round(round_code):
        raise ReviewError(_("Unknown round."))
    if not assessment.unit_rounds.filter(round_code=round_code, state=State.IN_REVIEW).exists():
        raise ReviewError(_("Records can be accepted only while this round is in review."))
    Assessment.objects.select_for_update().get(pk=assessment.pk)  # no record changes meanwhile
    if scope == BULK_ITEM:
        if item_code not in assessment.framework.compiled().items_by_code:
            raise ReviewError(_("Unknown item or fact."))
        records = bulk_candidates(assessment, round_code, item_code=item_code)
    elif scope == BULK_WITH_EVIDENCE:
        records = bulk_candidates(assessment, round_code).filter(evidence__isnull=False).distinct()
    else:
        raise ReviewError(_("Unknown step."))
    accepted = list(records.order_by("item_code", "date", "pk"))
    for record in accepted:
        _give_verdict(record, Verdict.Status.ACCEPTED, "", None, user=user, bulk=scope)
    if accepted:
        scores_changed(assessment)
    return len(accepted)


@impartial("verified_value")
@transaction.atomic
def set_verified_value(record: Record, value: str, *, user: Any) -> Record:
    """An evaluator's value for a judgement item (6.3), checked against the fact's range."""
    _check_reviewer(user, record.assessment)
    _check_record_open_to_review(record)
    framework = record.assessment.framework.compiled()
    fact = framework.items_by_code[record.item_code].facts[record.fact]
    if fact.type != "judgement":
        raise ReviewError(_("Only judgement items take a verified value."))
    number = _typed_number(value)
    step = fact.step or Decimal("0.5")
    if not (fact.minimum <= number <= (fact.maximum or number)) or (number - fact.minimum) % step:
        raise ReviewError(
            _("Enter a value from %(min)s to %(max)s in steps of %(step)s.")
            % {"min": fact.minimum, "max": fact.maximum, "step": step}
        )
    before = dict(record.data)
    record.data = {**record.data, "verified": json_number(number)}
    record.save(update_fields=["data", "updated_at"])
    scores_changed(record.assessment)
    Verdict.objects.update_or_create(
        record=record,
        defaults={"status": Verdict.Status.ACCEPTED, "reason": "", "decided_by": user, "decided_at": timezone.now()},
    )
    log_action(
        "pramern.verdict.value",
        record,
        actor=user,
        data={"before": before, "after": record.data},
        assessment_id=record.assessment_id,
        item_code=record.item_code,
    )
    return record


@impartial("override")
@transaction.atomic
def set_override(
    assessment: Assessment, round_code: str, item_code: str, points: str, *, reason: str, user: Any
) -> Override:
    _check_reviewer(user, assessment)
    _check_round_in_review(assessment, round_code)
    item = assessment.framework.compiled().items_by_code.get(item_code)
    if item is None:
        raise ReviewError(_("Unknown item or fact."))
    if not reason.strip():
        raise ReviewError(_("An override needs a reason."))
    value = _typed_number(points)
    if not Decimal(0) <= value <= item.max_points or value % Decimal("0.25"):
        raise ReviewError(_("Points must be from 0 to %(max)s, in quarters.") % {"max": item.max_points.normalize()})
    existing = Override.objects.filter(assessment=assessment, round_code=round_code, item_code=item_code).first()
    before = {"points": str(existing.points), "reason": existing.reason} if existing else None
    override, _created = Override.objects.update_or_create(
        assessment=assessment,
        round_code=round_code,
        item_code=item_code,
        defaults={"points": value, "reason": reason.strip(), "decided_by": user, "decided_at": timezone.now()},
    )
    scores_changed(assessment)
    log_action(
        "pramern.override.set",
        assessment,
        actor=user,
        data={"round": round_code, "before": before, "after": {"points": str(value), "reason": reason.strip()}},
        assessment_id=assessment.pk,
        item_code=item_code,
    )
    return override


@impartial("override_cleared")
@transaction.atomic
def clear_override(assessment: Assessment, round_code: str, item_code: str, *, user: Any) -> None:
    _check_reviewer(user, assessment)
    _check_round_in_review(assessment, round_code)
    existing = Override.objects.filter(assessment=assessment, round_code=round_code, item_code=item_code).first()
    if existing is None:
        return
    log_action(
        "pramern.override.cleared",
        assessment,
        actor=user,
        data={"round": round_code, "before": {"points": str(existing.points), "reason": existing.reason}},
        assessment_id=assessment.pk,
        item_code=item_code,
    )
    existing.delete()
    scores_changed(assessment)


@transaction.atomic
def add_comment(assessment: Assessment, item_code: str, body: str, *, user: Any) -> Comment:
    """A message in the item's thread, from the unit's people or the Centre (a member of the
    unit who is also of the Centre writes as the unit's)."""
    if not writes_in_thread(user, assessment.unit_id):
        raise ReviewError(_("Only the unit's people and the Evaluation Centre write in this thread."))
    if not body.strip():
        raise ReviewError(_("Write the comment first."))
    if item_code not in assessment.framework.compiled().items_by_code:
        raise ReviewError(_("Unknown item or fact."))
    comment = Comment.objects.create(assessment=assessment, item_code=item_code, author=user, body=body.strip())
    log_action(
        "pramern.comment.added",
        comment,
        actor=user,
        data={"after": {"body": comment.body}},
        assessment_id=assessment.pk,
        item_code=item_code,
    )
    transaction.on_commit(lambda: notifications.comment_added(comment))
    return comment


@impartial("deadline_extension")
@transaction.atomic
def grant_extension(
    assessment: Assessment, round_code: str, deadline: dt.date, *, reason: str, user: Any
) -> DeadlineExtension:
    """A later deadline for one unit and round: an exception, with its reason, on the record."""
    if not reviews(user, assessment.unit_id):
        raise ReviewError(_("Only the Evaluation Centre extends a deadline."))
    if not reason.strip():
        raise ReviewError(_("An extension needs a reason."))
    status = lock_state(assessment, extensions=[]).status(round_code)
    if deadline <= status.deadline:
        raise ReviewError(_("The new deadline must be after %(date)s.") % {"date": status.deadline.isoformat()})
    existing = DeadlineExtension.objects.filter(assessment=assessment, round_code=round_code).first()
    before = {"deadline": existing.deadline.isoformat(), "reason": existing.reason} if existing else None
    extension, _created = DeadlineExtension.objects.update_or_create(
        assessment=assessment,
        round_code=round_code,
        defaults={"deadline": deadline, "reason": reason.strip(), "granted_by": user, "granted_at": timezone.now()},
    )
    log_action(
        "pramern.deadline.extended",
        assessment,
        actor=user,
        data={"round": round_code, "before": before, "after": {"deadline": deadline.isoformat(), "reason": reason}},
        assessment_id=assessment.pk,
    )
    return extension


# --------------------------------------------------------------------------- who reviews which unit


def assign_evaluator(assessment: Assessment, evaluator: Any | None, *, user: Any) -> Assignment | None:
    """Give a unit's assessment (every round of its year) to a person of the Evaluation Centre,
    or take it back (``evaluator`` None). Only an administrator who is not a member of the unit
    assigns; the assignee must be of the Centre and not a member of the unit. Audited."""
    if not access_for(user).is_administrator:
        raise ReviewError(_("Only an administrator assigns units to evaluators."))
    check_impartial(user, assessment, "assignment")
    if evaluator is not None:
        name = display_name(evaluator)
        if not evaluator.is_active or not access_for(evaluator).is_centre:
            raise ReviewError(
                _("%(person)s is not of the Evaluation Centre: only its evaluators and administrators review units.")
                % {"person": name}
            )
        if in_conflict(evaluator, assessment.unit_id):
            raise ReviewError(
                _("%(person)s is a member of %(unit)s and may not review it (conflict of interest).")
                % {"person": name, "unit": assessment.unit.name}
            )
    return _assign(assessment, evaluator, user=user)


@transaction.atomic
def _assign(assessment: Assessment, evaluator: Any | None, *, user: Any) -> Assignment | None:
    existing = Assignment.objects.select_for_update().filter(assessment=assessment).select_related("evaluator").first()
    before = existing.evaluator.get_username() if existing else None
    after = evaluator.get_username() if evaluator is not None else None
    if before == after:
        return existing
    assignment = None
    if evaluator is None:
        assert existing is not None
        existing.delete()
    else:
        assignment, _created = Assignment.objects.update_or_create(
            assessment=assessment, defaults={"evaluator": evaluator, "assigned_by": user, "assigned_at": timezone.now()}
        )
    log_action(
        "pramern.review.assigned",
        assessment,
        actor=user,
        data={"before": before, "after": after},
        assessment_id=assessment.pk,
    )
    return assignment
