"""Sessions (issue 12): a person's signed-in devices, ending one or all others, an administrator
ending all of a person's, deactivation, the idle timeout and the absolute limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from pramern.accounts.devices import describe
from pramern.accounts.models import SignedInSession
from pramern.accounts.sessions import ROW, SEEN
from pramern.audit.models import AuditEntry
from pramern.thaidates import thai_date
from tests.accounts.conftest import BrowserFormClient
from tests.factories import PASSWORD, person, unit
from tests.test_settings import settings_at_start

pytestmark = [pytest.mark.identity, pytest.mark.django_db]

WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID_FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"
SESSIONS = "/account/sessions/"


@pytest.fixture(autouse=True, params=["db", "cached_db"])
def session_engine(request, settings):
    """Every test here with the sessions in the database, and in the database and Redis
    (``cached_db``, the production setting when PRAMERN_CACHE_URL is set): a session ended must be
    gone from the cache as well, or its device would stay logged in."""
    if request.param == "cached_db":
        request.getfixturevalue("redis_cache")
        settings.SESSION_ENGINE = "pramern.accounts.sessionstore"
    else:
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    return request.param


@pytest.fixture
def alice(db):
    return person("alice", "officer", unit("oae-bapp", "สำนักวิจัยเศรษฐกิจการเกษตร"), first_name="อลิส")


@pytest.fixture
def bob(db):
    return person("bob", "officer", unit("oae-cae", "ศูนย์สารสนเทศการเกษตร"))


@pytest.fixture
def adam(db):
    return User.objects.create_user("adam", password=PASSWORD, is_staff=True, is_superuser=True)


def device(user, agent: str = WINDOWS_CHROME, address: str = "10.1.2.3") -> BrowserFormClient:
    """A browser of its own that logged in through the log-in page."""
    client = BrowserFormClient(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[-1500:]
    return client


def logged_in(client) -> bool:
    response = client.get(SESSIONS)
    return response.status_code == 200


def row_of(client) -> SignedInSession:
    return SignedInSession.objects.get(pk=client.session[ROW])


def idle_for(client, seconds: int) -> None:
    """As if the device had made no request for ``seconds`` (the session's stored timestamp moves back)."""
    session = client.session
    session[SEEN] -= seconds
    session.save()


# --- the page -------------------------------------------------------------------------------------


def test_the_page_lists_your_own_sessions_only_with_this_device_marked(alice, bob):
    laptop = device(alice, WINDOWS_CHROME, "10.1.2.3")
    device(alice, IPHONE_SAFARI, "10.9.8.7")
    device(bob, ANDROID_FIREFOX, "10.5.5.5")
    page = laptop.get(SESSIONS).content.decode()
    assert page.count('class="card current"') == 1 and page.count("อุปกรณ์นี้") == 1
    assert "Chrome บน Windows" in page and "10.1.2.3" in page
    assert "Safari บน iPhone" in page and "10.9.8.7" in page
    assert "Firefox" not in page and "10.5.5.5" not in page
    assert page.index("Chrome บน Windows") < page.index("Safari บน iPhone")  # this device first


def test_the_page_is_in_thai_with_buddhist_era_dates(alice):
    page = device(alice).get(SESSIONS).content.decode()
    today = thai_date(timezone.localdate())
    assert "อุปกรณ์ที่เข้าสู่ระบบ" in page and "ใช้งานล่าสุด" in page and "เข้าสู่ระบบเมื่อ" in page
    assert page.count(today) == 2  # logged in, last used
    assert str(timezone.localdate().year + 543) in today


def test_the_header_links_to_the_page(alice):
    page = device(alice).get("/frameworks/").content.decode()
    assert f'href="{SESSIONS}"' in page


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(SESSIONS)["Location"] == f"/login/?next={SESSIONS}"
    assert client.post(f"{SESSIONS}end-others/")["Location"].startswith("/login/")


# --- ending sessions ------------------------------------------------------------------------------


def test_ending_one_session_logs_that_device_out(alice):
    laptop, phone = device(alice), device(alice, IPHONE_SAFARI)
    phone_row = row_of(phone)
    response = laptop.post(f"{SESSIONS}{phone_row.pk}/end/")
    assert response.status_code == 302 and response["Location"] == SESSIONS
    assert phone.get(SESSIONS)["Location"] == f"/login/?next={SESSIONS}"
    assert logged_in(laptop)
    assert not SignedInSession.objects.filter(pk=phone_row.pk).exists()
    entry = AuditEntry.objects.get(action="pramern.session.ended")
    assert entry.actor == alice and entry.object_id == str(alice.pk)
    assert entry.data["user_agent"] == IPHONE_SAFARI and entry.data["address"] == "10.1.2.3"


def test_another_persons_session_is_refused(alice, bob):
    mine, theirs = device(alice), device(bob)
    assert mine.post(f"{SESSIONS}{row_of(theirs).pk}/end/").status_code == 404
    assert mine.post(f"{SESSIONS}999999/end/").status_code == 404
    assert logged_in(theirs)
    assert not AuditEntry.objects.filter(action__startswith="pramern.session.").exists()


def test_ending_all_others_keeps_the_current_one(alice, bob):
    laptop, phone, tablet, bobs = device(alice), device(alice, IPHONE_SAFARI), device(alice), device(bob)
    response = laptop.post(f"{SESSIONS}end-others/", follow=True)
    assert "ออกจากระบบอุปกรณ์อื่นแล้ว 2 เครื่อง" in response.content.decode()
    assert logged_in(laptop) and logged_in(bobs)
    assert not logged_in(phone) and not logged_in(tablet)
    assert list(SignedInSession.objects.filter(user=alice)) == [row_of(laptop)]
    entry = AuditEntry.objects.get(action="pramern.session.ended_others")
    assert entry.actor == alice and entry.data["count"] == 2


def test_ending_this_device_from_the_page_is_a_log_out(alice):
    laptop = device(alice)
    assert laptop.post(f"{SESSIONS}{row_of(laptop).pk}/end/")["Location"] == "/login/"
    assert not logged_in(laptop) and not SignedInSession.objects.exists()


def test_logging_out_forgets_the_session(alice):
    laptop, phone = device(alice), device(alice, IPHONE_SAFARI)
    laptop.post("/logout/")
    assert list(SignedInSession.objects.all()) == [row_of(phone)]


def test_a_password_change_ends_the_other_sessions(alice):
    laptop, phone = device(alice), device(alice, IPHONE_SAFARI)
    new = "ข้าวหอมมะลิ-2567-ใหม่"
    response = laptop.post("/password_change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert logged_in(laptop) and not logged_in(phone)
    rows = list(SignedInSession.objects.all())
    assert [row.session_key for row in rows] == [laptop.session.session_key]  # the row followed the new key


# --- administrators -------------------------------------------------------------------------------


def admin_action(client, *people):
    return client.post(
        "/admin/auth/user/",
        {"action": "end_all_sessions_of", "_selected_action": [p.pk for p in people], "index": 0},
    )


def test_an_administrator_ends_all_of_a_persons_sessions(alice, bob, adam):
    laptop, phone, bobs = device(alice), device(alice, IPHONE_SAFARI), device(bob)
    admin = device(adam)
    response = admin_action(admin, alice)
    assert response.status_code == 302
    assert "ยุติการเข้าสู่ระบบแล้ว 2 รายการ" in admin.get(response["Location"]).content.decode()
    assert not logged_in(laptop) and not logged_in(phone)
    assert logged_in(bobs) and logged_in(admin)
    entry = AuditEntry.objects.get(action="pramern.session.ended_all")
    assert entry.actor == adam and entry.object_id == str(alice.pk)
    assert entry.data["count"] == 2 and entry.data["reason"] == "administrator"


def test_an_officer_cannot_use_the_admin_action(alice, bob):
    bobs = device(bob)
    response = admin_action(device(alice), bob)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert logged_in(bobs)


def test_staff_without_the_right_to_change_people_are_not_offered_the_action(bob):
    clerk = User.objects.create_user("clerk", password=PASSWORD, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    bobs, desk = device(bob), device(clerk)
    assert "end_all_sessions_of" not in desk.get("/admin/auth/user/").content.decode()
    admin_action(desk, bob)
    assert logged_in(bobs)
    assert not AuditEntry.objects.filter(action="pramern.session.ended_all").exists()


def test_deactivating_an_account_ends_its_sessions(alice, bob):
    laptop, bobs = device(alice), device(bob)
    alice.is_active = False
    alice.save()
    assert not SignedInSession.objects.filter(user=alice).exists()
    assert not logged_in(laptop) and logged_in(bobs)
    entry = AuditEntry.objects.get(action="pramern.session.ended_all")
    assert entry.data == {"count": 1, "reason": "deactivated", "sessions": entry.data["sessions"]}
    alice.first_name = "อลิซ"
    alice.save()  # still inactive: nothing more to end, nothing more logged
    assert AuditEntry.objects.filter(action="pramern.session.ended_all").count() == 1


def test_deactivating_in_the_admin_ends_the_sessions(alice, adam):
    laptop = device(alice)
    admin = device(adam)
    form = admin.get(f"/admin/auth/user/{alice.pk}/change/").context["adminform"].form
    data = {
        k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups", "user_permissions")
    }
    data.update(is_active="", last_login_0="", last_login_1="", date_joined_0="2026-01-01", date_joined_1="08:00:00")
    response = admin.post(f"/admin/auth/user/{alice.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not logged_in(laptop)


# --- idle timeout and the absolute limit ----------------------------------------------------------


def test_a_request_after_the_idle_time_logs_out_and_says_why(alice, settings):
    settings.IDLE_MINUTES = 30
    laptop = device(alice)
    idle_for(laptop, 31 * 60)
    response = laptop.get("/frameworks/?year=2567")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/frameworks/%3Fyear%3D2567"
    page = laptop.get(response["Location"]).content.decode()
    assert "ออกจากระบบโดยอัตโนมัติเพราะไม่มีการใช้งานนาน 30 นาที" in page
    assert 'name="next" value="/frameworks/?year=2567"' in page
    assert not SignedInSession.objects.exists()
    assert "_auth_user_id" not in laptop.session


def test_a_request_within_the_idle_time_stays_logged_in(alice, settings):
    settings.IDLE_MINUTES = 30
    laptop = device(alice)
    idle_for(laptop, 29 * 60)
    assert logged_in(laptop)


def test_no_idle_timeout_when_it_is_off(alice, settings):
    settings.IDLE_MINUTES = 0
    laptop = device(alice)
    idle_for(laptop, 24 * 3600)
    assert logged_in(laptop)


def test_a_form_sent_after_the_idle_time_returns_to_the_page_it_came_from(alice, settings):
    laptop = device(alice)
    idle_for(laptop, (settings.IDLE_MINUTES + 1) * 60)
    response = laptop.post(f"{SESSIONS}end-others/", HTTP_REFERER=f"http://testserver{SESSIONS}")
    assert response["Location"] == f"/login/?next={SESSIONS}"


def test_htmx_is_sent_to_the_log_in_page_whole(alice, settings):
    laptop = device(alice)
    idle_for(laptop, (settings.IDLE_MINUTES + 1) * 60)
    response = laptop.get("/notifications/count/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/login/?next=")


def test_the_absolute_limit_counts_from_the_log_in(alice, settings):
    laptop = device(alice)
    expiry = laptop.session.get_expiry_date()
    assert abs(expiry - (timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))) < dt.timedelta(seconds=5)
    idle_for(laptop, 120)
    laptop.get(SESSIONS)  # noted in use: the session is written again
    assert laptop.session.get_expiry_date() == expiry


# --- last use, noted at most once a minute --------------------------------------------------------


def test_last_use_is_written_at_most_once_a_minute(alice):
    laptop = device(alice)
    row = row_of(laptop)
    laptop.get(SESSIONS)
    with CaptureQueriesContext(connection) as quiet:
        laptop.get(SESSIONS)
    assert not [q for q in quiet.captured_queries if "UPDATE" in q["sql"]]  # nothing written
    idle_for(laptop, 61)
    with CaptureQueriesContext(connection) as noted:
        laptop.get(SESSIONS)
    writes = [q["sql"] for q in noted.captured_queries if q["sql"].startswith("UPDATE")]
    # the row's last use, then the session (its timestamp) at the end of the request
    assert len(writes) == 2 and "accounts_signedinsession" in writes[0] and "django_session" in writes[1]
    assert len(noted) - len(quiet) == 4  # the two UPDATEs, and the session's save runs in a savepoint
    assert row_of(laptop).last_seen > row.last_seen


# --- devices in plain words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (WINDOWS_CHROME, "Chrome on Windows"),
        (IPHONE_SAFARI, "Safari on iPhone"),
        (ANDROID_FIREFOX, "Firefox on Android"),
        (WINDOWS_CHROME + " Edg/131.0.2903.86", "Edge on Windows"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"),
        ("curl/8.5.0", "An unknown browser"),
        ("", "An unknown browser"),
    ],
)
def test_a_device_in_plain_words(agent, words):
    with translation.override("en"):
        assert describe(agent) == words


# --- other session stores -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "engine", ["django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db"]
)
def test_ending_sessions_works_with_cache_session_stores(alice, settings, engine):
    settings.SESSION_ENGINE = engine
    laptop, phone, tablet = device(alice), device(alice, IPHONE_SAFARI), device(alice, ANDROID_FIREFOX)
    page = laptop.get(SESSIONS).content.decode()
    assert "Safari บน iPhone" in page and "Firefox บน Android" in page  # found live in the store
    laptop.post(f"{SESSIONS}{row_of(phone).pk}/end/")
    assert not logged_in(phone) and logged_in(tablet)
    laptop.post(f"{SESSIONS}end-others/")
    assert not logged_in(tablet) and logged_in(laptop)


def test_rows_of_sessions_ended_by_time_go_at_the_next_log_in(alice, bob, settings):
    laptop = device(alice)
    SignedInSession.objects.filter(pk=row_of(laptop).pk).update(
        created=timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    )
    device(bob)
    assert list(SignedInSession.objects.values_list("user__username", flat=True)) == ["bob"]


def test_the_idle_timeout_comes_from_the_environment(monkeypatch):
    assert settings_at_start(monkeypatch, {}).IDLE_MINUTES == 60
    assert settings_at_start(monkeypatch, {"PRAMERN_IDLE_MINUTES": "0"}).IDLE_MINUTES == 0
