from __future__ import annotations

import contextlib
import functools
import os
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pramern.scoring import Framework, load_framework
from tests.browser.launch import browser  # noqa: F401 (the session's one Chromium: browser and cluster tests)
from tests.objectstore import s3_server, s3_storage  # noqa: F401 (fixtures: a real S3-compatible server)
from tests.printslots import web_process  # noqa: F401 (fixture: this process as a web process that prints)

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK_FILE = ROOT / "frameworks-data" / "oae-2567.yaml"
EXAMPLES = ROOT / "examples"


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test is a slow test too: ``pytest -m "not slow"`` leaves Chromium out."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI (CI=true) an identity or cluster test may not skip: the real directory and OpenID
    Connect servers, PostgreSQL and Redis their fixtures use are installed by .ci/run, so a skip
    there means something is broken."""
    outcome = yield
    report = outcome.get_result()
    marker = next((name for name in ("identity", "cluster") if item.get_closest_marker(name)), None)
    if report.skipped and os.environ.get("CI") == "true" and marker:
        report.outcome = "failed"
        report.longrepr = f"{marker} tests may not skip under CI: {report.longrepr}"


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    """Uploads go to a temporary folder, never into the working tree; passwords hash fast;
    static files are looked up when asked for, not indexed each time a test client starts
    (WhiteNoise's index of every static file, the admin's included, took ~0.03 s per test)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
    settings.WHITENOISE_AUTOREFRESH = True
    # Two-factor (issue 12): the suite's evaluators and administrators log in with
    # client.force_login, client.login or the browser's log-in page and go straight to their pages:
    # every log-in path of the tests counts as multi-factor (MFA_TRUSTED_BACKENDS, and the directory
    # and OpenID Connect trusted). Two-factor's own tests ask for ``two_factor_enforced``, which puts
    # the production settings back; tests/accounts/test_two_factor_coverage.py walks every page
    # under them (docs/decisions.md).
    settings.DIRECTORY_TRUSTED_AS_MFA = True
    settings.OIDC_TRUSTED_AS_MFA = True
    settings.OIDC_MFA_AMR = []
    settings.OIDC_MFA_ACR = []
    settings.MFA_TRUSTED_BACKENDS = list(settings.AUTHENTICATION_BACKENDS)


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test starts with an empty cache of its own process (LocMemCache, whatever the
    environment says; the Redis tests ask for ``redis_cache``): no page data from another test."""
    from pramern.reports import caching

    settings.CACHES = LOCMEM_CACHES
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"  # as without PRAMERN_CACHE_URL
    caching.clear()
    yield
    caching.clear()


LOCMEM_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
#: The machine's Redis (started by .ci/run when it is not running).
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_cache(settings, worker_id):
    """The cache on the machine's Redis, as production has it (PRAMERN_CACHE_URL), under a key
    prefix of this test's own (the xdist worker's id and a random part), whose keys are deleted
    afterwards; yields the prefix."""
    import uuid

    import redis

    from pramern.reports import caching

    prefix = f"pramern-test-{worker_id}-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "pramern.operations.rediscache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    caching._RECENT.clear()
    yield prefix
    server = redis.Redis.from_url(REDIS_URL)
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)
    settings.CACHES = LOCMEM_CACHES  # before the autouse fixture clears "the" cache


@pytest.fixture
def two_factor_enforced(settings):
    """Two-factor as in production: no log-in is trusted as multi-factor (the directory and OpenID
    Connect untrusted, the defaults), so evaluators and administrators must enrol and verify."""
    from pramern import settings as production

    for name in (
        "DIRECTORY_TRUSTED_AS_MFA",
        "OIDC_TRUSTED_AS_MFA",
        "OIDC_MFA_AMR",
        "OIDC_MFA_ACR",
        "MFA_TRUSTED_BACKENDS",
    ):
        setattr(settings, name, getattr(production, name))


@pytest.fixture(autouse=True, scope="session")
def framework_texts_parsed_once() -> Iterator[None]:
    """Installing a framework parses its file (the FY2567 file: ~0.05 s), and the world of most
    tests installs it: the parse of one text is kept for the run, as ``Framework.compiled()``
    keeps it for a process. A compiled framework is immutable; a text that fails to parse
    raises each time."""
    from pramern.frameworks import services

    parse = services.parse_framework
    services.parse_framework = functools.cache(parse)
    yield
    services.parse_framework = parse


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """pytest-django's test databases, with every connection the tests opened closed before they
    are dropped. Under pytest-xdist the connection a worker's tests used is not always the one
    ``connections`` gives at the end of the session, and PostgreSQL refused to drop a database
    still in use ("being accessed by other users")."""
    from django.db import DatabaseError
    from django.db.backends.signals import connection_created

    opened: weakref.WeakSet[Any] = weakref.WeakSet()

    def remember(sender: Any, connection: Any, **kwargs: Any) -> None:
        opened.add(connection)

    connection_created.connect(remember, weak=False)
    yield
    connection_created.disconnect(remember)
    for connection in list(opened):
        with contextlib.suppress(DatabaseError):  # another thread's (a live server's) is that thread's to close
            connection.close()


@pytest.fixture(scope="session")
def fw2567() -> Framework:
    """The FY2567 framework, loaded once for the whole run (it is immutable)."""
    return load_framework(FRAMEWORK_FILE)


@pytest.fixture
def world(db):
    """Two units with assessments, open rounds and the personas (see tests/factories.py)."""
    from tests.factories import World

    return World()


@pytest.fixture(autouse=True)
def tasks_run_immediately():
    """Background jobs run inline in tests (the real consumer is `manage.py run_huey`)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


@pytest.fixture
def live(world, tmp_path):
    """A threaded server on 127.0.0.1 over a real database holding the world (and whatever the
    test made before asking for it), with alice and dan logged in (see tests/live.py). The test
    is marked ``django_db(transaction=True)``, so that the world is committed for the server."""
    from tests.live import start_live_server

    yield from start_live_server([world.alice, world.dan], tmp_path)
