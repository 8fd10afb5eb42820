"""Report jobs, run by the huey consumer (``manage.py run_huey``), never in the web process."""

from __future__ import annotations

import tempfile
import traceback

from django.core.files import File
from django.utils import timezone
from huey.contrib.djhuey import db_task, on_shutdown

from pramern.assessments.models import Assessment
from pramern.frameworks.models import Framework
from pramern.reports.models import ReportJob


def _progress(job: ReportJob) -> object:
    def report(percent: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(progress=min(100, max(0, percent)))

    return report


@db_task()
def run_report_job(job_id: str) -> None:
    job = ReportJob.objects.get(pk=job_id)
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING, progress=1)
    try:
        with tempfile.TemporaryFile() as scratch:
            if job.kind == ReportJob.Kind.EVIDENCE_ZIP:
                from pramern.reports.evidence_zip import build_evidence_zip
                from pramern.review.services import verdicts_visible_until

                assessment = Assessment.objects.with_unit().get(pk=job.params["assessment"])
                build_evidence_zip(
                    assessment,
                    job.params["round"],
                    scratch,
                    _progress(job),  # type: ignore[arg-type]
                    verdicts_until=verdicts_visible_until(job.requested_by, assessment),
                )
            else:
                from pramern.reports.pdf import consolidated_pdf
                from pramern.review.services import verified_shown_for

                framework = Framework.objects.get(pk=job.params["framework"])
                pdf = consolidated_pdf(
                    framework,
                    job.params["round"],
                    progress=_progress(job),  # type: ignore[arg-type]
                    verified_shown=verified_shown_for(job.requested_by),
                )
                scratch.write(pdf)
            scratch.seek(0)
            job.file.save(job.filename, File(scratch), save=False)
        job.status, job.progress, job.finished_at = ReportJob.Status.DONE, 100, timezone.now()
        job.save(update_fields=["file", "status", "progress", "finished_at"])
    except Exception:  # the job records why it failed, for the person waiting for it
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJob.Status.FAILED, error=traceback.format_exc(limit=5), finished_at=timezone.now()
        )
        raise


@on_shutdown()
def close_pdf_printer() -> None:
    """A worker that stops (or restarts) closes the Chromium it printed with, and exits cleanly."""
    from pramern.reports.pdf import close_printer  # start-up time: the web process imports tasks too

    close_printer()
