"""An evaluator's verified value and override points go through the same number check as the
unit's records: NaN, infinities and huge exponents are a message, never a 500 (issue 8)."""

from __future__ import annotations

import time

import pytest

from pramern.review.services import ReviewError, set_override, set_verdict, set_verified_value, transition
from tests.factories import record


@pytest.mark.parametrize("typed", ["NaN", "sNaN", "Infinity", "1e10000000", "-1e10000000"])
def test_verified_values_and_overrides_refuse_nan_infinity_and_huge_exponents(world, typed):
    manual = record(world.a, "6.3", "manual", "2024-02-01", claimed=4)
    followup = record(world.a, "1.2.2", "followups", "2024-03-01", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verdict(followup, "accepted", user=world.eve)
    started = time.perf_counter()
    with pytest.raises(ReviewError):
        set_verified_value(manual, typed, user=world.eve)
    with pytest.raises(ReviewError):
        set_override(world.a, "R12", "1.2.2", typed, reason="ทดสอบ", user=world.eve)
    assert time.perf_counter() - started < 1.0
    manual.refresh_from_db()
    assert "verified" not in manual.data
