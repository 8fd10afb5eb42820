"""Report jobs, run by the huey consumer (``manage.py run_huey``), never in the web process."""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable

from django.core.files import File
from django.utils import timezone
from huey.contrib.djhuey import db_task, on_shutdown

from pramern.assessments.models import Assessment
from pramern.filestore import delete_files
from pramern.frameworks.models import Framework
from pramern.reports.evidence_zip import build_evidence_zip
from pramern.reports.models import ReportJob
from pramern.reports.pdf import consolidated_pdf
from pramern.reports.printing import close_printer
from pramern.reports.retention import replace_older_results
from pramern.review.visibility import verdicts_visible_until, verified_shown_for


def _progress(job: ReportJob) -> Callable[[int, str], None]:
    """Stores each step's progress as the builders report it (never by the clock)."""

    def report(percent: int, stage: str) -> None:
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(
            progress=min(100, max(0, percent)), stage=stage
        )

    return report


@db_task()
def run_report_job(job_id: str) -> None:
    # Only a job still queued is run: one expired before the worker came to it stays expired.
    if not ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, progress=0, stage=ReportJob.Stage.READING
    ):
        return
    job = ReportJob.objects.get(pk=job_id)
    try:
        with tempfile.TemporaryFile() as scratch:
            if job.kind == ReportJob.Kind.EVIDENCE_ZIP:
                assessment = Assessment.objects.with_unit().get(pk=job.params["assessment"])
                build_evidence_zip(
                    assessment,
                    job.params["round"],
                    scratch,
                    _progress(job),
                    verdicts_until=verdicts_visible_until(job.requested_by, assessment),
                )
            else:
                framework = Framework.objects.get(pk=job.params["framework"])
                pdf = consolidated_pdf(
                    framework,
                    job.params["round"],
                    progress=_progress(job),
                    verified_shown=verified_shown_for(job.requested_by),
                )
                scratch.write(pdf)
            scratch.seek(0)
            job.file.save(job.filename, File(scratch), save=False)
    except Exception:  # the job records why it failed, for the person waiting for it
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(
            status=ReportJob.Status.FAILED, error=traceback.format_exc(limit=5), finished_at=timezone.now()
        )
        raise
    done = ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(
        file=job.file.name, status=ReportJob.Status.DONE, progress=100, finished_at=timezone.now()
    )
    if not done:  # expired while it ran (it ran longer than results are kept): nobody gets the file
        delete_files([(job.file.storage, job.file.name)], about=job, reason="report expired while it was built")
        return
    replace_older_results(job)


@on_shutdown()
def close_pdf_printer() -> None:
    """A worker that stops (or restarts) closes the Chromium it printed with, and exits cleanly."""
    close_printer()
