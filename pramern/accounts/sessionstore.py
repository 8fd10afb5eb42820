"""Sessions in the database and, with a shared cache (Redis), read from the cache: Django's
``cached_db``, made to hold when Redis is down or full: a page reads its session from the
database then, and logging in and out work. A session is kept in the cache ``CACHED_SECONDS`` at
most after it was last read or saved, so a copy that an outage kept from being deleted (a session
ended meanwhile) lives on that long at most; the failed deletion is logged as an error."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseStore
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

logger = logging.getLogger(__name__)

#: Seconds a session stays in the cache after it was read or saved (then read from the database
#: again, once): bounds how long a copy the cache kept through an outage can outlive its row.
CACHED_SECONDS = 300


class SessionStore(CachedDatabaseStore):
    def _cache_seconds(self, expiry: Any = None) -> int:
        age = self.get_expiry_age(expiry=expiry) if expiry is not None else self.get_expiry_age()
        return min(age, CACHED_SECONDS)

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("cache unreachable: the session read from the database", exc_info=True)
            data = None
        if data is not None:
            return data  # type: ignore[no-any-return]
        found = self._get_session_from_db()
        if not found:
            return {}
        data = self.decode(found.session_data)
        try:
            self._cache.set(self.cache_key, data, self._cache_seconds(found.expire_date))
        except Exception:
            logger.warning("cache unreachable: the session not kept there", exc_info=True)
        return data  # type: ignore[no-any-return]

    def exists(self, session_key: str | None) -> bool:
        if session_key:
            try:
                if (self.cache_key_prefix + session_key) in self._cache:
                    return True
            except Exception:
                logger.warning("cache unreachable: the session looked for in the database", exc_info=True)
        return DatabaseStore.exists(self, session_key)

    def save(self, must_create: bool = False) -> None:
        DatabaseStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_seconds())
        except Exception:
            logger.warning("cache unreachable: the session saved to the database only", exc_info=True)

    def delete(self, session_key: str | None = None) -> None:
        """Out of the database, then out of the cache (logged when that cannot be reached)."""
        DatabaseStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.error(
                "cache unreachable: an ended session may stay in the cache for %s s at most",
                CACHED_SECONDS,
                exc_info=True,
            )
