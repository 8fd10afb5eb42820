"""Asking for a report: checks, a job row (progress survives a page reload), the queue."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pramern.assessments.models import Assessment
from pramern.audit.services import log_action
from pramern.frameworks.models import Framework
from pramern.reports.models import ReportJob


@transaction.atomic
def request_consolidated_pdf(framework: Framework, round_code: str, *, user: Any) -> ReportJob:
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.CONSOLIDATED_PDF,
        params={"framework": framework.pk, "round": round_code},
        filename=f"{framework.code}-{round_code}-all-units.pdf",
        requested_by=user,
    )
    return _queue(job, user)


@transaction.atomic
def request_evidence_zip(assessment: Assessment, round_code: str, *, user: Any) -> ReportJob:
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.EVIDENCE_ZIP,
        params={"assessment": assessment.pk, "round": round_code},
        filename=f"{assessment.unit.code}-{assessment.framework.code}-{round_code}-evidence.zip",
        requested_by=user,
    )
    return _queue(job, user)


def _queue(job: ReportJob, user: Any) -> ReportJob:
    from pramern.reports.tasks import run_report_job

    log_action("pramern.report.requested", job, actor=user, data={"kind": job.kind, **job.params})
    transaction.on_commit(lambda: run_report_job(str(job.pk)))
    return job
