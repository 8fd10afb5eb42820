"""One writer per assessment: a record or evidence change checks the locks under the same row
lock that submission and the other round steps take, so none of them can commit between the
check and the write. Also: the orphan purge checks again before removing, and a new-record form
posted again with other values tells the person instead of saying "saved"."""

from __future__ import annotations

import datetime as dt
import io
import re
from concurrent.futures import ThreadPoolExecutor, wait

import pytest
from django.core.management import call_command
from django.utils import timezone

import pramern.assessments.views as views
from pramern.assessments.management.commands import list_orphan_evidence
from pramern.assessments.models import Evidence, Record, UnitRound
from pramern.assessments.services import add_link_evidence, attach_evidence, delete_evidence
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.review.services import transition
from tests.factories import record
from tests.live import TIMEOUT

ITEM = "1.2.2"


def test_locks_read_by_the_view_before_a_submission_do_not_let_the_save_through(client, world, monkeypatch):
    """The submission commits after the edit page read the locks and before the save."""
    rec = record(world.a, ITEM, "followups", "2024-02-01")  # in the 6-month round
    real_load = views.load_workspace

    def load_then_submit(assessment, **kwargs):
        workspace = real_load(assessment, **kwargs)
        transition(world.a, "R6", "submit", user=world.dan)  # the director submits meanwhile
        return workspace

    monkeypatch.setattr(views, "load_workspace", load_then_submit)
    client.force_login(world.alice)
    edit = f"/a/{world.a.pk}/records/{rec.pk}/edit/"
    response = client.post(edit, {"followups-date": "01/02/2567", "followups-title": "หลังส่ง", "followups-version": "1"})
    assert response.status_code == 400, response.status_code
    assert "อ่านอย่างเดียว" in response.content.decode()
    assert Record.objects.get(pk=rec.pk).title == ""  # the submitted round's record stays as submitted


@pytest.fixture
def followup_of_r6(world) -> Record:
    """A record of the 6-month round, made before the server starts (so that its database holds it)."""
    return record(world.a, ITEM, "followups", "2024-02-01")


#: How long the submission stays open while the save is posted: the save must still be waiting.
HOLD = 1.0  # seconds


@pytest.mark.django_db(transaction=True)
def test_a_save_waits_for_a_submission_in_progress_and_is_then_refused(followup_of_r6, live, world):
    """A real race on a real server and database (tests/live.py; on SQLite a file with Pramern's
    settings, on PostgreSQL the test database): the director's submission runs in another process
    and holds its transaction open while alice's save is posted. The save waits for it (SQLite:
    the IMMEDIATE transaction's busy timeout; PostgreSQL: the assessment's row lock), then reads
    the locks as they are after the commit and is refused."""
    edit = f"/a/{world.a.pk}/records/{followup_of_r6.pk}/edit/"
    fields, csrf = live.form(edit, "", "alice")  # opened before the submission
    fields.update({"followups-date": "01/02/2567", "followups-title": "ระหว่างส่ง"})
    submission = (
        "from django.contrib.auth import get_user_model\n"
        "from pramern.assessments.models import Assessment\n"
        "from pramern.review.services import transition\n"
        f"assessment = Assessment.objects.get(pk={world.a.pk})\n"
        f"transition(assessment, 'R6', 'submit', user=get_user_model().objects.get(pk={world.dan.pk}), notify=False)\n"
    )
    with ThreadPoolExecutor(max_workers=1) as pool:
        with live.transaction_held_open(submission):
            save = pool.submit(live.request, "POST", edit, fields, csrf, "alice")
            done, _pending = wait([save], timeout=HOLD)
            assert not done, f"the save did not wait for the submission: {save.result()[:2]}\n{live.errors()}"
        answer = save.result(timeout=TIMEOUT)
    assert answer.status == 400, f"{answer.status}\n{live.errors()}"
    assert "อ่านอย่างเดียว" in answer.page
    live.pull_back()
    assert UnitRound.objects.get(assessment=world.a, round_code="R6").state == UnitRound.State.SUBMITTED
    assert Record.objects.get(pk=followup_of_r6.pk).title == ""  # the submitted round's record stays as submitted


def test_an_orphan_is_deleted_whatever_the_locks_and_logged_before_it_goes(world, django_capture_on_commit_callbacks):
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    # One rule for evidence supporting no record: no round's lock applies (adding it was refused
    # here while deleting it was allowed).
    orphan = add_link_evidence(world.a, "https://example.org/forgotten", user=world.alice)
    snapshot = orphan.snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        delete_evidence(orphan, user=world.alice)  # no round relies on it (docs/decisions.md)
    entry = AuditEntry.objects.get(action="pramern.evidence.deleted")
    assert entry.data == {"before": snapshot, "after": None, "records": []}
    rec = record(world.a, ITEM, "followups", "2024-02-01")
    with pytest.raises(WorkspaceError):  # the same helper refuses a record of a submitted round
        attach_evidence(add_link_evidence(world.a, "https://example.org/x", user=world.alice), rec, user=world.alice)


def test_the_orphan_purge_keeps_evidence_attached_after_it_was_listed(world, monkeypatch):
    first = add_link_evidence(world.a, "https://example.org/a", user=world.alice)
    second = add_link_evidence(world.a, "https://example.org/b", user=world.alice)
    Evidence.objects.update(created_at=timezone.now() - dt.timedelta(days=40))
    rec = record(world.a, ITEM, "followups", "2024-02-01")
    real_purge = list_orphan_evidence.purge_evidence

    def purge_after_an_attach(evidence, **kwargs):
        if not AuditEntry.objects.filter(action="pramern.evidence.attached").exists():
            attach_evidence(second, rec, user=world.alice)  # the unit attaches it meanwhile
        return real_purge(evidence, **kwargs)

    monkeypatch.setattr(list_orphan_evidence, "purge_evidence", purge_after_an_attach)
    out = io.StringIO()
    call_command("list_orphan_evidence", "--purge", "--older-than", "30", stdout=out)
    assert set(Evidence.objects.values_list("pk", flat=True)) == {second.pk}
    assert list(second.records.all()) == [rec]
    assert AuditEntry.objects.filter(action="pramern.evidence.purged").count() == 1
    assert "1 orphan evidence removed" in out.getvalue() and "kept" in out.getvalue()
    assert not Evidence.objects.filter(pk=first.pk).exists()


def _new_form(client, world) -> dict[str, str]:
    page = client.get(f"/a/{world.a.pk}/items/{ITEM}/").content.decode()
    key = re.search(r'name="followups-form_key" value="([0-9a-f-]+)"', page)
    assert key, "the new-record form carries its one-time key"
    return {"followups-form_key": key.group(1), "followups-date": "15/03/2567", "followups-title": "ครั้งแรก"}


def test_the_same_new_record_form_posted_again_unchanged_is_saved_once_silently(client, world):
    client.force_login(world.alice)
    fields = _new_form(client, world)
    create = f"/a/{world.a.pk}/items/{ITEM}/records/followups/new/"
    assert client.post(create, fields).status_code == 302
    assert client.post(create, fields).status_code == 302  # a double click
    assert Record.objects.filter(assessment=world.a, item_code=ITEM).count() == 1


def test_the_same_new_record_form_posted_again_with_other_values_says_so_and_keeps_them(client, world):
    client.force_login(world.alice)
    fields = _new_form(client, world)
    create = f"/a/{world.a.pk}/items/{ITEM}/records/followups/new/"
    assert client.post(create, fields).status_code == 302
    made = Record.objects.get(assessment=world.a, item_code=ITEM)
    # Back in the browser, the person changes the title and posts the same form again.
    response = client.post(create, {**fields, "followups-title": "แก้หลังย้อนกลับ"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "แบบฟอร์มนี้บันทึกไปแล้ว" in page and "15 มี.ค. 2567" in page
    assert f'href="/a/{world.a.pk}/records/{made.pk}/edit/"' in page
    assert 'value="แก้หลังย้อนกลับ"' in page  # what was typed stays in the form
    assert Record.objects.get(pk=made.pk).title == "ครั้งแรก"
    assert Record.objects.filter(assessment=world.a, item_code=ITEM).count() == 1
