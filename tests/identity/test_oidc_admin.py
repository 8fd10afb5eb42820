"""OpenID Connect links and citizen IDs in the administration: a subject that is a citizen ID's
keyed hash is never shown (nor in a person's own data), and approving a waiting account, deleting
a citizen ID and deleting links (one or several) are audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from pramern.accounts import citizen_id
from pramern.accounts.models import CitizenID, OIDCLink
from pramern.audit.models import AuditEntry
from tests.identity.oidc_provider import PID_HASH_KEY

pytestmark = [pytest.mark.identity, pytest.mark.django_db]

ISSUER = "https://idp.example"
PID = "3700100456781"


@pytest.fixture(autouse=True)
def hash_key(settings):
    settings.PRAMERN_PID_HASH_KEY = PID_HASH_KEY


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@oae.go.th", "a-long-password-1")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def test_a_citizen_id_subject_is_never_shown_in_the_admin_nor_in_my_data(admin_client, client, django_user_model):
    kanya = django_user_model.objects.create_user("kanya")
    hashed = citizen_id.pid_hash(PID)
    link = OIDCLink.objects.create(user=kanya, issuer=ISSUER, subject="pid-hmac:" + hashed)
    other = OIDCLink.objects.create(user=kanya, issuer="https://login.example", subject="entra-9")
    page = admin_client.get(f"/admin/accounts/oidclink/{link.pk}/change/").content.decode()
    assert hashed not in page and "ไม่แสดง" in page
    assert "entra-9" in admin_client.get(f"/admin/accounts/oidclink/{other.pk}/change/").content.decode()

    client.force_login(kanya)
    mine = client.post("/privacy/my-data/download/")
    text = b"".join(mine.streaming_content if mine.streaming else [mine.content]).decode()
    assert hashed not in text and "pid-hmac" not in text
    assert "entra-9" in text


def _user_change_form(user):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }


def test_approving_a_waiting_account_is_audited(admin_client, root):
    malee = get_user_model().objects.create_user("malee", email="malee@example.com", is_active=False)
    OIDCLink.objects.create(user=malee, issuer=ISSUER, subject="thaid-0b5e1d44", created_pending=True)
    response = admin_client.post(f"/admin/auth/user/{malee.pk}/change/", _user_change_form(malee))
    assert response.status_code == 302, response.content.decode()[:2000]
    malee.refresh_from_db()
    assert malee.is_active
    entry = AuditEntry.objects.get(action="pramern.oidc.approved")
    assert entry.actor == root and entry.object_id == str(malee.pk)
    assert entry.data == {"issuer": ISSUER}

    # Saving the approved person again is no second approval.
    admin_client.post(f"/admin/auth/user/{malee.pk}/change/", _user_change_form(malee))
    assert AuditEntry.objects.filter(action="pramern.oidc.approved").count() == 1


def test_deleting_a_citizen_id_is_audited(admin_client, root, django_user_model):
    person = django_user_model.objects.create_user("somchai")
    registered = CitizenID.objects.create(user=person, pid_hash=citizen_id.pid_hash("1101700230708"))
    response = admin_client.post(f"/admin/accounts/citizenid/{registered.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CitizenID.objects.exists()
    entry = AuditEntry.objects.get(action="pramern.citizen_id.deleted")
    assert entry.actor == root and entry.object_id == str(person.pk)
    assert registered.pid_hash not in str(entry.data)


def test_deleting_citizen_ids_and_links_in_bulk_is_audited(admin_client, root, django_user_model):
    people = [django_user_model.objects.create_user(name) for name in ("somchai", "malee")]
    for number, (person, pid) in enumerate(zip(people, ("1101700230708", "1509900123453"), strict=True)):
        CitizenID.objects.create(user=person, pid_hash=citizen_id.pid_hash(pid))
        OIDCLink.objects.create(user=person, issuer=ISSUER, subject=f"thaid-{number}")
    links = [str(pk) for pk in OIDCLink.objects.values_list("pk", flat=True)]
    response = admin_client.post(
        "/admin/accounts/oidclink/", {"action": "delete_selected", "_selected_action": links, "post": "yes"}
    )
    assert response.status_code == 302 and not OIDCLink.objects.exists()
    unlinked = AuditEntry.objects.filter(action="pramern.oidc.unlinked")
    assert sorted(e.object_id for e in unlinked) == sorted(str(p.pk) for p in people)
    assert all(e.actor == root and e.data == {"issuer": ISSUER} for e in unlinked)

    ids = [str(pk) for pk in CitizenID.objects.values_list("pk", flat=True)]
    admin_client.post(
        "/admin/accounts/citizenid/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert not CitizenID.objects.exists()
    assert AuditEntry.objects.filter(action="pramern.citizen_id.deleted", actor=root).count() == 2


def test_the_people_admin_lists_every_action_on_people_in_one_class():
    """One definition, not an instance mutated by whichever app's admin loads later (D2)."""
    from django.contrib import admin

    from pramern.accounts.admin import PeopleAdmin, end_all_sessions_of
    from pramern.privacy.admin import erase_personal_data

    registered = admin.site.get_model_admin(get_user_model())
    assert type(registered) is PeopleAdmin
    assert PeopleAdmin.actions == [end_all_sessions_of, erase_personal_data]
    assert registered.actions == PeopleAdmin.actions  # nobody added to it afterwards
