"""Erasure of a departed person: the account pseudonymised, personal extras deleted, and in the
audit log exactly the person's name and e-mail replaced; every entry stays, in its order."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from pramern.accounts.models import SignedInSession
from pramern.accounts.sessions import end_all_sessions
from pramern.audit.models import AppendOnlyError, AuditEntry
from pramern.audit.services import log_action
from pramern.notifications.models import EmailChoice, Notification
from pramern.organizations.models import Role
from pramern.review.services import add_comment
from tests.factories import PASSWORD, person, record

pytestmark = pytest.mark.identity

FIELDS = ["pk", "created", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr", "data",
          "assessment_id", "item_code"]  # fmt: skip


def log_rows():
    return [tuple(getattr(e, f) for f in FIELDS) for e in AuditEntry.objects.order_by("pk")]


@pytest.fixture
def departed(world):
    """Alice (with an e-mail) works, is named in others' entries, then leaves."""
    alice = world.alice
    alice.email = "alice.j@oae.go.th"
    alice.save()
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    add_comment(world.a, "1.2.2", "ส่งรายงานแล้วค่ะ", user=alice)
    # Someone else's entry that copies her name and e-mail into its text and JSON.
    log_action(
        "pramern.test.assigned",
        rec,
        actor=world.dan,
        data={"assignee": "อลิส ใจดี (alice)", "notify": ["alice.j@oae.go.th"], "by": "dan", "n": 3},
    )
    log_action("pramern.test.other", rec, actor=world.bob, data={"note": "งานของ bob", "who": "alice"})
    Notification.objects.create(recipient=alice, kind="comment", subject_th="ความเห็นใหม่", subject_en="New")
    EmailChoice.objects.create(user=alice, kind="comment", email=False)
    AccessAttempt.objects.create(username="alice", ip_address="10.0.0.1", user_agent="x", failures_since_start=2)
    AccessAttempt.objects.create(username="bob", ip_address="10.0.0.2", user_agent="x", failures_since_start=1)
    return alice


def erase(client, world, person):
    client.force_login(world.adam)
    return client.post(f"/privacy/erase/{person.pk}/")


def test_the_confirmation_page_says_what_will_happen(client, world, departed):
    client.force_login(world.adam)
    page = client.get(f"/privacy/erase/{departed.pk}/").content.decode()
    assert "อลิส ใจดี (alice)" in page
    assert f"ผู้ใช้ที่ลบแล้ว #{departed.pk}" in page
    assert "ย้อนกลับไม่ได้" in page
    assert AuditEntry.objects.filter(action="pramern.privacy.person_erased").count() == 0  # nothing done yet


def test_erasure_pseudonymises_the_account_and_deletes_the_extras(client, world, departed):
    response = erase(client, world, departed)
    assert response.status_code == 302
    person = get_user_model().objects.get(pk=departed.pk)
    pseudonym = f"ผู้ใช้ที่ลบแล้ว #{person.pk}"
    assert (person.username, person.first_name, person.last_name, person.email) == (
        f"erased-{person.pk}",
        pseudonym,
        "",
        "",
    )
    assert not person.is_active and not person.has_usable_password()
    assert not Role.objects.filter(user=person).exists()
    assert not Notification.objects.filter(recipient=person).exists()
    assert not EmailChoice.objects.filter(user=person).exists()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["bob"]
    client.logout()
    form = urlencode({"username": "alice", "password": PASSWORD})
    refused = client.post("/login/", form, content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session


def test_erasure_pseudonymises_exactly_her_name_and_email_in_the_log(client, world, departed):
    before = log_rows()
    erase(client, world, departed)
    after = log_rows()
    pseudonym = f"ผู้ใช้ที่ลบแล้ว #{departed.pk}"
    shown = f"{pseudonym} (erased-{departed.pk})"
    # Every entry is still there, in its order; one more (the erasure) at the end.
    assert [row[0] for row in after[:-1]] == [row[0] for row in before]
    erased_entry = AuditEntry.objects.get(pk=after[-1][0])
    assert erased_entry.action == "pramern.privacy.person_erased" and erased_entry.actor == world.adam
    assert erased_entry.object_repr == f"erased-{departed.pk}"
    assert "อลิส" not in str(erased_entry.data) and "alice" not in str(erased_entry.data)
    for old, new in zip(before, after, strict=False):
        changed = {f for f, a, b in zip(FIELDS, old, new, strict=True) if a != b}
        if old[2] == departed.pk:  # her own entries: only the name
            assert changed <= {"actor_name"}
            assert new[3] == shown
        elif old[4] == "pramern.test.assigned":
            assert changed == {"data"}
            assert new[8] == {"assignee": shown, "notify": [pseudonym], "by": "dan", "n": 3}
        elif old[4] == "pramern.test.other":
            assert changed == {"data"}
            assert new[8] == {"note": "งานของ bob", "who": f"erased-{departed.pk}"}
        else:
            assert not changed, old
    assert not any("alice.j@oae.go.th" in str(row) or "อลิส" in str(row) for row in after)
    assert AuditEntry.objects.filter(actor=departed).count() == sum(1 for row in before if row[2] == departed.pk)


def test_the_log_stays_append_only_for_everyone_else(world, departed):
    entry = AuditEntry.objects.filter(actor=departed).first()
    entry.actor_name = "someone"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(actor=departed).update(actor_name="x")


def test_her_sessions_end_and_her_devices_go(client, world, departed):
    client.force_login(departed)
    assert SignedInSession.objects.filter(user=departed).count() == 1
    other = client.__class__()
    erase(other, world, departed)
    assert not Session.objects.filter(session_key=client.session.session_key).exists()
    assert client.get("/privacy/my-data/").status_code == 302  # logged out
    assert not SignedInSession.objects.filter(user=departed).exists()
    # Her devices went with the erasure: no "sessions ended" entry copies their addresses into the log.
    assert not AuditEntry.objects.filter(action__startswith="pramern.session.ended").exists()


def test_her_sessions_leave_redis_too(client, world, departed, settings, redis_cache):
    """With the sessions in Redis as well (PRAMERN_CACHE_URL), erasure takes each out of both,
    the ones listed on no devices page included."""
    from django.core.cache import caches

    from pramern.accounts.sessionstore import SessionStore

    settings.SESSION_ENGINE = "pramern.accounts.sessionstore"
    older = SessionStore()  # a session from before the devices were listed: no SignedInSession row
    older["_auth_user_id"] = str(departed.pk)
    older.create()
    cache = caches["default"]
    assert cache.get(older.cache_key) is not None
    erase(client.__class__(), world, departed)
    assert cache.get(older.cache_key) is None
    assert not Session.objects.filter(session_key=older.session_key).exists()


def test_erasure_is_refused_to_non_administrators(client, world, departed):
    before = log_rows()
    for who in (world.alice, world.dan, world.bob, world.eve, world.xena):
        client.force_login(who)
        assert client.get(f"/privacy/erase/{departed.pk}/").status_code == 403, who
        assert client.post(f"/privacy/erase/{departed.pk}/").status_code == 403, who
    client.logout()
    assert client.post(f"/privacy/erase/{departed.pk}/").status_code == 302  # to the login page
    assert log_rows() == before
    assert get_user_model().objects.get(pk=departed.pk).username == "alice"


def test_an_administrator_cannot_erase_themselves_or_twice(client, world, departed):
    client.force_login(world.adam)
    response = client.post(f"/privacy/erase/{world.adam.pk}/")
    assert response.status_code == 400 and "ผู้ดูแลระบบคนอื่น" in response.content.decode()
    assert erase(client, world, departed).status_code == 302
    again = client.post(f"/privacy/erase/{departed.pk}/")
    assert again.status_code == 400 and "ลบไปแล้ว" in again.content.decode()
    page = client.get(f"/privacy/erase/{departed.pk}/")
    assert page.status_code == 200 and f"ผู้ใช้ที่ลบแล้ว #{departed.pk}" in page.content.decode()
    assert 'type="submit" class="danger"' not in page.content.decode()
    assert AuditEntry.objects.filter(action="pramern.privacy.person_erased").count() == 1


def test_the_admin_action_leads_to_the_confirmation_page(client, world, departed):
    world.adam.is_staff = world.adam.is_superuser = True
    world.adam.save()
    client.force_login(world.adam)
    response = client.post("/admin/auth/user/", {"action": "erase_personal_data", "_selected_action": [departed.pk]})
    assert response.status_code == 302 and response["Location"] == f"/privacy/erase/{departed.pk}/"


@pytest.fixture
def namesake(world, departed):
    """Alicia: her name begins with alice's ("อลิส ใจดี" + "งาม") and alice's e-mail ends hers."""
    alicia = person("alicia", "officer", world.unit_a, first_name="อลิส", last_name="ใจดีงาม", email="malice.j@oae.go.th")
    rec = record(world.a, "1.2.3", "followups", "2024-03-16")
    add_comment(world.a, "1.2.3", "ของ alicia", user=alicia)
    log_action("pramern.test.mine", alicia, actor=alicia, data={"email": "malice.j@oae.go.th", "name": "อลิส ใจดีงาม"})
    log_action(
        "pramern.test.told",
        rec,
        actor=world.dan,
        data={"to": "อลิส ใจดีงาม (alicia)", "cc": "malice.j@oae.go.th, x@y.th", "note": "ส่ง อลิส ใจดีงาม แล้ว"},
    )
    SignedInSession.objects.create(user=alicia, session_key="s-alicia", user_agent="Firefox/1", address="10.9.9.9")
    end_all_sessions(alicia, actor=world.adam, reason="administrator")
    return alicia


def test_erasure_leaves_a_namesakes_entries_byte_identical(client, world, departed, namesake):
    """Regression (review S3): a plain substring replace turned alicia's "อลิส ใจดีงาม (alicia)"
    into "ผู้ใช้ที่ลบแล้ว #1งาม (alicia)" and her malice.j@ into "mผู้ใช้ที่ลบแล้ว..."."""
    # Her own entry naming alice's address inside a sentence is still found (bounded).
    log_action("pramern.test.cc", departed, actor=world.dan, data={"cc": "alice.j@oae.go.th, malice.j@oae.go.th."})
    mentions_namesake = AuditEntry.objects.filter(actor=namesake) | AuditEntry.objects.filter(
        action__in=["pramern.test.told", "pramern.session.ended_all"]
    )
    theirs = sorted(mentions_namesake.values_list("pk", flat=True))
    before = {row[0]: row for row in log_rows() if row[0] in theirs}
    assert len(before) >= 4
    erase(client, world, departed)
    after = {row[0]: row for row in log_rows() if row[0] in theirs}
    assert after == before
    pseudonym = f"ผู้ใช้ที่ลบแล้ว #{departed.pk}"
    cc = AuditEntry.objects.get(action="pramern.test.cc")
    assert cc.data == {"cc": f"{pseudonym}, malice.j@oae.go.th."}


def test_erasure_empties_addresses_and_browsers_in_entries_about_her(client, world, departed, namesake):
    """Regression (review S3b): session entries copy the device's address and browser."""
    SignedInSession.objects.create(user=departed, session_key="s-alice", user_agent="Chrome/9", address="10.1.1.1")
    end_all_sessions(departed, actor=world.adam, reason="administrator")
    erase(client, world, departed)
    hers = AuditEntry.objects.get(action="pramern.session.ended_all", object_id=str(departed.pk))
    assert hers.data["sessions"][0]["address"] == "" and hers.data["sessions"][0]["user_agent"] == ""
    assert hers.data["count"] == 1 and hers.data["sessions"][0]["signed_in"]
    others = AuditEntry.objects.get(action="pramern.session.ended_all", object_id=str(namesake.pk))
    assert others.data["sessions"][0]["address"] == "10.9.9.9"
    assert "10.1.1.1" not in str(log_rows()) and "Chrome/9" not in str(log_rows())
