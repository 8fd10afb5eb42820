"""Two people editing one record: the second save never silently overwrites the first.

(The same with both saves arriving at the same moment, against a real server, is in
test_concurrent_saves.py.)
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pramern.assessments.models import Record
from pramern.assessments.services import RecordConflict, save_record
from pramern.audit.models import AuditEntry
from tests.factories import record


def _edit_url(world, rec):
    return f"/a/{world.a.pk}/records/{rec.pk}/edit/"


def _version_in(page: str) -> str:
    match = re.search(r'name="followups-version" value="(\d+)"', page)
    assert match, "the edit form carries the version it was loaded with"
    return match.group(1)


def test_a_save_on_a_record_changed_since_the_form_was_opened_is_refused_showing_both_values(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    edit = _edit_url(world, rec)
    client.force_login(world.alice)
    alice_loaded = _version_in(client.get(edit).content.decode())

    client.force_login(world.dan)  # dan opens the same record and saves first
    dan_loaded = _version_in(client.get(edit).content.decode())
    dans = {"followups-date": "15/03/2567", "followups-title": "ติดตามโดยแดน", "followups-version": dan_loaded}
    assert client.post(edit, dans).status_code == 302

    client.force_login(world.alice)
    alices = {
        "followups-date": "16/03/2567",
        "followups-title": "ติดตามโดยอลิส",
        "followups-note": "หมายเหตุของอลิส",
        "followups-presented_to_director": "on",
        "followups-version": alice_loaded,
    }
    response = client.post(edit, alices)
    page = response.content.decode()
    assert response.status_code == 409
    assert "มีผู้อื่นบันทึกการแก้ไขรายการนี้หลังจากที่คุณเปิดแบบฟอร์ม" in page
    assert "แดน ผู้อำนวยการ (dan)" in page  # who saved in between
    # Both values side by side: dan's saved title and date, and alice's, which stay in the form.
    assert "ติดตามโดยแดน" in page and "15 มี.ค. 2567" in page
    assert 'value="ติดตามโดยอลิส"' in page and 'value="16/03/2567"' in page and "หมายเหตุของอลิส</textarea>" in page
    assert 'name="followups-presented_to_director" id="id_followups-presented_to_director" checked' in page
    saved = Record.objects.get(pk=rec.pk)
    assert saved.title == "ติดตามโดยแดน" and saved.date == dt.date(2024, 3, 15)  # nothing overwritten

    # Having seen dan's values, alice saves hers deliberately: the form now carries dan's version.
    again = {**alices, "followups-version": _version_in(page)}
    assert client.post(edit, again).status_code == 302
    saved.refresh_from_db()
    assert saved.title == "ติดตามโดยอลิส" and saved.note == "หมายเหตุของอลิส"
    assert saved.version == rec.version + 2
    changes = list(AuditEntry.objects.filter(action="pramern.record.changed").order_by("id"))
    assert [c.actor for c in changes] == [world.dan, world.alice]
    assert changes[1].data["before"]["title"] == "ติดตามโดยแดน"  # what alice overwrote is kept


def test_the_same_save_posted_twice_is_not_a_conflict(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    edit = _edit_url(world, rec)
    typed = {
        "followups-date": "16/03/2567",
        "followups-title": "ครั้งเดียว",
        "followups-version": _version_in(client.get(edit).content.decode()),
    }
    assert [client.post(edit, typed).status_code for _ in range(2)] == [302, 302]  # a double click
    assert AuditEntry.objects.filter(action="pramern.record.changed").count() == 1


def test_the_service_compares_with_the_database_not_with_the_callers_copy(world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    stale = Record.objects.get(pk=rec.pk)
    save_record(
        world.a, "1.2.2", "followups", date=dt.date(2024, 3, 16), data={}, title="ก่อน", user=world.dan, record=rec
    )
    with pytest.raises(RecordConflict) as refused:
        save_record(
            world.a,
            "1.2.2",
            "followups",
            date=dt.date(2024, 3, 17),
            data={},
            title="หลัง",
            user=world.alice,
            record=stale,
            version=stale.version,
        )
    assert refused.value.current.title == "ก่อน"
    assert Record.objects.get(pk=rec.pk).title == "ก่อน"
