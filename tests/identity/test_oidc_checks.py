"""The checks an OpenID Connect login rests on, each against the real test provider: the ID
token's signature (its JWKS), the nonce, the client's secret; a password never reaches the
OpenID Connect backend; a production start refuses citizen-ID matching without a hash key."""

from __future__ import annotations

import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import authenticate
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory

from pramern.accounts.oidc import OIDCBackend
from tests.identity.oidc_provider import ProviderUser
from tests.identity.test_oidc_login import local, messages_on_login_page, start
from tests.test_settings import settings_at_start

pytestmark = [pytest.mark.identity, pytest.mark.django_db]


def forged_token(issuer: str, kid: str, **claims: object) -> str:
    """An ID token with the provider's key id, signed by another key."""
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    payload = {"iss": issuer, "aud": "pramern", "sub": "thaid-7f3a9c21", "iat": now, "exp": now + 300, **claims}
    return jwt.encode(payload, other_key, algorithm="RS256", headers={"kid": kid})


@pytest.mark.slow
def test_an_id_token_signed_by_another_key_is_refused(oidc_settings):
    kid = requests.get(f"{oidc_settings.issuer}/jwks", timeout=5).json()["keys"][0]["kid"]
    backend = OIDCBackend()
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(forged_token(oidc_settings.issuer, kid, nonce="n"), nonce="n")


@pytest.mark.slow
def test_a_nonce_that_differs_from_the_one_sent_is_refused(client, oidc_settings, settings, django_user_model):
    from pramern.accounts import citizen_id
    from pramern.accounts.models import CitizenID

    user = django_user_model.objects.create_user("somchai")
    CitizenID.objects.create(user=user, pid_hash=citizen_id.pid_hash("1101700230708"))
    callback = ProviderUser().log_in(start(client), "somchai")
    session = client.session
    for entry in session["oidc_states"].values():
        entry["nonce"] = "another-nonce"
    session.save()
    page = messages_on_login_page(client, client.get(local(callback)))
    assert "ตรวจสอบคำตอบจาก ThaiD ไม่ผ่าน" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.slow
def test_a_wrong_client_secret_is_the_administrators_to_mend(client, oidc_settings, settings):
    settings.PRAMERN_OIDC_CLIENT_SECRET = "not-the-secret"
    callback = ProviderUser().log_in(start(client), "somchai")
    page = messages_on_login_page(client, client.get(local(callback)))
    assert "การเข้าสู่ระบบด้วยวิธีนี้ยังตั้งค่าไม่ครบ โปรดแจ้งผู้ดูแลระบบ" in page


def test_a_password_never_reaches_the_openid_connect_backend(settings, django_user_model):
    settings.PRAMERN_OIDC_ISSUER = "http://127.0.0.1:9"  # set, but never contacted for a password
    user = django_user_model.objects.create_user("alice", password="a-long-password-1")
    request = RequestFactory().post("/login/?code=x&state=y")
    assert OIDCBackend().authenticate(request, username="alice", password="a-long-password-1") is None
    assert authenticate(request, username="alice", password="a-long-password-1") == user


def test_a_session_of_an_inactive_person_ends(settings, django_user_model):
    user = django_user_model.objects.create_user("somchai")
    client = Client()
    client.force_login(user, backend="pramern.accounts.oidc.OIDCBackend")
    assert client.get("/help/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/help/").status_code == 302  # to the login page


def test_production_refuses_to_match_citizen_ids_without_a_hash_key(monkeypatch):
    oidc = {"PRAMERN_ENV": "production", "PRAMERN_SECRET_KEY": "k" * 50, "PRAMERN_OIDC_ISSUER": "https://idp.example"}
    oidc["PRAMERN_OIDC_CLIENT_ID"] = "pramern"
    with pytest.raises(RuntimeError, match="PRAMERN_PID_HASH_KEY"):
        settings_at_start(monkeypatch, oidc)
    assert settings_at_start(monkeypatch, {**oidc, "PRAMERN_OIDC_PID_CLAIM": ""}).PRAMERN_OIDC_PID_CLAIM == ""
    keyed = settings_at_start(monkeypatch, {**oidc, "PRAMERN_PID_HASH_KEY": "x" * 40})
    assert keyed.PRAMERN_PID_HASH_KEY == "x" * 40


def test_secrets_may_come_from_files(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text("from-a-file\n")
    started = settings_at_start(monkeypatch, {"PRAMERN_OIDC_CLIENT_SECRET_FILE": str(tmp_path / "secret")})
    assert started.PRAMERN_OIDC_CLIENT_SECRET == "from-a-file"


def test_an_unknown_policy_name_is_refused_at_start(monkeypatch):
    with pytest.raises(RuntimeError, match="refuse or pending"):
        settings_at_start(monkeypatch, {"PRAMERN_OIDC_UNKNOWN_PEOPLE": "create"})
