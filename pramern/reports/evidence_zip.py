"""A unit's evidence for a round as one ZIP, with a manifest of what supports what."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.db.models import Count, Q, Sum

from pramern.assessments.models import Assessment, Evidence, Record
from pramern.filestore import stored_chunks
from pramern.reports.exporters import csv_text
from pramern.review.models import Verdict
from pramern.thaidates import thai_date

MANIFEST_HEADERS = ["ข้อ", "รหัสรายการ", "วันที่", "ข้อมูล", "ชื่อเรื่อง", "หลักฐาน", "ไฟล์ในชุดนี้/ลิงก์", "ผลการตรวจ", "เหตุผล"]


def _safe(name: str) -> str:
    """A file name that cannot climb out of its folder inside the archive."""
    cleaned = name.replace("\\", "/").split("/")[-1].strip() or "file"
    return cleaned.lstrip(".") or "file"


@dataclass(frozen=True)
class ZipSize:
    files: int
    bytes: int
    links: int = 0

    @property
    def links_only(self) -> bool:
        """The round's evidence is links alone: the ZIP holds their list and no file."""
        return self.files == 0 and self.links > 0


def evidence_zip_size(assessment: Assessment, round_code: str) -> ZipSize:
    """How many files the round's ZIP holds and their size before compression (from the sizes
    stored with the evidence, each file once however many records it supports), and how many
    links it lists: one query, read before the ZIP is asked for."""
    cutoff = assessment.framework.compiled().round(round_code).cutoff
    in_round = Record.objects.filter(assessment=assessment, date__lte=cutoff).values("evidence")
    is_file = Q(kind=Evidence.Kind.FILE, purged_at__isnull=True)  # a purged file is not in the ZIP
    totals = Evidence.objects.filter(pk__in=in_round).aggregate(
        files=Count("pk", filter=is_file),
        bytes=Sum("size", filter=is_file),
        links=Count("pk", filter=Q(kind=Evidence.Kind.LINK)),
    )
    return ZipSize(totals["files"], totals["bytes"] or 0, totals["links"])


#: Written into a ZIP without any file, so that whoever opens it learns why it is nearly empty.
README_NAME = "อ่านก่อน.txt"


def _readme(round_title: str, links: list[tuple[str, str, str]]) -> str:
    """The note of a ZIP with no file: its links listed (item, title, address), or that there is none."""
    if not links:
        return f"{round_title}: ยังไม่มีหลักฐานทั้งไฟล์และลิงก์ ชุดนี้จึงมีเพียงรายการบันทึกข้อมูล (manifest.csv)\n"
    lines = [
        f"{round_title}: หลักฐานของรอบนี้เป็นลิงก์ทั้งหมด {len(links)} รายการ ไม่มีไฟล์แนบ",
        "ชุดนี้จึงไม่มีไฟล์หลักฐาน มีเพียงรายการลิงก์ด้านล่าง และรายการบันทึกข้อมูลทั้งหมดใน manifest.csv",
        "",
    ]
    lines += [f"ข้อ {item}: {title}\n    {url}" for item, title, url in links]
    return "\n".join(lines) + "\n"


def build_evidence_zip(
    assessment: Assessment,
    round_code: str,
    stream: IO[bytes],
    progress: Callable[[int, str], None] | None = None,
    *,
    verdicts_until: dt.date = dt.date.max,
) -> int:
    """Write the ZIP to ``stream`` (files streamed from storage in chunks); return the file count.
    Verdicts of records dated after ``verdicts_until`` are left out (``verdicts_visible_until``).
    A ZIP without any file says so in ``README_NAME`` and lists the links there.

    ``progress(percent, stage)`` hears the steps as their work is done: reading (0), copying the
    files (5..90, by bytes copied), the manifest (90) and, once written, saving (95)."""

    def report(percent: int, stage: str) -> None:
        if progress is not None:
            progress(percent, stage)

    report(0, "reading")
    compiled = assessment.framework.compiled()
    rnd = compiled.round(round_code)
    # people read the manifest: a fact's Thai label, not its key ("followups")
    fact_labels = {(item.code, name): fact.label.th for item in compiled.items for name, fact in item.facts.items()}
    records = list(
        Record.objects.filter(assessment=assessment, date__lte=rnd.cutoff).order_by("item_code", "date", "id")
    )
    verdicts = {
        v.record_id: v for v in Verdict.objects.filter(record__in=[r for r in records if r.date <= verdicts_until])
    }
    by_record = Evidence.objects.by_record(r.pk for r in records)
    to_copy = {e.pk: e for r in records for e in by_record.get(r.pk, []) if e.kind == Evidence.Kind.FILE}
    total_bytes = sum(e.size or 0 for e in to_copy.values())
    copied = [0, 0, 5]  # bytes, files, the percent last reported

    def copied_one(size: int) -> None:
        copied[0] += size
        copied[1] += 1
        done = copied[0] / total_bytes if total_bytes else copied[1] / len(to_copy)
        percent = 5 + int(85 * done)
        if percent != copied[2]:  # one write to the job per whole percent, not one per file
            report(percent, "copying")
            copied[2] = percent

    report(5, "copying")
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_HEADERS)
    written: dict[int, str] = {}
    links: list[tuple[str, str, str]] = []
    files = 0
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            verdict = verdicts.get(record.pk)
            status = (
                verdict.get_status_display() if verdict else ("ยังไม่ได้ตรวจ" if record.date <= verdicts_until else "")
            )
            reason = verdict.reason if verdict else ""
            for evidence in by_record.get(record.pk, []) or [None]:
                if evidence is None:
                    where, name = "", "—"
                elif evidence.kind == Evidence.Kind.LINK:
                    where, name = evidence.url, evidence.title or evidence.url
                    links.append((record.item_code, name, evidence.url))
                elif evidence.purged_at is not None:  # removed under the retention policy
                    name, where = evidence.original_name, "ลบไฟล์แล้วตามนโยบายการเก็บรักษาหลักฐาน"
                else:
                    name = evidence.original_name
                    if evidence.pk not in written:  # one file, however many records it supports
                        path = f"{record.item_code}/{evidence.pk}-{_safe(evidence.original_name)}"
                        with archive.open(path, "w") as target:
                            for chunk in stored_chunks(evidence.file):
                                target.write(chunk)
                        written[evidence.pk] = path
                        files += 1
                        copied_one(evidence.size or 0)
                    where = written[evidence.pk]
                fact = fact_labels.get((record.item_code, record.fact), record.fact)
                cells = [record.item_code, record.pk, thai_date(record.date), fact, record.title, name, where,
                         status, reason]  # fmt: skip
                writer.writerow([csv_text(cell) for cell in cells])
        report(90, "manifest")
        archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
        if not files:
            archive.writestr(README_NAME, "\ufeff" + _readme(rnd.title.th, list(dict.fromkeys(links))))
    report(95, "saving")
    return files
