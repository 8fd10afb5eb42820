"""Every download of an evidence file is logged: who, which file, when."""

from __future__ import annotations

import pytest

from pramern.audit.models import AuditEntry
from tests.privacy.files import pdf

pytestmark = pytest.mark.identity


def downloads():
    return AuditEntry.objects.filter(action="pramern.evidence.downloaded").order_by("pk")


def test_a_download_and_a_preview_are_logged(client, world):
    evidence = pdf(world.a, world.alice, "บันทึก ผอ.pdf")
    client.force_login(world.eve)
    for url in (f"/evidence/{evidence.pk}/", f"/evidence/{evidence.pk}/view/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")  # consumed: the file is closed
    first, second = downloads()
    assert (first.actor, first.object_type, first.object_id) == (world.eve, "assessments.evidence", str(evidence.pk))
    assert first.data == {"assessment": world.a.pk, "name": "บันทึก ผอ.pdf", "sha256": evidence.sha256, "inline": False}
    assert second.data["inline"] is True
    assert first.created <= second.created
    assert first.assessment_id is None  # not a change: kept out of the assessment's history


def test_another_units_person_is_refused_and_nothing_is_logged(client, world):
    evidence = pdf(world.a, world.alice, "บันทึก.pdf")
    client.force_login(world.bob)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404
    assert client.get(f"/evidence/{evidence.pk}/view/").status_code == 404
    assert not downloads().exists()
