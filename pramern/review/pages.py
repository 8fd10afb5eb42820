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

from pramern.assessments.models import Assessment, Evidence, Record
from pramern.assessments.rounds import Reopening, RoundStatus, lock_state
from pramern.assessments.workspace import Workspace, load_workspace
from pramern.review import notifications, services, verdicts
from pramern.review.models import Comment, Verdict
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
    order = (assessment.unit_id, workspace.locks, round_code)  # what the other rounds allow
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
            )
            for item in workspace.framework.items
        ],
        actions=services.available_actions(status.state, user, *order),
        refused=services.refused_actions(status.state, user, *order),
        waiting=sum(unreviewed.values()),
        review_started=verdicts.review_started(status.state),
        conflict=conflict(user, assessment),
        reopening=workspace.locks.reopened_by_return(round_code),
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


def item_review_page(
    assessment: Assessment, round_code: str, code: str, user: Any, *, page_number: str | None
) -> ItemReviewPage:
    """Item ``code`` of ``assessment`` in ``round_code`` as ``user`` reviews it; its records a
    page at a time (``page_number`` as the query string has it), so a page stays small whatever is stored."""
    workspace = load_workspace(assessment, with_verified=True)
    assert workspace.verified is not None
    item = workspace.framework.items_by_code[code]
    page = Paginator([r for r in workspace.records if r.item_code == code], settings.RECORDS_PER_PAGE).get_page(
        page_number
    )
    records = page.object_list
    evidence = Evidence.objects.by_record(r.pk for r in records)
    status = workspace.locks.status(round_code)
    verified_round = workspace.verified[round_code]
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
        conflict=conflict(user, assessment),
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
