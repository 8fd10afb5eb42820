"""Citizen IDs: checked by their check digit, registered by an administrator as a keyed hash
only, never shown back, audited; nobody else may register one."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from pramern.accounts import citizen_id
from pramern.accounts.models import CitizenID
from pramern.audit.models import AuditEntry
from tests.identity.oidc_provider import PID_HASH_KEY

pytestmark = [pytest.mark.identity, pytest.mark.django_db]

PID = "1101700230708"


@pytest.fixture(autouse=True)
def hash_key(settings):
    settings.PRAMERN_PID_HASH_KEY = PID_HASH_KEY


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@oae.go.th", "a-long-password-1")
    client.force_login(root)
    return client


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("1101700230708", True),
        ("1-1017-00230-70-8", True),
        ("๑๑๐๑๗๐๐๒๓๐๗๐๘", True),
        ("1101700230705", False),
        ("110170023070", False),
        ("11017002307080", False),
        ("110170023070x", False),
    ],
)
def test_the_check_digit_is_checked(text, valid):
    assert citizen_id.is_valid(citizen_id.normalised(text)) is valid


def test_the_hash_is_keyed(settings):
    first = citizen_id.pid_hash(PID)
    assert len(first) == 64 and PID not in first
    settings.PRAMERN_PID_HASH_KEY = "another key, another installation"
    assert citizen_id.pid_hash(PID) != first
    settings.PRAMERN_PID_HASH_KEY = ""
    with pytest.raises(RuntimeError):
        citizen_id.pid_hash(PID)


def test_an_administrator_registers_a_citizen_id_and_never_sees_it_again(admin_client):
    person = get_user_model().objects.create_user("somchai")
    response = admin_client.post(
        "/admin/accounts/citizenid/add/", {"user": person.pk, "citizen_id": "1-1017-00230-70-8"}
    )
    assert response.status_code == 302
    registered = CitizenID.objects.get(user=person)
    assert registered.pid_hash == citizen_id.pid_hash(PID)
    entry = AuditEntry.objects.get(action="pramern.citizen_id.registered")
    assert entry.object_id == str(person.pk) and PID not in repr(entry.data)
    change = admin_client.get(f"/admin/accounts/citizenid/{registered.pk}/change/").content.decode()
    assert PID not in change and registered.pid_hash not in change
    assert PID not in admin_client.get("/admin/accounts/citizenid/").content.decode()
    # Saved again without typing an ID: the hash stays as it was.
    admin_client.post(f"/admin/accounts/citizenid/{registered.pk}/change/", {"user": person.pk, "citizen_id": ""})
    registered.refresh_from_db()
    assert registered.pid_hash == citizen_id.pid_hash(PID)


def test_a_wrong_check_digit_or_a_second_registration_is_refused_with_a_message(admin_client):
    first, second = (get_user_model().objects.create_user(name) for name in ("somchai", "malee"))
    wrong = admin_client.post("/admin/accounts/citizenid/add/", {"user": first.pk, "citizen_id": "1101700230705"})
    assert "หลักสุดท้ายต้องตรงกับหลักตรวจสอบ" in wrong.content.decode()
    assert 'value="1101700230705"' in wrong.content.decode()  # what was typed stays, to be mended
    admin_client.post("/admin/accounts/citizenid/add/", {"user": first.pk, "citizen_id": PID})
    again = admin_client.post("/admin/accounts/citizenid/add/", {"user": second.pk, "citizen_id": PID})
    assert "ลงทะเบียนไว้กับบุคคลอื่นแล้ว" in again.content.decode()
    assert CitizenID.objects.count() == 1


def test_without_a_hash_key_no_citizen_id_is_registered(admin_client, settings):
    settings.PRAMERN_PID_HASH_KEY = ""
    person = get_user_model().objects.create_user("somchai")
    response = admin_client.post("/admin/accounts/citizenid/add/", {"user": person.pk, "citizen_id": PID})
    assert "PRAMERN_PID_HASH_KEY" in response.content.decode()
    assert not CitizenID.objects.exists()


def test_people_without_the_admin_cannot_register_citizen_ids(client, world):
    assert client.get("/admin/accounts/citizenid/add/").status_code == 302  # anonymous: to the admin login
    client.force_login(world.alice)
    response = client.post("/admin/accounts/citizenid/add/", {"user": world.alice.pk, "citizen_id": PID})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not CitizenID.objects.exists()


def test_erasure_deletes_her_links_and_citizen_id_and_my_data_shows_links_only(client, world):
    from pramern.accounts.models import OIDCLink

    hashed = citizen_id.pid_hash(PID)
    CitizenID.objects.create(user=world.alice, pid_hash=hashed)
    OIDCLink.objects.create(user=world.alice, issuer="https://idp.example", subject="thaid-7f3a9c21")
    client.force_login(world.alice)
    mine = client.post("/privacy/my-data/download/")
    assert mine.status_code == 200
    text = b"".join(mine.streaming_content if mine.streaming else [mine.content]).decode()
    assert "thaid-7f3a9c21" in text and hashed not in text and PID not in text
    client.force_login(world.adam)
    assert client.post(f"/privacy/erase/{world.alice.pk}/").status_code == 302
    assert not OIDCLink.objects.filter(user=world.alice).exists()
    assert not CitizenID.objects.filter(user=world.alice).exists()
