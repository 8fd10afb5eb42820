"""Evidence retention (PDPA: personal data is kept no longer than needed): which fiscal years'
evidence files are older than ``EVIDENCE_RETENTION_YEARS``, and the report of a purge.

A file belongs to the fiscal year of its assessment's framework (the year holding the final
round's cut-off, as ``assessments.years.framework_fiscal_year`` says). The current fiscal year
and the ``N - 1`` before it are kept: with 5 in FY2570, FY2566–2570 stay and FY2565 and older
may be purged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from pramern.assessments.models import Evidence
from pramern.frameworks.models import Framework
from pramern.privacy.models import EvidencePurge
from pramern.reports.exporters import ListExporter
from pramern.thaidates import fiscal_year_of


@dataclass(frozen=True)
class YearFiles:
    """The evidence files still stored for one fiscal year."""

    year: int
    files: int
    size: int
    purgeable: bool


@dataclass(frozen=True)
class RetentionPreview:
    """Every fiscal year with stored evidence files, oldest first, and which may be purged."""

    today: dt.date
    current_year: int
    retention_years: int
    years: list[YearFiles]

    @property
    def oldest_kept(self) -> int:
        return self.current_year - self.retention_years + 1

    @property
    def purgeable(self) -> list[YearFiles]:
        return [y for y in self.years if y.purgeable]


def retention_years() -> int:
    """The fiscal years kept (the setting; at least 1: the current year is never purged)."""
    return max(1, int(settings.EVIDENCE_RETENTION_YEARS))


def framework_years() -> dict[int, int]:
    """Framework id -> its fiscal year (Buddhist era), for every framework with an assessment."""
    return {
        fw.pk: fiscal_year_of(fw.compiled().final_round.cutoff)
        for fw in Framework.objects.filter(assessments__isnull=False).distinct()
    }


def stored_files() -> QuerySet[Evidence]:
    """Evidence files still in storage (not purged)."""
    return Evidence.objects.filter(kind=Evidence.Kind.FILE, purged_at__isnull=True).exclude(file="")


def retention_preview(today: dt.date | None = None) -> RetentionPreview:
    """What the retention page shows: per fiscal year, its stored files (count and size)."""
    # The fiscal year turns at midnight of 1 October in Thailand, not on the server's (UTC) clock.
    today = today or timezone.localdate()
    current, keep = fiscal_year_of(today), retention_years()
    years = framework_years()
    totals: dict[int, tuple[int, int]] = {}
    rows = stored_files().values("assessment__framework_id").annotate(files=Count("pk"), size=Sum("size"))
    for row in rows:
        year = years[row["assessment__framework_id"]]
        files, size = totals.get(year, (0, 0))
        totals[year] = (files + row["files"], size + (row["size"] or 0))
    return RetentionPreview(
        today,
        current,
        keep,
        [
            YearFiles(year, files, size, purgeable=year <= current - keep)
            for year, (files, size) in sorted(totals.items())
        ],
    )


def files_of_years(years: list[int]) -> QuerySet[Evidence]:
    """The stored evidence files of these fiscal years."""
    frameworks = [pk for pk, year in framework_years().items() if year in years]
    return stored_files().filter(assessment__framework_id__in=frameworks)


class PurgeReport(ListExporter):
    """One row per file a purge removed, under Thai headers, dates in the Buddhist era."""

    verbose_name = "รายงานการลบไฟล์หลักฐานตามระยะเวลาการเก็บรักษา"
    sheet_title = "ไฟล์ที่ลบ"

    def __init__(self, purge: EvidencePurge) -> None:  # no framework: not a list of scores
        self.purge = purge

    def headers(self) -> list[str]:
        return [
            "ปีงบประมาณ",
            "รหัสหน่วยงาน",
            "หน่วยงาน",
            "ข้อ",
            "ชื่อไฟล์",
            "ชื่อหลักฐาน",
            "ขนาด (ไบต์)",
            "SHA-256",
            "วันที่เพิ่ม",
            "วันที่ลบ",
        ]

    def rows(self) -> Iterator[list[Any]]:
        removed = self.purge.created_at
        for f in self.purge.purged_files.all():
            yield [
                f.fiscal_year,
                f.unit_code,
                f.unit_name,
                f.items,
                f.original_name,
                f.title,
                f.size,
                f.sha256,
                f.added_at,
                removed,
            ]
