"""Workflows of personal data: a person downloads their own data; the Centre purges evidence
files older than the retention. Each is audited (the erasure of a person is in ``erasure``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pramern.assessments.models import Assessment, Evidence
from pramern.audit.services import log_action
from pramern.errors import UserError
from pramern.filestore import delete_files_after_commit
from pramern.organizations.permissions import access_for
from pramern.privacy.models import EvidencePurge, PurgedFile
from pramern.privacy.mydata import counts, my_data, my_data_json
from pramern.privacy.retention import files_of_years, framework_years, retention_preview
from pramern.reports import caching


def download_my_data(user: Any) -> tuple[str, bytes]:
    """The person's own data as a JSON file (its name and content); the download is logged."""
    now = timezone.now()
    data = my_data(user, now=now)
    log_action("pramern.privacy.my_data_downloaded", user, actor=user, data={"sections": counts(data)})
    return f"pramern-my-data-{timezone.localdate(now):%Y%m%d}.json", my_data_json(data)


def check_purger(user: Any) -> None:
    """The Evaluation Centre (evaluators and administrators) purges; nobody else."""
    if not access_for(user).is_centre:
        raise PermissionDenied(_("Only the Evaluation Centre purges evidence under the retention policy."))


@transaction.atomic
def purge_evidence_years(years: list[int], *, user: Any, today: dt.date | None = None) -> EvidencePurge:
    """Remove the stored evidence files of ``years`` (each older than the retention), keeping a
    row per file (``PurgedFile``) and marking each evidence row purged: records, verdicts and
    scores stay. Files leave storage (Django's storage API) once the change is committed; any the
    storage keeps are listed on the purge's page (``files_left_in_storage``)."""
    check_purger(user)
    preview = retention_preview(today)
    allowed = {y.year for y in preview.purgeable}
    years = sorted(set(years))
    if not years:
        raise UserError(_("Choose at least one fiscal year to purge."))
    refused = [y for y in years if y not in allowed]
    if refused:
        raise UserError(
            _("These fiscal years are not older than the retention of %(keep)d years, or have no files: %(years)s.")
            % {"keep": preview.retention_years, "years": ", ".join(str(y) for y in refused)}
        )
    by_framework = framework_years()
    evidence = list(
        files_of_years(years)
        .select_for_update(of=("self",))
        .select_related("assessment__unit")
        .prefetch_related("records")
        .order_by("pk")
    )
    purge = EvidencePurge.objects.create(
        purged_by=user,
        fiscal_years=years,
        retention_years=preview.retention_years,
        files=len(evidence),
        size=sum(e.size for e in evidence),
    )
    PurgedFile.objects.bulk_create(
        PurgedFile(
            purge=purge,
            evidence=e,
            fiscal_year=by_framework[e.assessment.framework_id],
            unit_code=e.assessment.unit.code,
            unit_name=e.assessment.unit.name_th,
            items=", ".join(sorted({r.item_code for r in e.records.all()}))[:500],
            original_name=e.original_name,
            title=e.title,
            size=e.size,
            sha256=e.sha256,
            stored_name=e.file.name,
            added_at=e.created_at,
        )
        for e in evidence
    )
    stored = [(e.file.storage, e.file.name) for e in evidence]
    Evidence.objects.filter(pk__in=[e.pk for e in evidence]).update(purged_at=purge.created_at, file="")
    caching.bump(Assessment.objects.filter(pk__in={e.assessment_id for e in evidence}))  # their pages say so
    log_action(
        "pramern.privacy.evidence_purged",
        purge,
        actor=user,
        data={"years": years, "retention_years": purge.retention_years, "files": purge.files, "size": purge.size},
    )
    # A file the storage keeps is logged and audited on the purge; its page lists it.
    delete_files_after_commit(stored, about=purge, actor=user, reason="purge of old fiscal years")
    return purge
