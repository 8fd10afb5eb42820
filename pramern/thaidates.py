"""Thai dates in the Buddhist era (25 ก.ค. 2567), without Django, for the CLI, PDFs and templates."""

from __future__ import annotations

import datetime as dt

BUDDHIST_ERA_OFFSET = 543
MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip


def fiscal_year_of(day: dt.date) -> int:
    """The Thai fiscal year (Buddhist era) holding ``day``: fiscal year N runs from 1 October of
    N-544 to 30 September of N-543 (CE), so 1 Oct 2023 – 30 Sep 2024 is 2567."""
    return day.year + BUDDHIST_ERA_OFFSET + (1 if day.month >= 10 else 0)


def thai_date(day: dt.date) -> str:
    """``date(2024, 7, 25)`` -> ``"25 ก.ค. 2567"``."""
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year + BUDDHIST_ERA_OFFSET}"


def thai_month(year: int, month: int) -> str:
    """``(2023, 8)`` -> ``"ส.ค. 2566"``."""
    return f"{MONTHS_SHORT[month - 1]} {year + BUDDHIST_ERA_OFFSET}"
