"""My data: a signed-in person downloads what Pramern keeps about them, and nobody else's."""

from __future__ import annotations

import json

import pytest

from pramern.accounts.models import SignedInSession
from pramern.accounts.sessions import end_all_sessions
from pramern.audit.models import AuditEntry
from pramern.audit.services import log_action
from pramern.notifications.models import EmailChoice, Notification
from pramern.review.services import add_comment
from tests.factories import record

pytestmark = pytest.mark.identity


def download(client):
    response = client.post("/privacy/my-data/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="pramern-my-data-')
    return response, json.loads(response.content.decode("utf-8"))


@pytest.fixture
def activity(world):
    """Alice and Bob each write a record and a comment and receive a notification."""
    mine = record(world.a, "1.2.2", "followups", "2024-03-15")
    mine.created_by, mine.title = world.alice, "ติดตามงานไตรมาสแรก"
    mine.save()
    theirs = record(world.b, "1.2.2", "followups", "2024-03-15")
    theirs.created_by, theirs.title = world.bob, "งานของบ็อบ"
    theirs.save()
    add_comment(world.a, "1.2.2", "ขอแนบรายงานการประชุมเพิ่ม", user=world.alice)
    add_comment(world.b, "1.2.2", "ความเห็นของบ็อบ", user=world.bob)
    for who in (world.alice, world.bob):
        Notification.objects.create(recipient=who, kind="comment", subject_th=f"ถึง {who.username}", subject_en="x")
    EmailChoice.objects.create(user=world.alice, kind="comment", email=True)
    return mine, theirs


def test_my_data_holds_my_own_data_with_thai_intact(client, world, activity):
    client.force_login(world.alice)
    response, data = download(client)
    assert data["format"] == "pramern-my-data/1"
    assert data["account"]["username"] == "alice"
    assert (data["account"]["first_name"], data["account"]["last_name"]) == ("อลิส", "ใจดี")
    assert data["roles"] == [{"role": "officer", "role_name": "เจ้าหน้าที่หน่วยงาน", "unit": "oae-bapp"}]
    assert [r["title"] for r in data["records"]] == ["ติดตามงานไตรมาสแรก"]
    assert [c["comment"] for c in data["comments"]] == ["ขอแนบรายงานการประชุมเพิ่ม"]
    assert [n["subject"] for n in data["notifications"]] == ["ถึง alice"]
    assert data["settings"] == {"email_choices": {"comment": True}}
    assert len(data["signed_in_sessions"]) == 1  # this client's log-in
    actions = {e["action"] for e in data["audit_log"]}
    assert "pramern.comment.added" in actions
    assert all(e["object_id"] for e in data["audit_log"])
    # Thai is written as Thai, not as \u escapes: a person can read the file.
    assert "ติดตามงานไตรมาสแรก".encode() in response.content


def test_my_data_holds_nobody_elses(client, world, activity):
    client.force_login(world.alice)
    _, data = download(client)
    text = json.dumps(data, ensure_ascii=False)
    for other in ("งานของบ็อบ", "ความเห็นของบ็อบ", "ถึง bob"):
        assert other not in text
    bob_entries = AuditEntry.objects.filter(actor=world.bob).count()
    assert bob_entries > 0
    assert len(data["audit_log"]) == AuditEntry.objects.filter(actor=world.alice).count() - 1  # not this download's


def test_the_download_is_audited(client, world, activity):
    client.force_login(world.alice)
    download(client)
    entry = AuditEntry.objects.filter(action="pramern.privacy.my_data_downloaded").get()
    assert entry.actor == world.alice
    assert entry.data["sections"]["records"] == 1 and entry.data["sections"]["comments"] == 1


def test_my_data_needs_a_login_and_a_post(client, world):
    assert client.post("/privacy/my-data/download/").status_code == 302
    client.force_login(world.alice)
    assert client.get("/privacy/my-data/download/").status_code == 405
    page = client.get("/privacy/my-data/").content.decode()
    assert "ดาวน์โหลดข้อมูลของฉัน" in page


def test_an_administrators_data_withholds_the_people_they_acted_on(client, world, activity):
    """Regression (review C1): the export carried every entry the administrator acted in,
    with other people's names and their devices' addresses and browsers."""
    SignedInSession.objects.create(user=world.alice, session_key="s-alice", user_agent="Chrome/9", address="10.1.1.1")
    end_all_sessions(world.alice, actor=world.adam, reason="administrator")
    log_action("pramern.test.own", world.adam, actor=world.adam, data={"note": "ของฉันเอง"})
    client.force_login(world.adam)
    _, data = download(client)
    text = json.dumps(data, ensure_ascii=False)
    for other in ("อลิส", "alice", "10.1.1.1", "Chrome/9"):
        assert other not in text
    ended = [e for e in data["audit_log"] if e["action"] == "pramern.session.ended_all"]
    assert len(ended) == 1 and ended[0]["object_type"] == "auth.user" and ended[0]["when"]
    assert ended[0]["withheld"] is True and ended[0]["details"] == {} and ended[0]["object"] == ""
    own = [e for e in data["audit_log"] if e["action"] == "pramern.test.own"]
    assert own[0]["details"] == {"note": "ของฉันเอง"} and own[0]["object"] == "adam"
