"""One access helper per resource: every workspace view gets its objects through these."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pramern.assessments.models import Assessment, Evidence, Record
from pramern.organizations.permissions import check_unit


def get_assessment_for_user(request: HttpRequest, pk: int, *, write: bool = False, submit: bool = False) -> Assessment:
    """The assessment if the user may see it (404 otherwise) and change/submit it (403 otherwise)."""
    assessment = get_object_or_404(Assessment.objects.with_unit(), pk=pk)
    check_unit(request, assessment.unit_id, write=write, submit=submit)
    return assessment


def get_record_for_user(request: HttpRequest, assessment: Assessment, record_pk: int) -> Record:
    """A record of an assessment already checked with ``get_assessment_for_user``."""
    return get_object_or_404(Record, pk=record_pk, assessment=assessment)


def get_evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    """Evidence of a unit the user may see; anyone else gets a 404, not a hint."""
    evidence = get_object_or_404(Evidence.objects.select_related("assessment"), pk=pk)
    check_unit(request, evidence.assessment.unit_id)
    if evidence.kind != Evidence.Kind.FILE:
        raise Http404("Not a file")
    if evidence.purged_at is not None:
        raise Http404("The file was removed under the evidence retention policy")
    return evidence
