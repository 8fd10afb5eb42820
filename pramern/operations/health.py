"""Is this process ready to serve? The database, Redis (when configured) and the file storage,
each checked without writing, each within a few seconds (docs/operations.md)."""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections

logger = logging.getLogger(__name__)

#: Seconds each check may take before it counts as failed (PRAMERN_READY_TIMEOUT).
TIMEOUT = 3.0
#: A name looked up, never written, in the default storage.
PROBE_NAME = "readyz-probe"


def check_database(timeout: float = TIMEOUT) -> None:
    """A ``SELECT 1`` on a connection of its own (closed after), so a broken one is never kept;
    the connection gives up after ``timeout`` (PostgreSQL's connect_timeout, whole seconds, at
    least 2 as libpq requires; SQLite's lock wait), so a server that accepts and never answers
    does not leave the probe's thread waiting for the kernel's TCP timeout."""
    connection = connections.create_connection("default")
    options = dict(connection.settings_dict.get("OPTIONS") or {})
    if connection.vendor == "postgresql":
        options["connect_timeout"] = max(2, math.ceil(timeout))
    elif connection.vendor == "sqlite":
        options["timeout"] = timeout
    connection.settings_dict = {**connection.settings_dict, "OPTIONS": options}  # a copy: the settings stay
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def check_redis(url: str, timeout: float) -> Callable[[], None]:
    def ping() -> None:
        import redis  # only when Redis is configured (start-up time of other processes)

        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()

    return ping


def check_storage() -> None:
    """The bucket itself when it is S3 (a missing bucket, wrong keys fail), else a lookup."""
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:
        default_storage.connection.meta.client.head_bucket(Bucket=bucket)
    else:
        default_storage.exists(PROBE_NAME)


def checks(timeout: float) -> dict[str, Callable[[], None]]:
    """What /readyz checks here, by name."""
    found: dict[str, Callable[[], None]] = {"database": functools.partial(check_database, timeout)}
    queue_url = getattr(settings, "REDIS_URL", "")
    cache_url = getattr(settings, "CACHE_URL", "")  # settings.py: PRAMERN_CACHE_URL, else PRAMERN_REDIS_URL
    if queue_url:
        found["redis"] = check_redis(queue_url, timeout)
    if cache_url and cache_url != queue_url:
        found["cache"] = check_redis(cache_url, timeout)
    found["storage"] = check_storage
    return found


def _run(check: Callable[[], None], result: Future[None]) -> None:
    try:
        check()
    except BaseException as exc:  # reported, never raised in this thread
        result.set_exception(exc)
    else:
        result.set_result(None)
    finally:
        connections.close_all()  # this thread's own connections, if a check opened any


def readiness(timeout: float | None = None) -> dict[str, str]:
    """Each check's outcome: "ok", "timeout" or the error's class name. The checks run at once,
    each in a thread of its own, all within ``timeout`` (PRAMERN_READY_TIMEOUT) and half a second;
    one that hangs is left to finish (its client's own timeouts end it)."""
    timeout = float(getattr(settings, "READY_TIMEOUT", TIMEOUT) if timeout is None else timeout)
    running: dict[str, Future[None]] = {}
    for name, check in checks(timeout).items():
        running[name] = Future()
        threading.Thread(target=_run, args=(check, running[name]), name=f"readyz-{name}", daemon=True).start()
    outcome = {}
    deadline = time.monotonic() + timeout + 0.5  # a client's own timeout (Redis) reports first
    for name, result in running.items():
        try:
            result.result(timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            outcome[name] = "timeout"
            logger.warning("readyz: %s did not answer within %s s", name, timeout)
        except Exception as exc:
            outcome[name] = type(exc).__name__
            logger.warning("readyz: %s failed: %s", name, exc)
        else:
            outcome[name] = "ok"
    return outcome
