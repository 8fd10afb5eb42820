"""Asking for a report: checks, a job row (progress survives a page reload), the queue."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from pramern.assessments.models import Assessment
from pramern.audit.services import log_action
from pramern.frameworks.models import Framework
from pramern.reports.models import ReportJob
from pramern.reports.tasks import run_report_job


def request_consolidated_pdf(framework: Framework, round_code: str, *, user: Any) -> ReportJob:
    return _request(
        ReportJob.Kind.CONSOLIDATED_PDF,
        f"framework:{framework.pk}:{round_code}",
        # "year": the framework's key, which asking again sends back as the fiscal year (``?year=``)
        {"framework": framework.pk, "round": round_code, "year": f"{framework.code}@{framework.version}"},
        f"{framework.code}-{round_code}-all-units.pdf",
        user,
    )


def request_evidence_zip(assessment: Assessment, round_code: str, *, user: Any) -> ReportJob:
    return _request(
        ReportJob.Kind.EVIDENCE_ZIP,
        f"assessment:{assessment.pk}:{round_code}",
        {"assessment": assessment.pk, "round": round_code},
        f"{assessment.unit.code}-{assessment.framework.code}-{round_code}-evidence.zip",
        user,
    )


@transaction.atomic
def _request(kind: str, subject: str, params: dict[str, Any], filename: str, user: Any) -> ReportJob:
    """A new job, queued once committed; or the job this person already has queued or running
    for the same report (asking twice builds it once)."""
    same = ReportJob.objects.active().filter(requested_by=user, kind=kind, subject=subject)
    if waiting := same.first():
        return waiting
    try:
        with transaction.atomic():  # a savepoint: a request at the same moment may win the row
            job = ReportJob.objects.create(
                kind=kind, subject=subject, params=params, filename=filename, requested_by=user
            )
    except IntegrityError:  # report_job_one_active: the other request's job is the one
        return same.get()
    log_action("pramern.report.requested", job, actor=user, data={"kind": job.kind, **job.params})
    transaction.on_commit(lambda: run_report_job(str(job.pk)))
    return job


def log_download(job: ReportJob, *, user: Any) -> None:
    """An evidence ZIP's download is logged like each evidence file's (PDPA: evidence may name
    people); other reports (scores) are not personal data and are not logged per download."""
    if job.kind == ReportJob.Kind.EVIDENCE_ZIP:
        log_action("pramern.evidence.zip_downloaded", job, actor=user, data={"kind": job.kind, **job.params})
