"""Every scoring line of every FY2567 item, at its threshold and just below it.

Each case is a unit with records for one item only. It states, for R6 and for R12, the item's
points and exactly which lines are earned: every other open line must be missed, and a line
that opens in R12 must be closed (and give 0) in R6 even when its records are there. Records
are dated inside the R6 window unless a case is about the window, so R12 lines are seen closed
in R6 with their evidence present.

Expectations are written ``"points line-id line-id ..."``: ``"1.5 first second"`` means the
item scores 1.5 with exactly the lines ``first`` and ``second`` earned; ``"0"`` means nothing.

The lines a case is *about* (the boundary it probes) go into ``ABOUT``. The last test fails
when a line of the framework has no case where it is earned, or none where it is open but
missed, so a line added to the YAML without a test is caught.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from pramern.scoring import SELF, VERIFIED, AssessmentError, parse_assessment, score

SECTIONS = ("s1", "s2", "s3", "s4")

IN_R6 = "2023-10-02"  # inside both windows
IN_R12 = "2024-04-01"  # after the R6 cut-off, inside R12
BEFORE_START = "2023-07-31"
START = "2023-08-01"
R6_CUTOFF = "2024-02-28"
AFTER_R6 = "2024-02-29"  # 2024 is a leap year: the first day that counts in R12 only
R12_CUTOFF = "2024-07-31"
AFTER_R12 = "2024-08-01"


def unit(items: dict[str, Any], staff: int | dict[str, int] = 40, sections: tuple[str, ...] = SECTIONS) -> dict:
    """A raw ``pramern-assessment/1`` document for a test unit."""
    return {
        "format": "pramern-assessment/1",
        "framework": {"code": "oae-2567", "version": "1"},
        "unit": {"code": "test-unit", "name_th": "หน่วยงานทดสอบ"},
        "staff_count": staff,
        "sections": [{"code": code, "name": f"ส่วน {code}"} for code in sections],
        "items": items,
    }


def rec(date: str = IN_R6, **fields: Any) -> dict[str, Any]:
    return {"date": date, **fields}


def recs(count: int, date: str = IN_R6, **fields: Any) -> list[dict[str, Any]]:
    return [rec(date, **fields) for _ in range(count)]


# --------------------------------------------------------------------------- the case registry


@dataclass(frozen=True)
class Case:
    item: str
    facts: dict[str, list[dict[str, Any]]]
    r6: tuple[Decimal, frozenset[str]]  # (item points, ids of the earned lines)
    r12: tuple[Decimal, frozenset[str]]
    staff: int | dict[str, int]
    sections: tuple[str, ...]
    basis: str


CASES: list[Any] = []
#: (item code, line id, round code, expected earned) for each line a case is about.
ABOUT: list[tuple[str, str, str, bool]] = []


def _expect(spec: str) -> tuple[Decimal, frozenset[str]]:
    points, *lines = spec.split()
    return Decimal(points), frozenset(lines)


def case(
    item: str,
    slug: str,
    facts: dict[str, list[dict[str, Any]]],
    r6: str,
    r12: str,
    about: str,
    *,
    staff: int | dict[str, int] = 40,
    sections: tuple[str, ...] = SECTIONS,
    basis: str = SELF,
) -> None:
    """Declare a case: ``r6``/``r12`` = "points earned-line-ids"; ``about`` = "line ids" it probes."""
    expected = {"R6": _expect(r6), "R12": _expect(r12)}
    for line in about.split():
        for round_code, (_, earned) in expected.items():
            ABOUT.append((item, line, round_code, line in earned))
    found = Case(item, facts, expected["R6"], expected["R12"], staff, sections, basis)
    CASES.append(pytest.param(found, id=f"{item}-{slug}"))


# --------------------------------------------------------------------------- dimension 1

# One record carrying every listed flag earns the item's single R6 line; each flag is needed,
# and on the same record.
FLAGGED = [
    ("1.1.1", "guideline", "guideline", 2, ("signed_or_presented", "published")),
    ("1.2.1", "measure", "measure", 4, ("not_duplicate", "signed_or_presented", "published")),
    ("1.3.1", "guideline", "guideline", 4, ("signed_or_presented", "published")),
    ("2.1", "plan", "plan", 2, ("sent_to_planning", "signed_or_presented")),
    ("3.2", "stakeholder_data", "analysed", 2, ("analysed", "presented_to_director")),
    ("4.2.1", "km_guideline", "guideline", 2, ("approved",)),
    ("5.4", "staff_surveys", "survey", 2, ("analysed", "presented_to_director")),
]
for _code, _fact, _line, _points, _flags in FLAGGED:
    _all = dict.fromkeys(_flags, True)
    _won = f"{_points} {_line}"
    case(_code, f"{_line}-with-every-flag", {_fact: [rec(**_all)]}, _won, _won, _line)
    case(_code, f"{_line}-needs-a-record", {_fact: []}, "0", "0", _line)
    for _flag in _flags:
        case(_code, f"{_line}-needs-{_flag}", {_fact: [rec(**{**_all, _flag: False})]}, "0", "0", _line)
    if len(_flags) > 1:  # the flags spread over several records do not add up
        _spread = [rec(**{f: f == flag for f in _flags}) for flag in _flags]
        case(_code, f"{_line}-needs-the-flags-on-one-record", {_fact: _spread}, "0", "0", _line)

# The window edges, on 1.1.1: an R6 line is still earned in R12 when the work comes late.
_GUIDELINE = {"signed_or_presented": True, "published": True}
case("1.1.1", "on-r6-cutoff", {"guideline": [rec(R6_CUTOFF, **_GUIDELINE)]}, "2 guideline", "2 guideline", "guideline")
case(
    "1.1.1",
    "day-after-r6-cutoff-r12-only",
    {"guideline": [rec(AFTER_R6, **_GUIDELINE)]},
    "0",
    "2 guideline",
    "guideline",
)

# 1.x.2: R6 first (>= 1 follow-up); R12 second (>= 2); R12 second-presented (>= 2 presented).
_P = {"presented_to_director": True}
for _code in ("1.1.2", "1.2.2", "1.3.2"):
    case(_code, "first-needs-one-followup", {"followups": []}, "0", "0", "first")
    case(_code, "first-followup", {"followups": recs(1, **_P)}, "1 first", "1 first", "first second second-presented")
    case(_code, "second-followup-needs-two", {"followups": recs(2)}, "1 first", "1.5 first second", "second")
    case(
        _code,
        "two-followups-presented",
        {"followups": recs(2, **_P)},
        "1 first",
        "2 first second second-presented",
        "second-presented",
    )
    case(
        _code,
        "second-presented-needs-both-presented",
        {"followups": [rec(**_P), rec(IN_R12)]},
        "1 first",
        "1.5 first second",
        "second-presented",
    )

case("1.2.2", "followup-before-start-ignored", {"followups": [rec(BEFORE_START)]}, "0", "0", "first")
case("1.2.2", "followup-on-start-counts", {"followups": [rec(START)]}, "1 first", "1 first", "first")
case(
    "1.2.2",
    "second-on-r12-cutoff-counts",
    {"followups": [rec(START), rec(R12_CUTOFF)]},
    "1 first",
    "1.5 first second",
    "second",
)
case(
    "1.2.2",
    "second-after-r12-cutoff-ignored",
    {"followups": [rec(START), rec(AFTER_R12)]},
    "1 first",
    "1 first",
    "second",
)

# 1.x.3: R12 reviewed (>= 1 review); R12 presented (>= 1 review presented to the director).
for _code in ("1.1.3", "1.2.3", "1.3.3"):
    case(_code, "review-needed", {"reviews": []}, "0", "0", "reviewed presented")
    case(_code, "review-not-presented", {"reviews": recs(1)}, "0", "1 reviewed", "reviewed presented")
    case(_code, "review-presented", {"reviews": recs(1, **_P)}, "0", "2 reviewed presented", "presented")

# 1.1.4: R6 published (>= 1 report); R12 every-quarter (fiscal quarters 1-3, Oct 2023 - Jun 2024).
_Q1 = rec("2024-01-10", covers="2023-12")
_Q2 = rec("2024-04-05", covers="2024-03")
_Q3 = rec("2024-07-05", covers="2024-06")
_MONTHLY = [rec("2024-07-10", covers=f"{y}-{m:02d}") for y, m in [(2023, 10), (2023, 11), (2023, 12)]] + [
    rec("2024-07-10", covers=f"2024-{m:02d}") for m in range(1, 7)
]
_SPEND = "spending_reports"
case("1.1.4", "published-needs-a-report", {_SPEND: []}, "0", "0", "published every-quarter")
case("1.1.4", "one-report", {_SPEND: [rec(covers="2023-10")]}, "1 published", "1 published", "published every-quarter")
case(
    "1.1.4",
    "report-after-r6-cutoff-r12-only",
    {_SPEND: [rec(AFTER_R6, covers="2024-01")]},
    "0",
    "1 published",
    "published",
)
case(
    "1.1.4",
    "all-three-quarters",
    {_SPEND: [_Q1, _Q2, _Q3]},
    "1 published",
    "4 published every-quarter",
    "every-quarter",
)
case("1.1.4", "quarter-1-missing", {_SPEND: [_Q2, _Q3]}, "0", "1 published", "every-quarter")
case("1.1.4", "quarter-2-missing", {_SPEND: [_Q1, _Q3]}, "1 published", "1 published", "every-quarter")
case("1.1.4", "quarter-3-missing", {_SPEND: [_Q1, _Q2]}, "1 published", "1 published", "every-quarter")
case(
    "1.1.4",
    "quarter-3-report-after-r12-cutoff",
    {_SPEND: [_Q1, _Q2, rec(AFTER_R12, covers="2024-06")]},
    "1 published",
    "1 published",
    "every-quarter",
)
case(
    "1.1.4",
    "september-2023-is-the-previous-fiscal-year",
    {_SPEND: [rec(covers="2023-09"), _Q2, _Q3]},
    "1 published",
    "1 published",
    "every-quarter",
)
case(
    "1.1.4",
    "first-month-of-each-quarter",
    {_SPEND: [rec(covers="2023-10"), rec("2024-02-01", covers="2024-01"), rec("2024-05-01", covers="2024-04")]},
    "1 published",
    "4 published every-quarter",
    "every-quarter",
)
case("1.1.4", "monthly-reports-oct-to-jun", {_SPEND: _MONTHLY}, "0", "4 published every-quarter", "every-quarter")

# --------------------------------------------------------------------------- dimension 2

# 2.2: R6 first (>= 1 follow-up presented to the director); R12 three (>= 3 presented).
case("2.2", "first-needs-presented", {"followups": recs(1)}, "0", "0", "first")
case("2.2", "one-presented-followup", {"followups": recs(1, **_P)}, "1 first", "1 first", "first three")
case("2.2", "three-presented-followups", {"followups": recs(3, **_P)}, "1 first", "2 first three", "three")
case("2.2", "three-needs-all-presented", {"followups": [*recs(2, **_P), rec()]}, "1 first", "1 first", "three")
case("2.2", "on-r6-cutoff-counts-in-r6", {"followups": [rec(R6_CUTOFF, **_P)]}, "1 first", "1 first", "first")
case("2.2", "day-after-r6-cutoff-r12-only", {"followups": [rec(AFTER_R6, **_P)]}, "0", "1 first", "first")

# 2.3: R6 cascade: director->sections and sections->staff, or director->staff directly.
for _slug, _levels, _won in [
    ("director-to-sections-and-sections-to-staff", ["director_to_sections", "sections_to_staff"], "2 cascade"),
    ("director-to-staff", ["director_to_staff"], "2 cascade"),
    ("director-to-sections-only", ["director_to_sections"], "0"),
    ("sections-to-staff-only", ["sections_to_staff"], "0"),
    ("no-agreement", [], "0"),
]:
    case("2.3", _slug, {"agreements": [rec(level=level) for level in _levels]}, _won, _won, "cascade")

# --------------------------------------------------------------------------- dimension 3

# 3.1: R6 general, R6 electronic complaint channels; R12 monthly-summary for Aug 2023 - Jul 2024.
_MONTH_ENDS = [
    ("2023-08", "2023-08-31"),
    ("2023-09", "2023-09-30"),
    ("2023-10", "2023-10-31"),
    ("2023-11", "2023-11-30"),
    ("2023-12", "2023-12-31"),
    ("2024-01", "2024-01-31"),
    ("2024-02", "2024-02-29"),
    ("2024-03", "2024-03-31"),
    ("2024-04", "2024-04-30"),
    ("2024-05", "2024-05-31"),
    ("2024-06", "2024-06-30"),
    ("2024-07", "2024-07-31"),
]


def summaries(skip: str = "", july_dated: str = "2024-07-31") -> list[dict[str, Any]]:
    """Complaint summaries dated the last day of the month they cover, optionally skipping one month."""
    dated = {**dict(_MONTH_ENDS), "2024-07": july_dated}
    return [rec(date, covers=month) for month, date in dated.items() if month != skip]


_CHANNELS = "complaint_channels"
_SUMMARIES = "complaint_summaries"
case("3.1", "no-channel", {_CHANNELS: []}, "0", "0", "general electronic")
case("3.1", "general-channel", {_CHANNELS: [rec(kind="general")]}, "1 general", "1 general", "general electronic")
case(
    "3.1",
    "electronic-channel",
    {_CHANNELS: [rec(kind="electronic")]},
    "1 electronic",
    "1 electronic",
    "general electronic",
)
case("3.1", "twelve-monthly-summaries", {_SUMMARIES: summaries()}, "0", "2 monthly-summary", "monthly-summary")
case("3.1", "eleven-summaries-march-missing", {_SUMMARIES: summaries(skip="2024-03")}, "0", "0", "monthly-summary")
case("3.1", "eleven-summaries-august-missing", {_SUMMARIES: summaries(skip="2023-08")}, "0", "0", "monthly-summary")
case("3.1", "july-summary-after-r12-cutoff", {_SUMMARIES: summaries(july_dated=AFTER_R12)}, "0", "0", "monthly-summary")
case(
    "3.1",
    "both-channels-and-every-month",
    {_CHANNELS: [rec(START, kind="general"), rec(START, kind="electronic")], _SUMMARIES: summaries()},
    "2 general electronic",
    "4 general electronic monthly-summary",
    "monthly-summary",
)

# 3.3: R6 surveyed, R6 presented (survey presented to the director); R12 improved.
case("3.3", "no-survey", {"surveys": [], "improvements": []}, "0", "0", "surveyed presented improved")
case("3.3", "survey-not-presented", {"surveys": recs(1)}, "0.5 surveyed", "0.5 surveyed", "surveyed presented")
case("3.3", "survey-presented", {"surveys": recs(1, **_P)}, "1 surveyed presented", "1 surveyed presented", "presented")
case(
    "3.3",
    "improvement",
    {"surveys": recs(1), "improvements": recs(1)},
    "0.5 surveyed",
    "1.5 surveyed improved",
    "improved",
)
case("3.3", "improvement-without-a-survey", {"improvements": recs(1)}, "0", "0", "improved")
case(
    "3.3",
    "everything",
    {"surveys": recs(1, **_P), "improvements": recs(1)},
    "1 surveyed presented",
    "2 surveyed presented improved",
    "improved",
)

# --------------------------------------------------------------------------- dimension 4

# 4.1.1: R6 any-system; R6 application (a new/improved web or mobile app); R12 director-follows.
_APP = {"kind": "application", "new_or_improved": True}
_FOLLOWED = {"summarises_assignments": True, "director_follows": True}
_T = "tracking"
case("4.1.1", "no-tracking", {_T: []}, "0", "0", "any-system application director-follows")
case(
    "4.1.1",
    "memo-system",
    {_T: [rec(kind="memo_or_meeting")]},
    "1 any-system",
    "1 any-system",
    "any-system application",
)
case(
    "4.1.1",
    "memo-with-every-flag-is-no-application",
    {_T: [rec(kind="memo_or_meeting", new_or_improved=True, **_FOLLOWED)]},
    "1 any-system",
    "1 any-system",
    "application director-follows",
)
case(
    "4.1.1",
    "application",
    {_T: [rec(**_APP)]},
    "2 any-system application",
    "2 any-system application",
    "application director-follows",
)
case(
    "4.1.1",
    "application-not-new-or-improved",
    {_T: [rec(kind="application", **_FOLLOWED)]},
    "1 any-system",
    "1 any-system",
    "application director-follows",
)
case(
    "4.1.1",
    "application-director-follows-summary",
    {_T: [rec(**_APP, **_FOLLOWED)]},
    "2 any-system application",
    "4 any-system application director-follows",
    "director-follows",
)
case(
    "4.1.1",
    "summary-but-director-does-not-follow",
    {_T: [rec(**_APP, summarises_assignments=True)]},
    "2 any-system application",
    "2 any-system application",
    "director-follows",
)
case(
    "4.1.1",
    "director-follows-without-summary",
    {_T: [rec(**_APP, director_follows=True)]},
    "2 any-system application",
    "2 any-system application",
    "director-follows",
)

# 4.2.2: R6 first (>= 1 follow-up); R12 second (>= 2).
case("4.2.2", "no-followup", {"followups": []}, "0", "0", "first")
case("4.2.2", "one-followup", {"followups": recs(1)}, "1 first", "1 first", "first second")
case("4.2.2", "two-followups", {"followups": recs(2)}, "1 first", "2 first second", "second")

# 4.2.3: R6 internal (>= 7 internal, a guest speaker counting only with a Q&A summary);
# R6 external (>= 2 invitations to speak outside OAE; a guest speaker is never external).
_INT, _EXT = {"kind": "internal"}, {"kind": "external_speaker"}
_GUEST, _GUEST_QA = {"kind": "guest_speaker"}, {"kind": "guest_speaker", "qa_summary": True}
_S = "sharing"
case("4.2.3", "seven-internal", {_S: recs(7, **_INT)}, "4 internal", "4 internal", "internal external")
case("4.2.3", "six-internal", {_S: recs(6, **_INT)}, "0", "0", "internal")
case(
    "4.2.3",
    "six-internal-and-guest-with-qa-summary",
    {_S: [*recs(6, **_INT), rec(**_GUEST_QA)]},
    "4 internal",
    "4 internal",
    "internal",
)
case(
    "4.2.3", "six-internal-and-guest-without-qa-summary", {_S: [*recs(6, **_INT), rec(**_GUEST)]}, "0", "0", "internal"
)
case("4.2.3", "six-internal-and-an-external-talk", {_S: [*recs(6, **_INT), rec(**_EXT)]}, "0", "0", "internal external")
case("4.2.3", "two-external", {_S: recs(2, **_EXT)}, "2 external", "2 external", "external")
case("4.2.3", "one-external", {_S: recs(1, **_EXT)}, "0", "0", "external")
case("4.2.3", "guest-speakers-are-not-external", {_S: [rec(**_EXT), *recs(2, **_GUEST_QA)]}, "0", "0", "external")
case(
    "4.2.3",
    "seven-internal-and-two-external",
    {_S: [*recs(5, **_INT, knowledge="mission"), *recs(2, **_INT, knowledge="support"), *recs(2, **_EXT)]},
    "6 internal external",
    "6 internal external",
    "internal external",
)
case(
    "4.2.3",
    "seventh-internal-after-r6-cutoff",
    {_S: [*recs(6, **_INT), rec(AFTER_R6, **_INT)]},
    "0",
    "4 internal",
    "internal",
)

# 4.2.4: R6 plan; R12 half (>= 50% of staff developed); R12 three-quarters (>= 75%). 200 staff.
_DEV = "developed_staff"
case("4.2.4", "idp-plan", {"idp_plan": recs(1)}, "0.5 plan", "0.5 plan", "plan", staff=200)
case("4.2.4", "no-idp-plan", {"idp_plan": []}, "0", "0", "plan half three-quarters", staff=200)
_IDP = {"idp_plan": recs(1)}
case(
    "4.2.4",
    "developed-50-percent",
    {**_IDP, _DEV: [rec(value=100)]},
    "0.5 plan",
    "1 plan half",
    "half three-quarters",
    staff=200,
)
case("4.2.4", "developed-49.5-percent", {**_IDP, _DEV: [rec(value=99)]}, "0.5 plan", "0.5 plan", "half", staff=200)
case("4.2.4", "developed-without-a-plan", {_DEV: [rec(value=200)]}, "0", "0", "half three-quarters", staff=200)
case(
    "4.2.4",
    "developed-75-percent",
    {**_IDP, _DEV: [rec(value=150)]},
    "0.5 plan",
    "2 plan half three-quarters",
    "three-quarters",
    staff=200,
)
case(
    "4.2.4",
    "developed-74.5-percent",
    {**_IDP, _DEV: [rec(value=149)]},
    "0.5 plan",
    "1 plan half",
    "three-quarters",
    staff=200,
)
case(
    "4.2.4",
    "plan-and-75-percent",
    {"idp_plan": recs(1), _DEV: [rec(IN_R12, value=150)]},
    "0.5 plan",
    "2 plan half three-quarters",
    "plan half three-quarters",
    staff=200,
)
case(
    "4.2.4",
    "count-after-r12-cutoff-ignored",
    {**_IDP, _DEV: [rec(IN_R12, value=100), rec(AFTER_R12, value=150)]},
    "0.5 plan",
    "1 plan half",
    "three-quarters",
    staff=200,
)

# --------------------------------------------------------------------------- dimension 5

# 5.1: R6 any (>= 1 respondent); R12 over-25 (> 25% of staff); R12 over-50 (> 50%). 100 staff.
_R = "respondents"
case("5.1", "no-respondent", {_R: [rec(value=0)]}, "0", "0", "any over-25 over-50", staff=100)
case("5.1", "one-respondent", {_R: [rec(value=1)]}, "0.5 any", "0.5 any", "any over-25", staff=100)
case("5.1", "25-percent-is-not-more-than-25", {_R: [rec(value=25)]}, "0.5 any", "0.5 any", "over-25", staff=100)
case("5.1", "26-percent", {_R: [rec(value=26)]}, "0.5 any", "1 any over-25", "over-25 over-50", staff=100)
case("5.1", "50-percent-is-not-more-than-50", {_R: [rec(value=50)]}, "0.5 any", "1 any over-25", "over-50", staff=100)
case("5.1", "51-percent", {_R: [rec(value=51)]}, "0.5 any", "2 any over-25 over-50", "over-50", staff=100)
case(
    "5.1",
    "r12-uses-the-r12-staff-count",
    {_R: [rec(value=51)]},
    "0.5 any",
    "1 any over-25",
    "over-50",
    staff={"R6": 100, "R12": 102},
)
case(
    "5.1",
    "latest-count-inside-the-window",
    {_R: [rec(R6_CUTOFF, value=26), rec(AFTER_R12, value=51)]},
    "0.5 any",
    "1 any over-25",
    "over-50",
    staff=100,
)

# Two independent events: an R6 line and an R12 line.
for _code, _fact6, _line6, _fact12, _line12 in [
    ("5.2", "idea_sessions", "opportunity", "ideas_developed", "developed"),
    ("5.3", "proposals", "proposal", "results", "result"),
]:
    _both = f"{_line6} {_line12}"
    case(_code, "nothing", {_fact6: [], _fact12: []}, "0", "0", _both)
    case(_code, f"{_line6}-only", {_fact6: recs(1)}, f"1 {_line6}", f"1 {_line6}", _both)
    case(_code, f"{_line12}-only", {_fact12: recs(1)}, "0", f"1 {_line12}", _line12)
    case(_code, "both", {_fact6: recs(1), _fact12: recs(1)}, f"1 {_line6}", f"2 {_both}", _both)
case("5.3", "proposal-after-r6-cutoff-r12-only", {"proposals": [rec(AFTER_R6)]}, "0", "1 proposal", "proposal")

# One event earns the item's single R12 line.
for _code, _fact, _line in [
    ("5.5", "improvements", "improved"),
    ("6.2", "reviews", "reviewed"),
    ("6.4", "reviews", "reviewed"),
]:
    case(_code, f"{_line}-needs-a-record", {_fact: []}, "0", "0", _line)
    case(_code, f"{_line}-once", {_fact: recs(1)}, "0", f"2 {_line}", _line)
case("6.2", "review-on-r12-cutoff-counts", {"reviews": [rec(R12_CUTOFF)]}, "0", "2 reviewed", "reviewed")
case("6.2", "review-after-r12-cutoff-ignored", {"reviews": [rec(AFTER_R12)]}, "0", "0", "reviewed")

# --------------------------------------------------------------------------- dimension 6


def charts(standard: bool = True, **per_section: int) -> list[dict[str, Any]]:
    return [
        rec(section=section, task=f"งาน {n}", meets_standard=standard)
        for section, count in per_section.items()
        for n in range(count)
    ]


# 6.1: R6 every-section (>= 1 chart each); R6 half-two-tasks (also >= half of the sections with 2);
# R12 all-two-tasks (every section >= 2 charts made to the standard).
_F = "flowcharts"
_ALL3 = "every-section half-two-tasks all-two-tasks"
_TWO_R6 = "2 every-section half-two-tasks"
case("6.1", "no-chart", {_F: []}, "0", "0", _ALL3)
case(
    "6.1", "every-section-one-chart", {_F: charts(s1=1, s2=1, s3=1, s4=1)}, "1 every-section", "1 every-section", _ALL3
)
case("6.1", "one-section-without-chart", {_F: charts(s1=2, s2=2, s3=2)}, "0", "0", _ALL3)
case(
    "6.1",
    "exactly-half-the-sections-with-two",
    {_F: charts(s1=2, s2=2, s3=1, s4=1)},
    _TWO_R6,
    _TWO_R6,
    "half-two-tasks",
)
case(
    "6.1",
    "one-fewer-than-half-with-two",
    {_F: charts(s1=2, s2=1, s3=1, s4=1)},
    "1 every-section",
    "1 every-section",
    "half-two-tasks",
)
case("6.1", "half-with-two-needs-every-section", {_F: charts(s1=2, s2=2, s3=1)}, "0", "0", "half-two-tasks")
case(
    "6.1",
    "three-sections-two-with-two",
    {_F: charts(s1=2, s2=2, s3=1)},
    _TWO_R6,
    _TWO_R6,
    "half-two-tasks",
    sections=("s1", "s2", "s3"),
)
case(
    "6.1",
    "three-sections-one-with-two",
    {_F: charts(s1=2, s2=1, s3=1)},
    "1 every-section",
    "1 every-section",
    "half-two-tasks",
    sections=("s1", "s2", "s3"),
)
case(
    "6.1",
    "every-section-two-standard-charts",
    {_F: charts(s1=2, s2=2, s3=2, s4=2)},
    _TWO_R6,
    f"4 {_ALL3}",
    "all-two-tasks",
)
case(
    "6.1",
    "one-section-with-one-standard-chart",
    {_F: charts(s1=2, s2=2, s3=2, s4=1) + charts(False, s4=1)},
    _TWO_R6,
    _TWO_R6,
    "all-two-tasks",
)
case("6.1", "no-sections-declared", {_F: []}, "0", "0", _ALL3, sections=())

# 6.3: R6 judged: the latest judgement, claimed (self) or verified by the evaluator (0-4 in 0.5 steps).
_M = "manual"
case("6.3", "claimed-4", {_M: [rec(claimed=4)]}, "4 judged", "4 judged", "judged")
case("6.3", "claimed-0.5", {_M: [rec(claimed=0.5)]}, "0.5 judged", "0.5 judged", "judged")
case("6.3", "claimed-0", {_M: [rec(claimed=0)]}, "0", "0", "judged")
case("6.3", "no-manual", {_M: []}, "0", "0", "judged")
case("6.3", "claimed-but-not-verified", {_M: [rec(claimed=4)]}, "0", "0", "judged", basis=VERIFIED)
case(
    "6.3",
    "verified-3-of-claimed-4",
    {_M: [rec(claimed=4, verified=3)]},
    "3 judged",
    "3 judged",
    "judged",
    basis=VERIFIED,
)
case("6.3", "claimed-4-verified-3-self-basis", {_M: [rec(claimed=4, verified=3)]}, "4 judged", "4 judged", "judged")
case(
    "6.3",
    "latest-judgement-in-the-window",
    {_M: [rec(claimed=2), rec(IN_R12, claimed=3.5)]},
    "2 judged",
    "3.5 judged",
    "judged",
)

# 6.5: R6 one; R12 two; R12 three (new or improved innovations, counted cumulatively).
_NEW = {"new_or_improved": True}
_I = "innovations"
case("6.5", "no-innovation", {_I: []}, "0", "0", "one two three")
case("6.5", "one-innovation", {_I: recs(1, **_NEW)}, "1 one", "1 one", "one two three")
case("6.5", "one-not-new-or-improved", {_I: recs(1)}, "0", "0", "one")
case("6.5", "two-innovations", {_I: recs(2, **_NEW)}, "1 one", "1.5 one two", "two three")
case("6.5", "three-innovations", {_I: recs(3, **_NEW)}, "1 one", "2 one two three", "three")
case("6.5", "third-not-new-or-improved", {_I: [*recs(2, **_NEW), rec()]}, "1 one", "1.5 one two", "three")
case("6.5", "third-after-r12-cutoff", {_I: [*recs(2, **_NEW), rec(AFTER_R12, **_NEW)]}, "1 one", "1.5 one two", "three")

# --------------------------------------------------------------------------- dimension 7

# 7.1.1: R6 announced: a 5S plan and at least 3 different announcement channels.
_THREE = [rec(channel=c) for c in ("circular", "unit_meeting", "website")]
_A = "announcements"
case("7.1.1", "plan-and-three-channels", {"plan": recs(1), _A: _THREE}, "2 announced", "2 announced", "announced")
case("7.1.1", "plan-and-two-channels", {"plan": recs(1), _A: _THREE[:2]}, "0", "0", "announced")
case(
    "7.1.1",
    "three-announcements-two-channels",
    {"plan": recs(1), _A: [rec(channel="email"), rec(channel="email"), rec(channel="board")]},
    "0",
    "0",
    "announced",
)
case("7.1.1", "three-channels-without-plan", {_A: _THREE}, "0", "0", "announced")

# 7.1.2: R6 plan; R12 held (>= 1 activity); R12 all-held (as many activities as planned).
_PLAN3 = [rec(value=3)]
case("7.1.2", "no-plan", {"plan": [], "activities": []}, "0", "0", "plan held all-held")
case("7.1.2", "plan-of-three", {"plan": _PLAN3}, "1 plan", "1 plan", "plan held all-held")
case(
    "7.1.2",
    "three-of-three-held",
    {"plan": _PLAN3, "activities": recs(3)},
    "1 plan",
    "2 plan held all-held",
    "held all-held",
)
case("7.1.2", "two-of-three-held", {"plan": _PLAN3, "activities": recs(2)}, "1 plan", "1.5 plan held", "held all-held")
case("7.1.2", "activities-without-plan", {"activities": recs(3)}, "0", "0.5 held", "plan held all-held")
case("7.1.2", "plan-of-zero-activities", {"plan": [rec(value=0)]}, "1 plan", "1 plan", "all-held")

# 7.1.3: R6 followed-up; R12 presented (a follow-up presented to the director); R12 on-time (a
# report to the Secretary's Office by 2024-02-25; the 2024-08-25 deadline is after the cut-off).
case("7.1.3", "no-followup", {"followups": []}, "0", "0", "followed-up presented")
case(
    "7.1.3", "followup-not-presented", {"followups": recs(1)}, "1 followed-up", "1 followed-up", "followed-up presented"
)
case(
    "7.1.3",
    "followup-presented",
    {"followups": recs(1, **_P)},
    "1 followed-up",
    "1.5 followed-up presented",
    "presented",
)
case("7.1.3", "report-on-the-deadline", {"pr_reports": [rec("2024-02-25")]}, "0", "0.5 on-time", "on-time")
case("7.1.3", "report-a-day-late", {"pr_reports": [rec("2024-02-26")]}, "0", "0", "on-time")
case("7.1.3", "no-report", {"pr_reports": []}, "0", "0", "on-time")
case("7.1.3", "report-on-start-counts", {"pr_reports": [rec(START)]}, "0", "0.5 on-time", "on-time")
case("7.1.3", "report-before-start-ignored", {"pr_reports": [rec(BEFORE_START)]}, "0", "0", "on-time")


# 7.2: R6 four-each: every section >= 4 meetings with minutes presented.
def meetings(minutes: bool = True, **per_section: int) -> list[dict[str, Any]]:
    return [rec(section=s, minutes_presented=minutes) for s, count in per_section.items() for _ in range(count)]


_MEET = "section_meetings"
_FOUR = {"s1": 4, "s2": 4, "s3": 4, "s4": 4}
_LATE_4TH = rec(AFTER_R6, section="s4", minutes_presented=True)
case("7.2", "four-meetings-each", {_MEET: meetings(**_FOUR)}, "2 four-each", "2 four-each", "four-each")
case("7.2", "three-meetings-in-one-section", {_MEET: meetings(**{**_FOUR, "s4": 3})}, "0", "0", "four-each")
case(
    "7.2",
    "one-meeting-without-minutes",
    {_MEET: meetings(**{**_FOUR, "s4": 3}) + meetings(False, s4=1)},
    "0",
    "0",
    "four-each",
)
case(
    "7.2",
    "a-fifth-section-without-meetings",
    {_MEET: meetings(**_FOUR)},
    "0",
    "0",
    "four-each",
    sections=(*SECTIONS, "s5"),
)
case(
    "7.2",
    "fourth-meeting-after-r6-cutoff",
    {_MEET: [*meetings(**{**_FOUR, "s4": 3}), _LATE_4TH]},
    "0",
    "2 four-each",
    "four-each",
)
case("7.2", "no-sections-declared", {_MEET: []}, "0", "0", "four-each", sections=())

# 7.3: R6 best-application: points of the best application (unrelated / related to the mission).
APPLICATION_POINTS = {
    "moac": (1, 2),
    "government": (2, 4),
    "education_private_provincial": (3, 6),
    "report_based": (4, 8),
    "national": (9, 9),
    "public_sector_excellence": (10, 10),
}
_BEST = "best-application"
for _option, (_unrelated, _related) in APPLICATION_POINTS.items():
    for _flag, _points in ((False, _unrelated), (True, _related)):
        _slug = f"{_option}-{'related' if _flag else 'unrelated'}-{_points}"
        _won = f"{_points} {_BEST}"
        case("7.3", _slug, {"applications": [rec(option=_option, related_to_mission=_flag)]}, _won, _won, _BEST)
case("7.3", "no-application", {"applications": []}, "0", "0", _BEST)
case(
    "7.3",
    "only-the-best-application-counts",
    {"applications": [rec(option="moac"), rec(option="government", related_to_mission=True)]},
    f"4 {_BEST}",
    f"4 {_BEST}",
    _BEST,
)
case(
    "7.3",
    "faq-excellence-and-nacc-applications",
    {"applications": [rec(option="public_sector_excellence"), rec(option="report_based", related_to_mission=True)]},
    f"10 {_BEST}",
    f"10 {_BEST}",
    _BEST,
)
case(
    "7.3",
    "better-application-after-r6-cutoff",
    {"applications": [rec(option="moac"), rec(AFTER_R6, option="national")]},
    f"1 {_BEST}",
    f"9 {_BEST}",
    _BEST,
)

# 7.4: R12 best-award: points of the best award received (no mission distinction).
AWARD_POINTS = {
    "moac": 2,
    "government": 4,
    "education_private_provincial": 6,
    "report_based": 8,
    "national": 9,
    "public_sector_excellence": 10,
}
for _option, _points in AWARD_POINTS.items():
    case("7.4", f"{_option}-{_points}", {"awards": [rec(option=_option)]}, "0", f"{_points} best-award", "best-award")
case("7.4", "no-award", {"awards": []}, "0", "0", "best-award")
case(
    "7.4",
    "only-the-best-award-counts",
    {"awards": [rec(option="report_based"), rec(option="moac")]},
    "0",
    "8 best-award",
    "best-award",
)
case(
    "7.4",
    "award-after-r12-cutoff-ignored",
    {"awards": [rec(AFTER_R12, option="public_sector_excellence")]},
    "0",
    "0",
    "best-award",
)

# 7.5: R6 communicated; R6 one-activity; R12 two-activities.
case("7.5", "nothing", {"communications": [], "activities": []}, "0", "0", "communicated one-activity two-activities")
case(
    "7.5", "communicated", {"communications": recs(1)}, "1 communicated", "1 communicated", "communicated one-activity"
)
case(
    "7.5",
    "one-activity",
    {"activities": recs(1)},
    "0.5 one-activity",
    "0.5 one-activity",
    "one-activity two-activities",
)
case(
    "7.5",
    "two-activities",
    {"communications": recs(1), "activities": recs(2)},
    "1.5 communicated one-activity",
    "2 communicated one-activity two-activities",
    "two-activities",
)

# 7.6: R6 one; R12 two (social activities with the director taking part).
_DIR = {"director_took_part": True}
case("7.6", "activity-without-director", {"activities": recs(1)}, "0", "0", "one")
case("7.6", "one-activity", {"activities": recs(1, **_DIR)}, "1 one", "1 one", "one two")
case("7.6", "two-activities", {"activities": recs(2, **_DIR)}, "1 one", "2 one two", "two")
case("7.6", "second-without-director", {"activities": [rec(**_DIR), rec()]}, "1 one", "1 one", "two")
case("7.6", "second-on-r12-cutoff", {"activities": [rec(**_DIR), rec(R12_CUTOFF, **_DIR)]}, "1 one", "2 one two", "two")
case("7.6", "second-after-r12-cutoff", {"activities": [rec(**_DIR), rec(AFTER_R12, **_DIR)]}, "1 one", "1 one", "two")

# 7.7: R6 followed-up; R12 reviewed; R12 communicated (the reviewed plan communicated).
case(
    "7.7",
    "nothing",
    {"followups": [], "reviews": [], "communications": []},
    "0",
    "0",
    "followed-up reviewed communicated",
)
case("7.7", "followed-up", {"followups": recs(1)}, "1 followed-up", "1 followed-up", "followed-up reviewed")
case("7.7", "reviewed", {"reviews": recs(1)}, "0", "0.5 reviewed", "reviewed communicated")
case(
    "7.7",
    "reviewed-and-communicated",
    {"reviews": recs(1), "communications": recs(1)},
    "0",
    "1 reviewed communicated",
    "communicated",
)
case("7.7", "communicated-without-review", {"communications": recs(1)}, "0", "0", "communicated")

# 7.8: R12 main-menus (>= 3 in English); R12 sub-menus (all 5 pages); R12 news (>= 5 items).
_PAGES = ["vision", "structure", "manpower", "personnel", "internal_units"]
case("7.8", "three-main-menus", {"main_menus": [rec(value=3)]}, "0", "1 main-menus", "main-menus sub-menus news")
case("7.8", "two-main-menus", {"main_menus": [rec(value=2)]}, "0", "0", "main-menus")
case(
    "7.8",
    "third-main-menu-on-r12-cutoff",
    {"main_menus": [rec(value=2), rec(R12_CUTOFF, value=3)]},
    "0",
    "1 main-menus",
    "main-menus",
)
case(
    "7.8",
    "third-main-menu-after-r12-cutoff",
    {"main_menus": [rec(value=2), rec(AFTER_R12, value=3)]},
    "0",
    "0",
    "main-menus",
)
case("7.8", "five-sub-menus", {"sub_menus": [rec(page=p) for p in _PAGES]}, "0", "2.5 sub-menus", "sub-menus")
case(
    "7.8",
    "four-sub-menus-one-repeated",
    {"sub_menus": [rec(page=p) for p in [*_PAGES[:4], _PAGES[0]]]},
    "0",
    "0",
    "sub-menus",
)
case("7.8", "five-news", {"news": recs(5)}, "0", "2.5 news", "news")
case("7.8", "four-news", {"news": recs(4)}, "0", "0", "news")
case("7.8", "fifth-news-after-r12-cutoff", {"news": [*recs(4), rec(AFTER_R12)]}, "0", "0", "news")
case(
    "7.8",
    "everything",
    {"main_menus": [rec(value=5)], "sub_menus": [rec(page=p) for p in _PAGES], "news": recs(5, R12_CUTOFF)},
    "0",
    "6 main-menus sub-menus news",
    "main-menus sub-menus news",
)


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("case", CASES)
def test_line_boundary(fw2567, case: Case):
    assessment = parse_assessment(unit({case.item: case.facts}, case.staff, case.sections), fw2567)
    for round_code, (points, earned) in (("R6", case.r6), ("R12", case.r12)):
        result = score(fw2567, assessment, round_code, basis=case.basis)
        item = result.items[case.item]
        assert {ln.line.id for ln in item.lines if ln.earned} == earned, round_code
        for ln in item.lines:
            # R6 evaluates only the R6 lines; R12 evaluates every line.
            assert ln.open is (round_code == "R12" or ln.line.round.code == "R6"), (round_code, ln.line.id)
            if not ln.earned:
                assert ln.points == Decimal(0), (round_code, ln.line.id)
            elif ln.line.points_from is None:
                assert ln.points == ln.line.points, (round_code, ln.line.id)
        assert isinstance(item.points, Decimal)
        assert item.points == points, round_code
        assert result.total == points, round_code  # nothing leaks into other items


def test_7_4_award_points_do_not_depend_on_the_mission(fw2567):
    # 7.4 has no related_to_mission field: each option is worth one fixed number of points.
    data = unit({"7.4": {"awards": [rec(option="moac", related_to_mission=True)]}})
    with pytest.raises(AssessmentError, match="related_to_mission"):
        parse_assessment(data, fw2567)


def test_award_tables_cover_every_option(fw2567):
    assert set(fw2567.items_by_code["7.3"].facts["applications"].options) == set(APPLICATION_POINTS)
    assert set(fw2567.items_by_code["7.4"].facts["awards"].options) == set(AWARD_POINTS)


def test_every_line_has_an_earned_case_and_a_missed_case(fw2567):
    lines = {(item.code, line.id): line for item in fw2567.items for line in item.lines}
    unknown = {(item, line) for item, line, _, _ in ABOUT} - set(lines)
    assert not unknown, f"cases about lines the framework does not have: {sorted(unknown)}"
    earned: set[tuple[str, str]] = set()
    missed: set[tuple[str, str]] = set()
    for item, line_id, round_code, was_earned in ABOUT:
        key = (item, line_id)
        if was_earned:
            earned.add(key)
        elif fw2567.round(round_code).index >= lines[key].round.index:  # open in that round, yet missed
            missed.add(key)
    assert sorted(set(lines) - earned) == [], "lines never shown earned"
    assert sorted(set(lines) - missed) == [], "lines never shown open but missed"
