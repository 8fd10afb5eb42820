"""Logins are throttled per user name and address (django-axes), on the site and in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone

from pramern.audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password=PASSWORD, first_name="อลิส")


def log_in(client, username, password, url="/login/", address="127.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def backdate_failures(minutes: int) -> None:
    """Moves every recorded failure back in time, as if ``minutes`` had passed."""
    from axes.models import AccessAttempt

    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_fifty_wrong_passwords_then_the_right_one_is_refused_with_a_thai_message(client, alice):
    for _ in range(50):
        log_in(client, "alice", "wrong")
    response = log_in(client, "alice", PASSWORD)
    page = response.content.decode()
    assert not logged_in(client)
    assert response.status_code == 429
    assert "เข้าสู่ระบบผิดหลายครั้งเกินไป" in page
    assert "15 นาที" in page and "น." in page  # how long, and the time of day (Bangkok)


def test_the_lock_begins_at_the_failure_limit(client, alice):
    for _ in range(4):
        assert log_in(client, "alice", "wrong").status_code == 200
    assert log_in(client, "alice", "wrong").status_code == 429
    assert log_in(client, "alice", PASSWORD).status_code == 429
    assert not logged_in(client)


def test_the_lockout_page_says_when_to_try_again_in_bangkok_time(client, alice):
    for _ in range(5):
        response = log_in(client, "alice", "wrong")
    until = timezone.localtime(timezone.now() + dt.timedelta(minutes=15))
    assert until.tzname() == "+07"
    page = response.content.decode()
    assert f"{until:%H:%M} น." in page or f"{(until - dt.timedelta(minutes=1)):%H:%M} น." in page


def test_the_lockout_page_is_in_english_when_english_is_chosen(client, alice):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = log_in(client, "alice", "wrong")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed log-ins" in page and "15 minutes" in page


def test_after_the_cool_off_the_right_password_logs_in(client, alice):
    for _ in range(5):
        log_in(client, "alice", "wrong")
    backdate_failures(14)
    assert log_in(client, "alice", PASSWORD).status_code == 429
    backdate_failures(2)
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_trying_during_the_lock_does_not_extend_it(client, alice):
    for _ in range(5):
        log_in(client, "alice", "wrong")
    backdate_failures(10)
    log_in(client, "alice", "wrong")  # refused, and not counted
    backdate_failures(6)
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_the_lock_is_for_that_user_name_from_that_address_only(client, alice):
    get_user_model().objects.create_user("bob", password=PASSWORD)
    for _ in range(5):
        log_in(client, "alice", "wrong")
    # a colleague behind the same office address is not locked out
    assert log_in(client, "bob", PASSWORD).status_code == 302
    client.logout()
    # and nobody elsewhere can lock alice out of her account
    assert log_in(client, "alice", PASSWORD, address="10.1.2.3").status_code == 302


def test_a_successful_login_clears_earlier_failures(client, alice):
    for _ in range(4):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "alice", "wrong").status_code == 200
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, alice):
    admin = get_user_model().objects.create_superuser("root", "root@oae.go.th", PASSWORD)
    for _ in range(5):
        log_in(client, "root", "wrong", url="/admin/login/")
    response = log_in(client, "root", PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert "เข้าสู่ระบบผิดหลายครั้งเกินไป" in response.content.decode()
    assert not logged_in(client)
    # the lock holds on the site's login page as well
    assert log_in(client, admin.username, PASSWORD).status_code == 429


def test_a_lockout_is_in_the_audit_log_once(client, alice):
    for _ in range(7):
        log_in(client, "alice", "wrong")
    entries = AuditEntry.objects.filter(action="pramern.login.locked_out")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.object_id == str(alice.pk) and entry.data["ip_address"] == "127.0.0.1"


def test_force_login_in_tests_still_works(client, alice):
    client.force_login(alice)
    assert client.get("/").status_code == 200
    assert logged_in(client)


def test_the_test_clients_login_helper_works_when_given_a_request(client, alice):
    """Axes refuses authenticate() without a request; tests pass one (or use force_login)."""
    assert client.login(request=HttpRequest(), username="alice", password=PASSWORD)
    assert logged_in(client)


def log_in_via_proxy(client, username, password, forwarded):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )


def test_behind_a_trusted_proxy_each_client_address_counts_apart(client, alice, settings):
    settings.TRUSTED_PROXIES = 1
    for _ in range(5):
        log_in_via_proxy(client, "alice", "wrong", "203.0.113.7")
    assert log_in_via_proxy(client, "alice", PASSWORD, "203.0.113.7").status_code == 429
    # a guesser cannot name a new address: only the entry the proxy appended counts
    assert log_in_via_proxy(client, "alice", PASSWORD, "198.51.100.1, 203.0.113.7").status_code == 429
    # alice at her desk, behind the same proxy, is not locked out
    assert log_in_via_proxy(client, "alice", PASSWORD, "192.0.2.44").status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, alice):
    for n in range(5):
        log_in_via_proxy(client, "alice", "wrong", f"198.51.100.{n}")
    assert log_in_via_proxy(client, "alice", PASSWORD, "198.51.100.99").status_code == 429
