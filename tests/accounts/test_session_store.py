"""The sessions' store with Redis (pramern/accounts/sessionstore.py, the production setting when
PRAMERN_CACHE_URL is set): Django's cached_db, holding when Redis is down, and keeping a session in
Redis minutes, not the session's whole life. tests/accounts/test_sessions.py runs every session
feature on it too."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from pramern.accounts import sessionstore
from tests.accounts.test_sessions import IPHONE_SAFARI, SESSIONS, alice, device, logged_in, row_of  # noqa: F401

pytestmark = [pytest.mark.identity, pytest.mark.django_db]

ENGINE = "pramern.accounts.sessionstore"


def test_sessions_hold_while_redis_is_down(alice, settings, caplog):  # noqa: F811
    """Redis down (or full) costs a query a page, not the site: logging in, pages and logging out
    work; a session ended meanwhile is logged as an error (its copy in Redis, if Redis kept one,
    lives ``CACHED_SECONDS`` at most)."""
    settings.SESSION_ENGINE = ENGINE
    settings.CACHES = {
        "default": {"BACKEND": "pramern.operations.rediscache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    laptop, phone = device(alice), device(alice, IPHONE_SAFARI)
    assert logged_in(laptop) and logged_in(phone)
    assert laptop.post(f"{SESSIONS}{row_of(phone).pk}/end/").status_code == 302
    assert not logged_in(phone)
    assert "an ended session may stay in the cache" in caplog.text
    assert laptop.post("/logout/").status_code == 302 and not logged_in(laptop)


def test_a_session_is_kept_in_redis_minutes_not_hours(alice, settings, redis_cache):  # noqa: F811
    settings.SESSION_ENGINE = ENGINE
    laptop = device(alice)
    assert logged_in(laptop)
    store = sessionstore.SessionStore(laptop.cookies["sessionid"].value)
    redis = caches["default"]._cache.get_client()
    ttl = redis.ttl(caches["default"].make_and_validate_key(store.cache_key))
    assert 0 < ttl <= sessionstore.CACHED_SECONDS <= 300
