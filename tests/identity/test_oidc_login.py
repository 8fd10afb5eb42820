"""OpenID Connect login against a real provider (panva's oidc-provider on 127.0.0.1): the round
trip, PKCE, logout at the provider, a tampered state, an expired or reused code, unknown people
under both policies, and ThaiD's citizen ID matched by its keyed hash and never kept in clear."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client

from pramern.accounts import citizen_id
from pramern.accounts.models import CitizenID, OIDCLink
from pramern.audit.models import AuditEntry
from tests.identity.oidc_provider import ACCOUNTS, ProviderUser

pytestmark = [pytest.mark.identity, pytest.mark.slow, pytest.mark.django_db]

SOMCHAI_PID = ACCOUNTS["somchai"]["pid"]


def local(url: str) -> str:
    """The path and query of a URL on Pramern, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def start(client: Client, next_url: str = "") -> str:
    response = client.get("/oidc/login/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return str(response["Location"])


def round_trip(client: Client, login: str, next_url: str = "") -> object:
    """The whole login: Pramern -> provider (login, consent) -> Pramern's callback."""
    callback = ProviderUser().log_in(start(client, next_url), login)
    return client.get(local(callback))


def messages_on_login_page(client: Client, response: object) -> str:
    assert response.status_code == 302 and response["Location"] == "/login/"  # type: ignore[attr-defined]
    page = client.get("/login/")
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def somchai(db):
    """An officer registered by an administrator with his citizen ID (its hash only)."""
    user = get_user_model().objects.create_user("somchai", first_name="สมชาย", last_name="เดิม")
    CitizenID.objects.create(user=user, pid_hash=citizen_id.pid_hash(SOMCHAI_PID))
    return user


def test_the_login_page_offers_the_provider_by_its_name(client, oidc_settings):
    page = client.get("/login/?next=/review/").content.decode()
    assert "เข้าสู่ระบบด้วย ThaiD" in page
    assert 'href="/oidc/login/?next=/review/"' in page


def test_without_an_issuer_there_is_no_button_and_no_login(client, settings):
    settings.PRAMERN_OIDC_ISSUER = ""
    assert "/oidc/login/" not in client.get("/login/").content.decode()
    assert client.get("/oidc/login/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_the_authorization_request_carries_pkce_state_and_nonce(client, oidc_settings):
    location = start(client)
    assert location.startswith(oidc_settings.issuer + "/auth?")
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == ["pramern"] and query["response_type"] == ["code"]
    assert query["scope"] == ["openid profile email pid"]
    stored = client.session["oidc_states"][query["state"][0]]
    assert stored["nonce"] == query["nonce"][0]
    verifier = stored["code_verifier"]
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert query["code_challenge"] == [expected] and len(verifier) >= 43


def test_a_registered_person_logs_in_and_is_linked_by_the_hash_of_their_citizen_id(client, oidc_settings, somchai):
    response = round_trip(client, "somchai", next_url="/help/")
    assert response.status_code == 302 and response["Location"] == "/help/"
    assert int(client.session["_auth_user_id"]) == somchai.pk
    assert client.session["_auth_user_backend"] == "pramern.accounts.oidc.OIDCBackend"
    link = OIDCLink.objects.get(user=somchai)
    assert (link.issuer, link.subject) == (oidc_settings.issuer, ACCOUNTS["somchai"]["sub"])
    assert link.last_login_at is not None
    somchai.refresh_from_db()
    assert (somchai.last_name, somchai.email) == ("รักษ์ดี", "somchai@oae.go.th")  # from the claims
    actions = list(AuditEntry.objects.filter(object_id=str(somchai.pk)).values_list("action", flat=True))
    assert {"pramern.oidc.linked", "pramern.oidc.login", "pramern.oidc.profile_updated"} <= set(actions)
    linked = AuditEntry.objects.get(action="pramern.oidc.linked")
    assert linked.data == {"issuer": oidc_settings.issuer, "matched_by": "citizen_id"}
    assert client.get("/help/").status_code == 200  # the session works

    # A second login finds him by the link, without his citizen ID being registered any more.
    CitizenID.objects.all().delete()
    again = Client()
    assert round_trip(again, "somchai").status_code == 302
    assert int(again.session["_auth_user_id"]) == somchai.pk
    assert OIDCLink.objects.count() == 1


def test_no_citizen_id_is_kept_in_clear_anywhere_in_the_database(client, oidc_settings, somchai):
    kanya = get_user_model().objects.create_user("kanya")
    CitizenID.objects.create(user=kanya, pid_hash=citizen_id.pid_hash(ACCOUNTS["kanya"]["pid"]))
    round_trip(client, "somchai")
    assert int(client.session["_auth_user_id"]) == somchai.pk
    kanya_client = Client()
    round_trip(kanya_client, "kanya")  # her provider's subject is her citizen ID
    assert int(kanya_client.session["_auth_user_id"]) == kanya.pk
    assert OIDCLink.objects.get(user=kanya).subject.startswith("pid-hmac:")
    pids = [account["pid"] for account in ACCOUNTS.values()]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            text = repr(cursor.fetchall())
            assert not [pid for pid in pids if pid in text], table
    for session in Session.objects.all():  # stored encoded: read as Django reads it
        assert not [pid for pid in pids if pid in repr(session.get_decoded())]


def test_an_unknown_person_is_refused_with_a_clear_message(client, oidc_settings):
    response = round_trip(client, "malee")
    page = messages_on_login_page(client, response)
    assert "ThaiD ยืนยันตัวตนของท่านแล้ว แต่ท่านยังไม่มีบัญชีในระบบประเมิน" in page
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email="malee@example.com").exists()
    assert not OIDCLink.objects.exists()


def test_an_unknown_person_waits_for_an_administrator_under_the_pending_policy(client, oidc_settings, settings):
    settings.PRAMERN_OIDC_UNKNOWN_PEOPLE = "pending"
    response = round_trip(client, "malee")
    assert response.status_code == 302 and response["Location"] == "/oidc/pending/"
    page = client.get("/oidc/pending/").content.decode()
    assert "ผู้ดูแลระบบต้องอนุมัติ" in page
    assert "_auth_user_id" not in client.session
    malee = get_user_model().objects.get(email="malee@example.com")
    assert not malee.is_active and not malee.has_usable_password()
    assert (malee.first_name, malee.last_name) == ("มาลี", "ศรีสุข")
    assert not malee.roles.exists()
    entry = AuditEntry.objects.get(action="pramern.oidc.pending")
    assert entry.object_id == str(malee.pk) and entry.data == {"issuer": oidc_settings.issuer}

    # Logging in again before approval: the same page, no second account.
    assert round_trip(Client(), "malee")["Location"] == "/oidc/pending/"
    assert get_user_model().objects.filter(email="malee@example.com").count() == 1

    # Approved (made active by an administrator): the next login goes in.
    malee.is_active = True
    malee.save()
    approved = Client()
    assert round_trip(approved, "malee")["Location"] == "/"
    assert int(approved.session["_auth_user_id"]) == malee.pk


def test_a_deactivated_person_is_told_their_account_is_disabled(client, oidc_settings, somchai):
    round_trip(Client(), "somchai")
    somchai.is_active = False
    somchai.save()
    page = messages_on_login_page(client, round_trip(client, "somchai"))
    assert "บัญชีของท่านถูกปิดใช้งาน" in page
    assert "_auth_user_id" not in client.session


def test_a_tampered_state_is_refused_on_the_login_page(client, oidc_settings, somchai):
    callback = ProviderUser().log_in(start(client), "somchai")
    query = parse_qs(urlsplit(callback).query)
    tampered = f"/oidc/callback/?code={query['code'][0]}&state={query['state'][0]}x"
    page = messages_on_login_page(client, client.get(tampered))
    assert "การเข้าสู่ระบบครั้งนี้หมดอายุหรือไม่ได้เริ่มจากเบราว์เซอร์นี้" in page
    assert "_auth_user_id" not in client.session


def test_a_callback_from_another_browser_is_refused(client, oidc_settings, somchai):
    """Someone else's code and state (a login forced on this browser) match no state here."""
    callback = ProviderUser().log_in(start(Client()), "somchai")
    messages_on_login_page(client, client.get(local(callback)))
    assert "_auth_user_id" not in client.session


def test_a_code_used_twice_is_refused(client, oidc_settings, somchai):
    callback = ProviderUser().log_in(start(client), "somchai")
    assert client.get(local(callback))["Location"] == "/"
    # The same code again, under a state this browser did start (a replay of a code seen elsewhere).
    other = Client()
    fresh_state = parse_qs(urlsplit(start(other)).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    page = messages_on_login_page(other, other.get(f"/oidc/callback/?code={code}&state={fresh_state}"))
    assert "รหัสเข้าสู่ระบบจาก ThaiD หมดอายุหรือถูกใช้ไปแล้ว" in page
    assert "_auth_user_id" not in other.session


def test_an_expired_code_is_refused(client, oidc_settings, settings, somchai):
    settings.PRAMERN_OIDC_CLIENT_ID = "pramern-short"  # the provider gives this client's codes 1 s
    callback = ProviderUser().log_in(start(client), "somchai")
    time.sleep(2.1)
    page = messages_on_login_page(client, client.get(local(callback)))
    assert "รหัสเข้าสู่ระบบจาก ThaiD หมดอายุหรือถูกใช้ไปแล้ว" in page
    assert "_auth_user_id" not in client.session


def test_a_provider_that_cannot_be_reached_is_said_so(client, oidc_settings, settings):
    from tests.identity.oidc_provider import _free_port

    settings.PRAMERN_OIDC_ISSUER = f"http://127.0.0.1:{_free_port()}"  # nobody listens there
    page = messages_on_login_page(client, client.get("/oidc/login/"))
    assert "ขณะนี้ติดต่อ ThaiD ไม่ได้" in page


def test_a_refusal_by_the_provider_is_shown_on_the_login_page(client, oidc_settings):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    page = messages_on_login_page(client, client.get(f"/oidc/callback/?error=access_denied&state={state}"))
    assert "ThaiD ไม่ได้ให้ท่านเข้าสู่ระบบ" in page
    assert state not in client.session["oidc_states"]  # used up


def test_logout_ends_the_session_here_and_then_at_the_provider(client, oidc_settings, somchai):
    person = ProviderUser()
    callback = person.log_in(start(client), "somchai")
    client.get(local(callback))
    response = client.post("/logout/")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200  # a page going on to the provider (see oidc_views.LogoutView)
    end_session = unescape(re.search(r'id="oidc-logout" href="([^"]+)"', response.content.decode())[1])
    assert end_session.startswith(oidc_settings.issuer + "/session/end?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["client_id"] == ["pramern"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert urlsplit(person.log_out(end_session)).path == "/login/"
    # The provider's session has ended too: a new login asks for the login form again.
    again = person.session.get(start(client), allow_redirects=True, timeout=10)
    assert 'name="login"' in again.text


def test_a_password_login_logs_out_here_only(client, oidc_settings, somchai):
    somchai.set_password("a-long-password-1")
    somchai.save()
    client.force_login(somchai, backend="pramern.accounts.backends.LocalAccountBackend")
    response = client.post("/logout/")
    assert response["Location"] == "/login/"


def test_the_discovery_document_is_fetched_once(client, oidc_settings):
    cache.clear()
    start(client)
    # Pointing the cached issuer's endpoints elsewhere proves the second start read the cache.
    key = f"pramern.oidc.discovery:{oidc_settings.issuer}"
    cached = cache.get(key)
    cache.set(key, {**cached, "authorization_endpoint": "https://idp.example/authorize"})
    assert start(client).startswith("https://idp.example/authorize?")
    cache.clear()


def test_a_next_address_on_another_site_is_ignored(client, oidc_settings, somchai):
    response = round_trip(client, "somchai", next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"
