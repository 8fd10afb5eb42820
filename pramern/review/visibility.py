"""Who sees which verdicts, verified values and verified scores of a unit, and from when. The
one place these rules live: pages, exports, PDFs and the dashboards ask here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings

from pramern.assessments.models import Assessment, Record, UnitRound
from pramern.organizations.permissions import Access, access_for
from pramern.review.verdicts import SETTLED, State, review_started


def verified_rounds_visible(
    user: Any, assessment: Assessment, unit_rounds: dict[str, UnitRound] | None = None
) -> set[str]:
    """The codes of the rounds whose verified score ``user`` may see for this unit."""
    access = access_for(user)
    if unit_rounds is None:
        unit_rounds = {u.round_code: u for u in assessment.unit_rounds.all()}
    return {
        r.code
        for r in assessment.framework.compiled().rounds
        if verified_visible_in_state(
            access, assessment.unit_id, unit_rounds[r.code].state if r.code in unit_rounds else State.DRAFT
        )
    }


def verified_shown_for(user: Any) -> Callable[[str, int], bool]:
    """For office-wide lists: whether ``user`` sees the verified score of a unit's round in a state."""
    access = access_for(user)
    return lambda state, unit_id: verified_visible_in_state(access, unit_id, state)


def verdicts_visible_until(
    user: Any, assessment: Assessment, unit_rounds: dict[str, UnitRound] | None = None
) -> dt.date:
    """The latest record date whose verdict ``user`` may see: the unit's people (who revise by
    them) and the Centre see every verdict at once; other readers (executives) those of records
    inside a round whose verified score they may see."""
    if sees_verdicts_at_once(access_for(user), assessment.unit_id):
        return dt.date.max
    return _last_visible_cutoff(user, assessment, unit_rounds)


def verified_values_visible_until(
    user: Any, assessment: Assessment, unit_rounds: dict[str, UnitRound] | None = None
) -> dt.date:
    """The latest record date whose evaluator's value (a judgement's ``verified``) ``user`` may
    see. That value is the item's verified score, so it follows ``verified_rounds_visible``: the
    Centre sees it at once, the unit and executives once the round holding the record is theirs."""
    if reads_as_centre(access_for(user), assessment.unit_id):
        return dt.date.max
    return _last_visible_cutoff(user, assessment, unit_rounds)


def _last_visible_cutoff(user: Any, assessment: Assessment, unit_rounds: dict[str, UnitRound] | None) -> dt.date:
    """The cut-off of the latest round whose verified score ``user`` may see (``date.min``: none)."""
    visible = verified_rounds_visible(user, assessment, unit_rounds)
    return max((r.cutoff for r in assessment.framework.compiled().rounds if r.code in visible), default=dt.date.min)


def shown_fields(record: Record, values_until: dt.date) -> dict[str, Any]:
    """A record's fields as a reader sees them: the evaluator's value only up to ``values_until``."""
    if record.date <= values_until or "verified" not in record.data:
        return dict(record.data)
    return {k: v for k, v in record.data.items() if k != "verified"}


def sees_verdicts_at_once(access: Access, unit_id: int) -> bool:
    return bool(access.can_edit(unit_id) or reads_as_centre(access, unit_id))


def reads_as_centre(access: Access, unit_id: int | None) -> bool:
    """Whether a reader sees this unit's review as the Centre does: of the Centre and not one of
    the unit's members (``in_conflict``). A member reads their own unit as its member, whatever
    their other roles, as they may not review it."""
    return access.is_centre and not (unit_id is not None and access.can_edit(unit_id))


def verified_visible_in_state(access: Access, unit_id: int | None, state: str) -> bool:
    """No one sees a verified score before its review has begun (it would read as a 0);
    evaluators and administrators then see it as it forms, except on their own unit; the unit
    once verified; executives once published (or once verified when
    ``PRAMERN_EXECUTIVES_SEE_UNPUBLISHED``)."""
    if not review_started(state):
        return False
    if unit_id is not None and access.can_edit(unit_id):
        return state in SETTLED
    if access.is_centre:
        return True
    if state == State.PUBLISHED:
        return True
    return bool(getattr(settings, "EXECUTIVES_SEE_UNPUBLISHED", False)) and state == State.VERIFIED


def rule_key(access: Access) -> str:
    """What ``verified_visible_in_state`` decides by for ``access``, as a cache key part: readers
    with the same key see the same verified scores of every unit."""
    units = ",".join(str(u) for u in sorted(access.editable_units))
    unpublished = int(bool(getattr(settings, "EXECUTIVES_SEE_UNPUBLISHED", False)))
    return f"c{int(access.is_centre)}u{units}p{unpublished}"
