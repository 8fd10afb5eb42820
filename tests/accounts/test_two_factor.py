"""Two-factor authentication (issue 12): enrolment with a real TOTP code, the verification step,
recovery codes, who must use it, turning it off, an administrator's reset and trusted external
logins. Every test runs with the production settings (``two_factor_enforced``)."""

from __future__ import annotations

import base64
import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pramern.accounts import twofactor
from pramern.audit.models import AuditEntry
from pramern.notifications.models import Notification
from pramern.privacy.erasure import erase_person
from tests.factories import PASSWORD
from tests.identity import ldap_server
from tests.identity.directory import log_in as directory_log_in
from tests.identity.directory import use_directory
from tests.identity.ldap_fixtures import directory_env, ldap_directory  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.identity, pytest.mark.django_db, pytest.mark.usefixtures("two_factor_enforced")]

SETUP = "/account/two-factor/setup/"
VERIFY = "/account/two-factor/verify/"
CODES = "/account/two-factor/recovery-codes/"
ACCOUNT = "/account/two-factor/"
PEOPLE = "/account/two-factor/people/"
WRONG = "ไม่ถูกต้อง"  # "That code is not right" in Thai
THROTTLED = "รหัสผิดหลายครั้ง"  # "Too many wrong codes" in Thai


def code_for(key: bytes, ahead: int = 0) -> str:
    """What an authenticator app shows now for ``key`` (``ahead``: that many 30-second steps later,
    which the server still accepts, for a device that has just used the current step's code)."""
    return f"{totp(key, drift=ahead):06d}"


def secret_on(page: str) -> bytes:
    """The key the enrolment page shows as text, decoded as an app decodes what the person types."""
    typed = re.search(r'id="secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return base64.b32decode(typed + "=" * (-len(typed) % 8))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator and recovery codes for ``user``, made as enrolment makes them."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(3)]
    for code in codes:
        static.token_set.create(token=code)
    return device, codes


def verified(user) -> Client:
    """A logged-in client that passed the verification step with the app's code."""
    device = twofactor.authenticator(user) or enrolled(user)[0]
    client = logged_in(user)
    response = client.post(VERIFY, {"code": code_for(device.bin_key, ahead=1), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    return client


def actions(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="auth.user", object_id=str(user.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# ---- who must use it ---------------------------------------------------------------------------


def test_an_evaluator_without_a_second_factor_is_sent_to_enrolment_before_any_page(world):
    client = logged_in(world.eve)
    response = client.get("/review/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?{urlencode({'next': '/review/'})}"
    assert client.get(f"/a/{world.a.pk}/")["Location"].startswith(SETUP)
    assert client.post("/search/", {"q": "x"})["Location"] == SETUP  # a post is not carried over


def test_an_administrator_is_sent_to_enrolment_and_so_is_staff_at_the_admin_site(world):
    assert logged_in(world.adam).get("/review/")["Location"].startswith(SETUP)
    staff = get_user_model().objects.create_user("sam", password=PASSWORD, is_staff=True, is_superuser=True)
    response = logged_in(staff).get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?{urlencode({'next': '/admin/'})}"
    assert logged_in(staff).get("/admin/auth/user/")["Location"].startswith(SETUP)
    leaving = logged_in(staff)
    assert leaving.post("/admin/logout/")["Location"] == "/login/"  # the admin's own log-out stays open
    assert leaving.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_step_pages_logout_and_language_stay_open_and_fragments_wait(world):
    client = logged_in(world.eve)
    assert client.get(SETUP).status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": SETUP}).status_code == 302
    assert client.get("/notifications/count/", headers={"HX-Request": "true"}).status_code == 204
    assert client.post("/logout/").status_code == 302
    assert client.get("/review/")["Location"].startswith("/login/")


def test_it_is_optional_for_officers(world):
    client = logged_in(world.alice)
    assert client.get(f"/a/{world.a.pk}/").status_code == 200
    page = client.get(ACCOUNT).content.decode()
    assert f'href="{SETUP}?next={ACCOUNT}"' in page


def test_anyone_with_a_second_factor_passes_the_verification_step_before_any_page(world):
    device, _ = enrolled(world.alice)
    client = logged_in(world.alice)
    response = client.get(f"/a/{world.a.pk}/")
    assert response["Location"] == f"{VERIFY}?{urlencode({'next': f'/a/{world.a.pk}/'})}"
    response = client.post(VERIFY, {"code": code_for(device.bin_key), "next": f"/a/{world.a.pk}/"})
    assert response["Location"] == f"/a/{world.a.pk}/"
    assert client.get(f"/a/{world.a.pk}/").status_code == 200
    assert actions(world.alice) == ["pramern.two_factor.verified"]
    assert AuditEntry.objects.get(action="pramern.two_factor.verified").data["method"] == "totp"


# ---- enrolment ---------------------------------------------------------------------------------


def test_an_evaluator_enrols_with_the_code_the_app_computes_from_the_shown_secret(world):
    client = logged_in(world.eve)
    page = client.get(f"{SETUP}?next=/review/").content.decode()
    key = secret_on(page)
    assert key == TOTPDevice.objects.get(user=world.eve, confirmed=False).bin_key
    qr = re.search(r'<img class="qr" src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    svg = base64.b64decode(qr).decode()
    assert "<svg" in svg and "style" not in svg and "<script" not in svg

    response = client.post(SETUP, {"code": code_for(key), "next": "/review/"})
    assert response.status_code == 302
    assert response["Location"] == f"{CODES}?{urlencode({'next': '/review/'})}"
    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=world.eve).values_list("token", flat=True))
    download = client.get(f"{CODES}download/")
    assert download["Content-Disposition"] == 'attachment; filename="pramern-recovery-codes.txt"'
    assert all(code in download.content.decode() for code in codes)

    assert client.post(CODES, {"next": "/review/"})["Location"] == "/review/"
    assert client.get("/review/").status_code == 200
    assert client.get(CODES)["Location"] == ACCOUNT  # shown once
    assert TOTPDevice.objects.get(user=world.eve).confirmed
    assert actions(world.eve) == ["pramern.two_factor.enrolled"]


def test_a_wrong_code_keeps_the_person_on_the_step_with_a_thai_message_and_is_throttled(world):
    client = logged_in(world.eve)
    key = secret_on(client.get(SETUP).content.decode())
    right = code_for(key)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    page = response.content.decode()
    assert WRONG in page
    assert wrong not in page  # the form keeps nothing typed
    assert secret_on(page) == key  # the same secret: the app's entry still works
    assert not TOTPDevice.objects.filter(user=world.eve, confirmed=True).exists()

    response = client.post(SETUP, {"code": right})  # at once: django-otp's throttling refuses
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert "วินาที" in response.content.decode()
    assert client.get("/review/").status_code == 302

    TOTPDevice.objects.filter(user=world.eve).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    assert client.post(SETUP, {"code": right})["Location"].startswith(CODES)
    assert actions(world.eve) == [
        "pramern.two_factor.failed",
        "pramern.two_factor.failed",
        "pramern.two_factor.enrolled",
    ]
    reasons = [e.data["reason"] for e in AuditEntry.objects.filter(action="pramern.two_factor.failed").order_by("pk")]
    assert reasons == ["wrong code", "throttled"]


def test_a_wrong_code_at_the_verification_step_is_refused(world):
    device, _ = enrolled(world.eve)
    client = logged_in(world.eve)
    right = code_for(device.bin_key)
    response = client.post(VERIFY, {"code": f"{(int(right) + 1) % 1_000_000:06d}", "next": "/review/"})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert client.get("/review/")["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": right})
    assert THROTTLED in response.content.decode()


def test_a_recovery_code_works_once(world):
    _, codes = enrolled(world.eve)
    client = logged_in(world.eve)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/review/"})
    assert response["Location"] == "/review/"
    assert client.get("/review/").status_code == 200
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    assert AuditEntry.objects.get(action="pramern.two_factor.verified").data == {
        "method": "recovery_code",
        "recovery_codes_left": 2,
    }

    again = logged_in(world.eve)
    response = again.post(VERIFY, {"code": codes[0], "next": "/review/"})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert again.get("/review/")["Location"].startswith(VERIFY)


def test_new_recovery_codes_replace_the_old_ones(world):
    _, old = enrolled(world.alice)
    client = verified(world.alice)
    response = client.post(f"{CODES}new/")
    assert response["Location"].startswith(CODES)
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", client.get(response["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert twofactor.recovery_codes_left(world.alice) == 10
    assert "pramern.two_factor.recovery_codes_renewed" in actions(world.alice)
    response = logged_in(world.alice).post(VERIFY, {"code": old[1]})
    assert WRONG in response.content.decode()


# ---- turning off -------------------------------------------------------------------------------


def test_an_officer_may_turn_it_off_and_is_not_asked_again(world):
    enrolled(world.alice)
    client = verified(world.alice)
    assert client.post(f"{ACCOUNT}off/")["Location"] == ACCOUNT
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    assert not StaticDevice.objects.filter(user=world.alice).exists()
    assert actions(world.alice)[-1] == "pramern.two_factor.turned_off"
    assert logged_in(world.alice).get(f"/a/{world.a.pk}/").status_code == 200


def test_an_evaluator_may_not_turn_it_off(world):
    client = verified(world.eve)
    response = client.post(f"{ACCOUNT}off/", follow=True)
    assert "ต้องใช้" in response.content.decode()  # "required" in Thai
    assert TOTPDevice.objects.filter(user=world.eve, confirmed=True).exists()
    assert "pramern.two_factor.turned_off" not in actions(world.eve)


# ---- an administrator's reset ------------------------------------------------------------------


def test_an_administrator_resets_a_persons_second_factor_audited_and_told(world, django_capture_on_commit_callbacks):
    world.eve.email = "eve@oae.go.th"
    world.eve.save()
    eve = verified(world.eve)
    admin = verified(world.adam)
    page = admin.get(f"{PEOPLE}?q=eve").content.decode()
    assert f"/account/two-factor/people/{world.eve.pk}/reset/" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"{PEOPLE}{world.eve.pk}/reset/", {"q": "eve"})
    assert response["Location"] == f"{PEOPLE}?q=eve"
    assert not TOTPDevice.objects.filter(user=world.eve).exists()
    assert not StaticDevice.objects.filter(user=world.eve).exists()
    entry = AuditEntry.objects.get(action="pramern.two_factor.reset")
    assert (entry.object_id, entry.actor) == (str(world.eve.pk), world.adam)
    assert entry.data == {"devices": 2}
    notice = Notification.objects.get(recipient=world.eve)
    assert notice.kind == "two_factor_reset" and notice.link == ACCOUNT
    assert [m.to for m in mail.outbox] == [["eve@oae.go.th"]]
    # Eve's session has ended (a reset follows a lost or stolen phone: whoever holds the session
    # must not enrol an app of their own in it). She logs in again, then enrols before any page.
    assert eve.get("/review/")["Location"].startswith("/login/")
    assert "_auth_user_id" not in eve.session
    assert AuditEntry.objects.get(action="pramern.session.ended_all").data["reason"] == "two_factor_reset"
    assert logged_in(world.eve).get("/review/")["Location"].startswith(SETUP)


def test_a_reset_ends_every_session_of_the_person_verified_or_not(world):
    """S2: a second, unverified session (the thief's, say) ends too: it cannot reach enrolment."""
    phone = verified(world.eve)
    stolen = logged_in(world.eve)
    assert stolen.get("/review/")["Location"].startswith(VERIFY)
    admin = verified(world.adam)
    assert admin.post(f"{PEOPLE}{world.eve.pk}/reset/")["Location"].startswith(PEOPLE)
    for client in (phone, stolen):
        assert client.get(SETUP)["Location"].startswith("/login/")
        assert client.get("/review/")["Location"].startswith("/login/")
    assert not TOTPDevice.objects.filter(user=world.eve).exists()  # nobody enrolled in them
    assert admin.get(PEOPLE).status_code == 200  # the administrator's own session goes on


def test_the_reset_is_refused_to_anyone_but_an_administrator(world, client):
    enrolled(world.eve)
    url = f"{PEOPLE}{world.eve.pk}/reset/"
    assert client.post(url)["Location"].startswith("/login/")
    assert client.get(PEOPLE)["Location"].startswith("/login/")
    for person in (world.alice, world.bob, world.xena):
        assert logged_in(person).post(url).status_code == 403
        assert logged_in(person).get(PEOPLE).status_code == 403
    evaluator = verified(get_user_model().objects.get(username="eve"))
    assert evaluator.get(PEOPLE).status_code == 403
    assert TOTPDevice.objects.filter(user=world.eve).exists()
    assert not AuditEntry.objects.filter(action="pramern.two_factor.reset").exists()


def test_another_person_cannot_see_or_reset_your_devices(world):
    _, codes = enrolled(world.alice)
    bob = logged_in(world.bob)
    page = bob.get(ACCOUNT).content.decode()
    assert f'href="{SETUP}?next={ACCOUNT}"' in page and "เหลือรหัสกู้คืน" not in page  # bob's own state
    assert "เหลือรหัสกู้คืน 3 รหัส" in verified(world.alice).get(ACCOUNT).content.decode()  # alice's
    assert bob.get(CODES)["Location"] == ACCOUNT  # nothing of alice's to show
    assert bob.get(f"{CODES}download/")["Location"] == ACCOUNT
    assert bob.post(f"{ACCOUNT}off/").status_code == 302  # bob's own (none): nothing happens
    assert bob.post(f"{PEOPLE}{world.alice.pk}/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=world.alice, confirmed=True).count() == 1
    assert twofactor.recovery_codes_left(world.alice) == len(codes)
    assert not AuditEntry.objects.filter(action__in=["pramern.two_factor.turned_off", "pramern.two_factor.reset"])
    # bob's own set-up makes bob's device, never touches alice's
    bob.get(SETUP)
    assert TOTPDevice.objects.filter(user=world.bob, confirmed=False).count() == 1
    assert TOTPDevice.objects.filter(user=world.alice).count() == 1


# ---- trusted external logins -------------------------------------------------------------------


DIRECTORY = "pramern.accounts.directory.DirectoryBackend"
OIDC = "pramern.accounts.oidc.OIDCBackend"


def test_directory_and_oidc_logins_are_trusted_each_under_its_own_setting(world, settings):
    """S4: an LDAP bind is one factor; the directory and OpenID Connect are trusted separately, and
    an OpenID Connect login only when its ID token's amr/acr shows a second factor."""
    from pramern import settings as production

    assert (production.DIRECTORY_TRUSTED_AS_MFA, production.OIDC_TRUSTED_AS_MFA) == (False, False)
    assert (production.OIDC_MFA_AMR, production.OIDC_MFA_ACR, production.MFA_TRUSTED_BACKENDS) == (
        ["mfa", "otp"],
        [],
        [],
    )
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, DIRECTORY, OIDC]

    def client_of(backend: str, mfa: dict | None = None) -> Client:
        client = Client()
        client.force_login(world.eve, backend=backend)
        if mfa is not None:
            session = client.session
            session["pramern_oidc_mfa"] = mfa
            session.save()
        return client

    def passes(client: Client) -> bool:
        response = client.get("/review/")
        assert response.status_code == 200 or response["Location"].startswith(SETUP)
        return response.status_code == 200

    directory = client_of(DIRECTORY)
    with_otp = client_of(OIDC, {"amr": ["pwd", "otp"], "acr": ""})
    password_only = client_of(OIDC, {"amr": ["pwd"], "acr": "urn:loa:1"})
    no_claims = client_of(OIDC)
    password = client_of("pramern.accounts.backends.LocalAccountBackend")
    everyone = (directory, with_otp, password_only, no_claims, password)
    assert not any(passes(c) for c in everyone)  # production: nothing trusted

    settings.OIDC_TRUSTED_AS_MFA = True
    assert [passes(c) for c in everyone] == [False, True, False, False, False]
    settings.OIDC_MFA_ACR = ["urn:loa:1"]
    assert [passes(c) for c in everyone] == [False, True, True, False, False]
    settings.OIDC_MFA_AMR, settings.OIDC_MFA_ACR = [], []  # a provider that enforces it for all
    assert [passes(c) for c in everyone] == [False, True, True, True, False]

    settings.OIDC_TRUSTED_AS_MFA, settings.DIRECTORY_TRUSTED_AS_MFA = False, True
    assert [passes(c) for c in everyone] == [True, False, False, False, False]


def test_a_verified_evaluator_moves_to_a_new_phone_and_the_old_one_stops_working(world):
    old, old_codes = enrolled(world.eve)
    client = verified(world.eve)
    assert f"{SETUP}?replace=1&amp;next={ACCOUNT}" in client.get(ACCOUNT).content.decode()
    key = secret_on(client.get(f"{SETUP}?replace=1&next={ACCOUNT}").content.decode())
    assert key != old.bin_key
    response = client.post(SETUP, {"code": code_for(key), "replace": "1", "next": ACCOUNT})
    assert response["Location"].startswith(CODES)
    assert list(TOTPDevice.objects.filter(user=world.eve).values_list("confirmed", flat=True)) == [True]
    assert TOTPDevice.objects.get(user=world.eve).bin_key == key
    assert AuditEntry.objects.get(action="pramern.two_factor.enrolled").data["replaced"] is True
    later = logged_in(world.eve)
    assert WRONG in later.post(VERIFY, {"code": code_for(old.bin_key, ahead=1)}).content.decode()
    later = logged_in(world.eve)
    assert WRONG in later.post(VERIFY, {"code": old_codes[0]}).content.decode()


def test_an_unverified_session_cannot_replace_the_authenticator(world):
    old, _ = enrolled(world.eve)
    client = logged_in(world.eve)  # password only
    response = client.get(f"{SETUP}?replace=1&next=/review/")
    assert response["Location"] == "/review/"  # ... which sends it to the verification step
    assert client.get("/review/")["Location"].startswith(VERIFY)
    pending = TOTPDevice.objects.create(user=world.eve, confirmed=False)
    response = client.post(SETUP, {"code": code_for(pending.bin_key), "replace": "1"})
    assert response.status_code == 302 and not response["Location"].startswith(CODES)
    assert list(TOTPDevice.objects.filter(user=world.eve, confirmed=True)) == [old]
    assert not AuditEntry.objects.filter(action="pramern.two_factor.enrolled").exists()


def test_the_step_returns_only_to_pages_of_this_site(world):
    device, _ = enrolled(world.alice)
    client = logged_in(world.alice)
    response = client.post(VERIFY, {"code": code_for(device.bin_key), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_erasing_a_departed_person_deletes_their_second_factor(world):
    _, codes = enrolled(world.alice)
    removed = erase_person(world.alice, user=world.adam)
    assert (removed["authenticators"], removed["recovery_codes"]) == (1, 1 + len(codes))  # the codes' rows too
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    assert not StaticToken.objects.filter(token__in=codes).exists()


def test_a_real_directory_login_is_trusted_as_multi_factor_only_under_the_setting(
    world,
    settings,
    client,
    directory_env,  # noqa: F811
):
    """Against the real slapd of tests/identity: somchai, in the directory's evaluators group."""
    use_directory(settings, {**directory_env, "PRAMERN_LDAP_EVALUATOR_GROUP": ldap_server.group_dn("evaluators")})
    assert directory_log_in(client, "somchai", "somchai-pass").status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "pramern.accounts.directory.DirectoryBackend"
    assert client.get("/review/")["Location"].startswith(SETUP)  # an evaluator, the setting off
    settings.OIDC_TRUSTED_AS_MFA = True  # the other switch: still asked
    assert client.get("/review/")["Location"].startswith(SETUP)
    settings.DIRECTORY_TRUSTED_AS_MFA = True
    assert client.get("/review/").status_code == 200


# ---- under a script prefix (S7) ----------------------------------------------------------------


@pytest.fixture
def script_prefix(settings):
    """The site served under /pramern (FORCE_SCRIPT_NAME, as behind a proxy's sub-path)."""
    from django.urls import clear_script_prefix, set_script_prefix

    settings.FORCE_SCRIPT_NAME = "/pramern"
    set_script_prefix("/pramern/")
    yield "/pramern"
    clear_script_prefix()


def test_the_steps_stay_open_under_a_script_prefix(world, script_prefix):
    """The step pages are told apart by their view, not by a reversed path (which has the prefix
    that path_info has not): the enrolment and verification pages open, others send to them."""
    evaluator = logged_in(world.eve)  # no device: enrolment
    response = evaluator.get("/review/")
    assert response["Location"] == f"{script_prefix}{SETUP}?" + urlencode({"next": f"{script_prefix}/review/"})
    assert evaluator.get(SETUP).status_code == 200
    language = evaluator.post("/i18n/setlang/", {"language": "en", "next": "/help/"})
    assert SETUP not in language.get("Location", "")  # open: not sent to enrolment
    device, _ = enrolled(world.alice)
    officer = logged_in(world.alice)  # a device, an unverified session: verification
    assert officer.get(f"/a/{world.a.pk}/")["Location"].startswith(f"{script_prefix}{VERIFY}")
    assert officer.get(VERIFY).status_code == 200
    response = officer.post(VERIFY, {"code": code_for(device.bin_key, ahead=1), "next": f"{script_prefix}/"})
    assert response["Location"] == f"{script_prefix}/"
    assert officer.get(f"/a/{world.a.pk}/").status_code == 200
    assert officer.post("/logout/").status_code == 302
    assert "_auth_user_id" not in officer.session


# ---- every page's question, kept in Redis ---------------------------------------------------------


def test_whether_a_person_enrolled_is_kept_in_redis_and_forgotten_when_their_devices_change(
    world, redis_cache, django_capture_on_commit_callbacks
):
    """Every page asks whether the person has an authenticator (to send an unverified session to
    the verification step). With Redis the answer is kept, and a device enrolled or removed
    elsewhere is seen by the very next page of every other session of theirs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    laptop, phone = logged_in(world.alice), logged_in(world.alice)  # an officer: the factor is optional
    assert laptop.get("/help/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert laptop.get("/help/").status_code == 200
    assert not [q for q in captured if "otp_totp_totpdevice" in q["sql"]]  # kept: no device query

    with django_capture_on_commit_callbacks(execute=True):
        device, _codes = enrolled(world.alice)  # on the phone, say
    answer = laptop.get("/help/")
    assert answer.status_code == 302 and answer["Location"].startswith(VERIFY)
    assert phone.post(VERIFY, {"code": code_for(device.bin_key, ahead=1), "next": "/help/"}).status_code == 302
    assert phone.get("/help/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        twofactor.reset(world.alice, world.adam)  # the sessions end with it
    again = logged_in(world.alice)
    assert again.get("/help/").status_code == 200  # no device: nothing to verify


def test_an_answer_read_before_an_enrolment_committed_does_not_outlive_it(
    world, redis_cache, django_capture_on_commit_callbacks
):
    """Another page read "no device" from the database just before the enrolment committed, and
    keeps it after the enrolment forgot the old answer: the commit writes the new one over it."""
    from django.core.cache import cache

    assert twofactor.enrolled(world.alice) is False  # kept
    with django_capture_on_commit_callbacks(execute=True):
        enrolled(world.alice)
        cache.add(twofactor._enrolled_key(world.alice.pk), False, 60)  # the other page's late answer
    assert twofactor.enrolled(world.alice) is True
