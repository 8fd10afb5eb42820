"""An assessment's history as the Evaluation Centre reads it: the audit entries of the whole
assessment or of one round's part, each change put in words, and the same as CSV cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pramern.assessments.models import Assessment, UnitRound
from pramern.assessments.rounds import state_label
from pramern.audit.models import AuditEntry
from pramern.review.models import Verdict
from pramern.scoring.model import Text
from pramern.ui.text import tr

CSV_HEADER = ["when", "who", "action", "item", "round", "before", "after", "reason"]


@dataclass(frozen=True)
class History:
    """The history page; the field names are the template's."""

    assessment: Assessment
    entries: list[AuditEntry]
    rows: list[tuple[AuditEntry, str]]  # each entry with its change in words
    round_code: str  # "": the whole assessment
    round_title: Text | None


def assessment_history(assessment: Assessment, round_code: str = "") -> History:
    """The assessment's entries, oldest first; with ``round_code`` (a round of its framework)
    only those about that round: entries naming it, and changes to records dated up to its cut-off."""
    entries = list(AuditEntry.objects.for_assessment(assessment.pk))
    round_title = None
    if round_code:
        rnd = assessment.framework.compiled().round(round_code)
        entries = [e for e in entries if _belongs_to_round(e, round_code, rnd.cutoff)]
        round_title = rnd.title
    details = _details(assessment, entries)
    rows = [(entry, details[entry.pk]) for entry in entries]
    return History(assessment, entries, rows, round_code, round_title)


def _belongs_to_round(entry: AuditEntry, round_code: str, cutoff: dt.date) -> bool:
    data: dict[str, Any] = entry.data or {}
    if data.get("round"):
        return bool(data["round"] == round_code)
    dates = [
        part.get("date")
        for part in (data.get("after"), data.get("before"), data.get("record"))
        if isinstance(part, dict) and part.get("date")
    ]
    return not dates or any(dt.date.fromisoformat(d) <= cutoff for d in dates)


def _details(assessment: Assessment, entries: list[AuditEntry]) -> dict[int, str]:
    """Each entry's change in words: the round by its title, states and verdicts by their
    labels ("ส่งแล้ว → กำลังตรวจ"), points and reasons."""
    compiled = assessment.framework.compiled()
    rounds = {r.code: tr(r.title) for r in compiled.rounds}
    labels = {**{value: state_label(value) for value in UnitRound.State.values}, **dict(Verdict.Status.choices)}

    def label(value: Any) -> str:
        if isinstance(value, dict):
            value = value.get("status")
        return str(labels.get(value, value)) if value else "–"

    out = {}
    for entry in entries:
        data = entry.data or {}
        before, after = data.get("before"), data.get("after")
        parts = [rounds.get(data.get("round", ""), data.get("round", ""))]
        states = [v for v in (before, after) if isinstance(v, str) or (isinstance(v, dict) and "status" in v)]
        if states:
            parts.append(f"{label(before)} → {label(after)}")
        if isinstance(after, dict) and after.get("points") is not None:
            parts.append(str(after["points"]))
        for reason in (data.get("reason"), after.get("reason") if isinstance(after, dict) else None):
            if isinstance(reason, str) and reason:
                parts.append(reason)
        out[entry.pk] = " · ".join(p for p in parts if p)
    return out


def csv_rows(entries: list[AuditEntry]) -> Iterator[list[str]]:
    """The entries as CSV cells (after ``CSV_HEADER``): codes and values as stored, not in words."""
    for entry in entries:
        data = entry.data or {}
        yield [
            entry.created.isoformat(timespec="seconds"),
            entry.actor_name,
            entry.action,
            entry.item_code,
            data.get("round", ""),
            _compact(data.get("before")),
            _compact(data.get("after")),
            data.get("reason", "") if isinstance(data.get("reason"), str) else "",
        ]


def _compact(value: Any) -> str:
    if value in (None, "", {}):
        return ""
    if isinstance(value, dict):
        # sorted: PostgreSQL's jsonb does not keep the order the keys were written in
        return "; ".join(f"{k}={v}" for k, v in sorted(value.items()) if v not in (None, "", {}, []))
    return str(value)
