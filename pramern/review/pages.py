"""The review pages' read models: a unit's round under review (items, what is left to review,
the steps the reader may take) and one item of it (records a page at a time, verdicts, comments).
Both are the Evaluation Centre's; what a reader may do depends on who they are, so each takes
the reader."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from pramern.assessments.models import Assessment, Evidence, Record, UnitRound
from pramern.assessments.rounds import Reopening, RoundStatus, lock_state
from pramern.assessments.workspace import Workspace, load_workspace
from pramern.organizations.permissions import access_for
from pramern.review import notifications, services, verdicts
from pramern.review.changes import ChangesSinceReturn, ItemChanges, changes_since_return
from pramern.review.models import Assignment, Comment, Verdict
from pramern.review.queue import centre_people
from pramern.scoring import ItemResult, ScoreResult
from pramern.scoring.model import FactSpec, Item


def conflict(user: Any, assessment: Assessment) -> str:
    """Why this person may not review this unit (they are one of its members), or ""."""
    return services.conflict_message(assessment) if services.in_conflict(user, assessment.unit_id) else ""


@dataclass(frozen=True)
class ItemRow:
    """An item of the round: self-assessed points, its verified score, records left to review."""

    item: Item
    self_points: Decimal
    verified: verdicts.VerifiedItem
    unreviewed: int
    recorded: int
    judged: int  # records of the round with a verdict (the progress bar: judged / recorded)
    changes: ItemChanges | None  # since the round was last returned (None: never returned)


@dataclass(frozen=True)
class UnitRoundPage:
    """The unit's round page; the field names are the template's."""

    ws: Workspace
    assessment: Assessment
    status: RoundStatus
    round_code: str
    self_result: ScoreResult
    verified: verdicts.VerifiedRound
    items: list[ItemRow]
    actions: list[services.Transition]
    refused: list[str]
    waiting: int  # records of the round that can still get a verdict and have none
    review_started: bool
    conflict: str
    reopening: Reopening  # which records returning this round reopens, although later rounds are closed
    changes: ChangesSinceReturn | None  # what the unit changed since the round's latest return
    can_review: bool  # the reader may give verdicts here now (the round is in review, no conflict)
    evaluator: Any | None  # the person of the Centre the unit's assessment is assigned to
    can_assign: bool  # the reader may change that here (as on the queue: an administrator, no conflict)
    centre_people: list[Any]  # whom it may be assigned to (read only when the reader may assign)


def round_changes(workspace: Workspace, round_code: str, *, item_code: str = "") -> ChangesSinceReturn | None:
    """What the unit changed in the round since its latest return (None: never returned, read
    without a query: a return leaves its reason on the unit round)."""
    unit_round = workspace.unit_rounds.get(round_code)
    if unit_round is None or not unit_round.return_reason:
        return None
    return changes_since_return(
        workspace.assessment.pk,
        round_code,
        workspace.framework,
        workspace.records,
        sections={s.code: s.name_th for s in workspace.sections},
        item_code=item_code,
    )


def unit_round_page(assessment: Assessment, round_code: str, user: Any) -> UnitRoundPage:
    """The round of ``assessment`` as ``user`` reviews it (a round of its framework)."""
    workspace = load_workspace(assessment, with_verified=True)
    assert workspace.verified is not None
    status = workspace.locks.status(round_code)
    verified = workspace.verified[round_code]
    self_result = workspace.scores.by_round[round_code]
    in_round = [r for r in workspace.records if r.date <= status.round.cutoff]
    recorded = Counter(r.item_code for r in in_round)
    settled = verdicts.settled_round(workspace.framework, workspace.unit_rounds.values())
    unreviewed = Counter(  # what can still get a verdict (records of a settled round keep theirs)
        r.item_code
        for r in in_round
        if r.pk not in workspace.verdicts and verdicts.still_open_to_review(r.date, settled)
    )
    judged = Counter(r.item_code for r in in_round if r.pk in workspace.verdicts)
    changes = round_changes(workspace, round_code)
    order = (assessment.unit_id, workspace.locks, round_code)  # what the other rounds allow
    in_conflict = conflict(user, assessment)
    can_assign = access_for(user).is_administrator and not in_conflict
    assignment = Assignment.objects.filter(assessment=assessment).select_related("evaluator").first()
    return UnitRoundPage(
        ws=workspace,
        assessment=assessment,
        status=status,
        round_code=round_code,
        self_result=self_result,
        verified=verified,
        items=[
            ItemRow(
                item=item,
                self_points=self_result.items[item.code].points,
                verified=verified.items[item.code],
                unreviewed=unreviewed[item.code],
                recorded=recorded[item.code],
                judged=judged[item.code],
                changes=changes.items.get(item.code) if changes else None,
            )
            for item in workspace.framework.items
        ],
        actions=services.available_actions(status.state, user, *order),
        refused=services.refused_actions(status.state, user, *order),
        waiting=sum(unreviewed.values()),
        review_started=verdicts.review_started(status.state),
        conflict=in_conflict,
        reopening=workspace.locks.reopened_by_return(round_code),
        changes=changes,
        can_review=status.state == UnitRound.State.IN_REVIEW and not in_conflict,
        evaluator=assignment.evaluator if assignment is not None else None,
        can_assign=can_assign,
        centre_people=centre_people() if can_assign else [],
    )


@dataclass(frozen=True)
class RecordRow:
    record: Record
    fact: FactSpec
    evidence: list[Evidence]
    verdict: Verdict | None
    in_round: bool  # dated up to the round's cut-off (later records count in a later round)


@dataclass(frozen=True)
class ItemReviewPage:
    """The item's review page; the field names are the template's."""

    ws: Workspace
    assessment: Assessment
    round_code: str
    item: Item
    rows: list[RecordRow]
    page: Page[Record]
    self_item: ItemResult
    verified_item: ItemResult
    verified: verdicts.VerifiedItem
    comments: QuerySet[Comment]
    statuses: list[tuple[str, str]]
    status: RoundStatus
    review_started: bool
    conflict: str
    recorded: int  # the item's records dated in the round
    judged: int  # of those, with a verdict
    left_to_accept: int  # records "accept every remaining record" would accept
    can_review: bool  # the reader may give verdicts here now (the round is in review, no conflict)
    since_return: ChangesSinceReturn | None  # the round's latest return (None: never returned)
    changes: ItemChanges | None  # the item's changes since then


def item_review_page(
    assessment: Assessment,
    round_code: str,
    code: str,
    user: Any,
    *,
    page_number: str | None,
    only_record: int | None = None,
) -> ItemReviewPage:
    """Item ``code`` of ``assessment`` in ``round_code`` as ``user`` reviews it; its records a
    page at a time (``page_number`` as the query string has it), so a page stays small whatever
    is stored; with ``only_record``, that record's row alone (the part a verdict saved inline replaces)."""
    workspace = load_workspace(assessment, with_verified=True)
    assert workspace.verified is not None
    item = workspace.framework.items_by_code[code]
    of_item = [r for r in workspace.records if r.item_code == code]
    shown = [r for r in of_item if r.pk == only_record] if only_record is not None else of_item
    page = Paginator(shown, settings.RECORDS_PER_PAGE).get_page(page_number)
    records = page.object_list
    evidence = Evidence.objects.by_record(r.pk for r in records)
    status = workspace.locks.status(round_code)
    verified_round = workspace.verified[round_code]
    in_round = [r for r in of_item if r.date <= status.round.cutoff]
    settled = verdicts.settled_round(workspace.framework, workspace.unit_rounds.values())
    in_conflict = conflict(user, assessment)
    since_return = round_changes(workspace, round_code, item_code=code) if only_record is None else None
    return ItemReviewPage(
        ws=workspace,
        assessment=assessment,
        round_code=round_code,
        item=item,
        rows=[
            RecordRow(
                record=r,
                fact=item.facts[r.fact],
                evidence=evidence[r.pk],
                verdict=workspace.verdicts.get(r.pk),
                in_round=r.date <= status.round.cutoff,
            )
            for r in records
        ],
        page=page,
        self_item=workspace.scores.by_round[round_code].items[code],
        verified_item=verified_round.result.items[code],
        verified=verified_round.items[code],
        comments=Comment.objects.filter(assessment=assessment, item_code=code).select_related("author"),
        statuses=Verdict.Status.choices,
        status=status,
        review_started=verdicts.review_started(status.state),
        conflict=in_conflict,
        recorded=len(in_round),
        judged=sum(1 for r in in_round if r.pk in workspace.verdicts),
        left_to_accept=sum(
            1
            for r in in_round
            if r.pk not in workspace.verdicts
            and verdicts.still_open_to_review(r.date, settled)
            and item.facts[r.fact].type != "judgement"
        ),
        can_review=status.state == UnitRound.State.IN_REVIEW and not in_conflict,
        since_return=since_return,
        changes=since_return.item(code) if since_return else None,
    )


@dataclass(frozen=True)
class StepConfirmation:
    """The confirmation page of an irreversible step of the Centre (return, verify, publish,
    reopen): what will happen to which unit's round, and who is told; the field names are the
    template's."""

    assessment: Assessment
    status: RoundStatus
    round_code: str
    step: services.Transition
    refusal: str  # why the reader may not take the step now ("" when they may)
    waiting: int  # records without a verdict that verifying counts for nothing
    reopening: Reopening | None  # returning reopens these records although later rounds are closed
    notified: list[Any]  # who is emailed


def step_confirmation(assessment: Assessment, round_code: str, action: str, user: Any) -> StepConfirmation:
    """The confirmation of ``action`` on ``assessment``'s round ``round_code`` as ``user`` sees it."""
    step = services.TRANSITIONS[action]
    locks = lock_state(assessment)
    status = locks.status(round_code)
    reopening = locks.reopened_by_return(round_code) if action == "return" else None
    waiting = verdicts.awaiting_verdict(assessment, round_code).count() if action == "verify" else 0
    return StepConfirmation(
        assessment=assessment,
        status=status,
        round_code=round_code,
        step=step,
        refusal=services.step_refusal(step, user, assessment, locks, round_code),
        waiting=waiting,
        reopening=reopening if reopening is not None and reopening.closed_later else None,
        notified=notifications.notified_people(assessment, action),
    )
