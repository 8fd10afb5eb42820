"""Settings that protect a deployment whatever the environment forgets to say."""

from __future__ import annotations

import importlib.util
import os

import pytest
from django.conf import UserSettingsHolder, global_settings, settings

from pramern.settings import BASE_DIR


def settings_at_start(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> UserSettingsHolder:
    """The settings Django starts with when pramern/settings.py is run afresh in an environment
    saying ``env`` and no other PRAMERN_ variable (nor DATABASE_URL) (it reads the environment as it runs), over
    Django's defaults: what a fresh process would see, without starting one."""
    for name in [k for k in os.environ if k.startswith("PRAMERN_") or k == "DATABASE_URL"]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("pramern_settings_at_start", BASE_DIR / "pramern" / "settings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    started = UserSettingsHolder(global_settings)
    for name in filter(str.isupper, dir(module)):
        setattr(started, name, getattr(module, name))
    return started


def test_each_installation_makes_its_own_key_once(tmp_path, monkeypatch):
    from pramern.settings import secret_key

    monkeypatch.delenv("PRAMERN_SECRET_KEY", raising=False)
    first, second = tmp_path / "one" / "secret_key", tmp_path / "two" / "secret_key"
    key = secret_key(first)
    assert len(key) >= 50 and secret_key(first) == key  # kept
    assert (first.stat().st_mode & 0o077) == 0  # the owner's only
    assert secret_key(second) != key  # no two installations share one
    assert [p.name for p in first.parent.iterdir()] == ["secret_key"]  # no scratch file left


def test_a_broken_key_file_says_what_to_do(tmp_path, monkeypatch):
    from pramern.settings import secret_key

    monkeypatch.delenv("PRAMERN_SECRET_KEY", raising=False)
    empty = tmp_path / "secret_key"
    empty.write_text("")
    with pytest.raises(RuntimeError, match="empty"):
        secret_key(empty)
    blocked = tmp_path / "file" / "secret_key"
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(RuntimeError, match="set PRAMERN_SECRET_KEY"):
        secret_key(blocked)
    monkeypatch.setenv("PRAMERN_SECRET_KEY", "from-the-environment")
    assert secret_key(blocked) == "from-the-environment"


def test_the_running_key_is_not_written_in_the_code():
    assert settings.SECRET_KEY and "insecure" not in settings.SECRET_KEY


def test_https_deployments_get_secure_cookies_and_hsts(monkeypatch):
    plain = settings_at_start(monkeypatch, {})
    assert (plain.SESSION_COOKIE_SECURE, plain.SECURE_SSL_REDIRECT) == (False, False)
    https = settings_at_start(monkeypatch, {"PRAMERN_HTTPS": "true"})
    assert (https.SESSION_COOKIE_SECURE, https.SECURE_SSL_REDIRECT) == (True, True)
    assert https.SECURE_HSTS_SECONDS >= 180 * 24 * 3600
    production = settings_at_start(monkeypatch, {"PRAMERN_ENV": "production", "PRAMERN_SECRET_KEY": "k" * 50})
    assert production.SESSION_COOKIE_SECURE is True  # production means HTTPS unless told otherwise


def test_a_log_in_lasts_a_working_day():
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_sqlite_queues_writers_and_postgresql_keeps_its_defaults(tmp_path, monkeypatch):
    """The options that make concurrent saves wait their turn (tests/assessments/test_concurrent_saves.py)."""
    sqlite = settings_at_start(monkeypatch, {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    options = sqlite.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]
    postgres = settings_at_start(
        monkeypatch, {"DATABASE_URL": "postgres://pramern@127.0.0.1:5432/pramern", "PRAMERN_SECRET_KEY": "k" * 50}
    )
    assert postgres.DATABASES["default"].get("OPTIONS", {}) == {}


# ---- issue 12: fixdir (one reading rule for every variable: pramern/envsettings.py) -------------


def test_a_secret_file_is_read_alike_for_every_secret(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(" two words \nsecond line\r\n")  # all of it but the line break at its end
    started = settings_at_start(
        monkeypatch,
        {
            "PRAMERN_OIDC_CLIENT_SECRET_FILE": str(secret),
            "PRAMERN_LDAP_URL": "ldap://127.0.0.1:1",
            "PRAMERN_LDAP_USER_SEARCH_BASE": "ou=people,dc=pramern,dc=test",
            "PRAMERN_LDAP_BIND_DN": "cn=reader,dc=pramern,dc=test",
            "PRAMERN_LDAP_BIND_PASSWORD_FILE": str(secret),
        },
    )
    assert started.PRAMERN_OIDC_CLIENT_SECRET == started.AUTH_LDAP_BIND_PASSWORD == " two words \nsecond line"


@pytest.mark.parametrize("name", ["PRAMERN_HTTPS", "PRAMERN_LDAP_START_TLS"])
def test_a_yes_no_variable_that_is_neither_stops_the_server(monkeypatch, name):
    env = {"PRAMERN_LDAP_URL": "ldap://127.0.0.1:1", "PRAMERN_LDAP_USER_SEARCH_BASE": "ou=people,dc=pramern,dc=test"}
    with pytest.raises(RuntimeError, match=name):
        settings_at_start(monkeypatch, {**env, name: "ture"})
    assert settings_at_start(monkeypatch, {**env, name: " Off "}).SECURE_SSL_REDIRECT is False


# ---- issue 13: prod (a deployment is given its secret key; the embedded default makes its own) ---

KEY = "a-key-every-host-shares-" + "x" * 30


@pytest.mark.parametrize(
    "env",
    [
        {"PRAMERN_ENV": "production"},
        {"DATABASE_URL": "postgres://pramern@127.0.0.1:5432/pramern"},  # no PRAMERN_DEBUG: off
        {"PRAMERN_ENV": "production", "PRAMERN_DEBUG": "true", "PRAMERN_SECRET_KEY": "  "},
    ],
)
def test_a_deployment_without_a_secret_key_refuses_to_start(monkeypatch, env):
    with pytest.raises(RuntimeError) as refused:
        settings_at_start(monkeypatch, env)
    message = str(refused.value)
    assert "set PRAMERN_SECRET_KEY, or PRAMERN_SECRET_KEY_FILE" in message
    assert "the same on every host" in message


def test_a_deployment_reads_its_key_from_the_environment_or_a_mounted_file(monkeypatch, tmp_path):
    mounted = tmp_path / "secret_key"
    mounted.write_text(KEY + "\n")
    from_file = settings_at_start(
        monkeypatch, {"PRAMERN_ENV": "production", "PRAMERN_SECRET_KEY_FILE": str(mounted), "PRAMERN_SECRET_KEY": "no"}
    )
    assert from_file.SECRET_KEY == KEY  # the file wins, its line break dropped
    on_postgres = settings_at_start(
        monkeypatch, {"DATABASE_URL": "postgres://pramern@127.0.0.1:5432/pramern", "PRAMERN_SECRET_KEY": KEY}
    )
    assert on_postgres.SECRET_KEY == KEY
    missing = tmp_path / "not-mounted"
    with pytest.raises(RuntimeError, match=f"PRAMERN_SECRET_KEY_FILE: cannot read {missing}"):
        settings_at_start(monkeypatch, {"PRAMERN_ENV": "production", "PRAMERN_SECRET_KEY_FILE": str(missing)})


def test_the_embedded_default_and_a_debugging_server_keep_making_their_own_key(monkeypatch, tmp_path):
    kept = BASE_DIR / "var" / "secret_key"
    embedded = settings_at_start(monkeypatch, {})  # SQLite in var/, no key given
    assert embedded.SECRET_KEY == kept.read_text().strip() and len(embedded.SECRET_KEY) >= 50
    sqlite_elsewhere = settings_at_start(monkeypatch, {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert sqlite_elsewhere.SECRET_KEY == embedded.SECRET_KEY  # SQLite is one machine's
    debugging = settings_at_start(
        monkeypatch, {"DATABASE_URL": "postgres://pramern@127.0.0.1:5432/pramern", "PRAMERN_DEBUG": "true"}
    )
    assert debugging.SECRET_KEY == embedded.SECRET_KEY
    from pramern.settings import secret_key

    made = tmp_path / "var" / "secret_key"
    assert secret_key(made) == made.read_text()  # made when not required


def test_a_deployment_serves_collected_hashed_static_files(monkeypatch):
    production = settings_at_start(monkeypatch, {"PRAMERN_ENV": "production", "PRAMERN_SECRET_KEY": KEY})
    assert production.STORAGES["staticfiles"]["BACKEND"] == "pramern.ui.staticstorage.CollectedStaticFiles"
    assert production.WHITENOISE_USE_FINDERS is False
    assert production.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        production.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
    )
    embedded = settings_at_start(monkeypatch, {})  # `make run`: no collectstatic needed
    assert embedded.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedStaticFilesStorage"
    assert embedded.WHITENOISE_USE_FINDERS is True


def test_sessions_are_read_from_the_cache_only_when_it_is_shared(monkeypatch):
    """With Redis (PRAMERN_CACHE_URL, or PRAMERN_REDIS_URL) a page reads its session from the cache
    (``cached_db``, the database kept too); with each process's own memory from the database, or a
    session ended in one process would live on in another's."""
    embedded = settings_at_start(monkeypatch, {})
    assert embedded.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert embedded.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    for name in ("PRAMERN_CACHE_URL", "PRAMERN_REDIS_URL"):
        shared = settings_at_start(monkeypatch, {name: "redis://127.0.0.1:6379/3"})
        assert shared.CACHES["default"]["BACKEND"].endswith("RedisCache")
        assert shared.SESSION_ENGINE == "pramern.accounts.sessionstore"  # Django's cached_db, made to hold
