"""How long report results are kept: each expires after ``REPORT_RESULT_HOURS`` or when a newer
result of the same report replaces it; its file leaves storage, its row stays (``expired``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pramern.audit.services import log_action
from pramern.filestore import delete_files
from pramern.reports.models import ReportJob


def expire(job: ReportJob, *, reason: str) -> bool:
    """Mark ``job`` expired and delete its file from storage; False when its status changed
    meanwhile (another run expired it, or the worker finished it: it is looked at again later)."""
    name = job.file.name or ""
    with transaction.atomic():
        if not ReportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ReportJob.Status.EXPIRED, file="", progress=0
        ):
            return False
        log_action(
            "pramern.report.expired",
            job,
            data={"kind": job.kind, **job.params, "was": job.status, "file": name, "reason": reason},
        )
    # The row already says expired (the download is gone either way); a file the storage keeps
    # is logged and audited (``delete_files``).
    delete_files([(job.file.storage, name)], about=job, reason=f"report expired: {reason}")
    job.status, job.file.name = ReportJob.Status.EXPIRED, ""
    return True


def expire_old_results(now: dt.datetime | None = None) -> int:
    """Expire every job kept longer than ``REPORT_RESULT_HOURS`` (see ``past_keeping``); returns
    how many. For ``manage.py delete_expired_reports``."""
    expired = 0
    for job in ReportJob.objects.past_keeping(now).order_by("created_at"):
        reason = "kept long enough" if job.status == ReportJob.Status.DONE else "never finished"
        expired += expire(job, reason=reason)
    return expired


def replace_older_results(job: ReportJob) -> int:
    """Expire the earlier results of the report ``job`` has just rebuilt for the same person:
    one stored copy per person and report. Returns how many."""
    older = ReportJob.objects.filter(
        requested_by_id=job.requested_by_id,
        kind=job.kind,
        subject=job.subject,
        status=ReportJob.Status.DONE,
        created_at__lt=job.created_at,
    )
    return sum(expire(previous, reason="replaced by a newer result") for previous in older)
