"""Pramern's settings: one file, everything that differs between machines from the environment.

- ``DATABASE_URL``: SQLite in ``var/`` by default; ``postgres://user@host:5432/name`` in production.
- ``PRAMERN_DEBUG``, ``PRAMERN_SECRET_KEY``, ``PRAMERN_ALLOWED_HOSTS`` (comma-separated).
- ``PRAMERN_ENV=production``: a deployment (the block at the end; docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from pramern.accounts.ldapconfig import directory_settings
from pramern.envsettings import env_bool, env_secret, s3_storage_options

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    """A yes/no variable; a value that is neither stops the server (pramern/envsettings.py)."""
    return env_bool(name, default)


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def secret_key(path: Path, *, required: bool = False) -> str:
    """PRAMERN_SECRET_KEY (or the file PRAMERN_SECRET_KEY_FILE names), or, unless ``required``
    (a deployment: every host must sign with the same key), a key made for this installation on
    first start and kept in ``path`` (readable by its owner only): no two installations share a
    key, and none is written in the code. The file appears whole (written aside, then moved into
    place), so a second process starting at the same moment never reads half a key."""
    key = env_secret("PRAMERN_SECRET_KEY")
    if key.strip():
        return key
    if required:
        raise RuntimeError(
            "Pramern runs as a deployment (PRAMERN_ENV=production, or PRAMERN_DEBUG off with a database "
            "server): set PRAMERN_SECRET_KEY, or PRAMERN_SECRET_KEY_FILE to a file holding it, the same "
            "on every host (make one: python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")  # mode 600
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(50))
            os.replace(scratch, path)
        key = path.read_text().strip()
    except OSError as exc:
        raise RuntimeError(f"Cannot keep a secret key in {path} ({exc}): set PRAMERN_SECRET_KEY.") from exc
    if not key:
        raise RuntimeError(f"{path} is empty: delete it (a new key is made) or set PRAMERN_SECRET_KEY.")
    return key


DEBUG = envbool("PRAMERN_DEBUG", "false")
ALLOWED_HOSTS = envlist("PRAMERN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # TrigramWordSimilarity for search (pramern/search): used only on PostgreSQL
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pramern.ui",
    "pramern.accounts",
    "pramern.audit",
    "pramern.frameworks",
    "pramern.organizations",
    "pramern.assessments",
    "pramern.review",
    "pramern.reports",
    "pramern.dashboards",
    "pramern.studio",
    "pramern.notifications",
    "pramern.search",
    "pramern.help",
    "pramern.privacy",
    "pramern.operations",  # manage.py backup / restore (docs/backup.md)
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "pramern.operations.middleware.RequestIdMiddleware",  # X-Request-ID, in every log record
    "pramern.operations.middleware.HealthMiddleware",  # /healthz, /readyz: before HTTPS, hosts, sessions
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pramern.ui.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a second factor this session
    "pramern.ui.middleware.SecurityHeadersMiddleware",  # CSP; no-store when logged in
    "pramern.ui.middleware.UploadGuardMiddleware",  # before CSRF's process_view reads any body
    "django.contrib.messages.middleware.MessageMiddleware",
    "pramern.accounts.middleware.SessionActivityMiddleware",  # idle timeout; a session's last use
    "pramern.accounts.twofactor_middleware.TwoFactorMiddleware",  # enrolment or verification before any page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pramern.reports.middleware.PdfUnavailableMiddleware",  # a page's PDF not printed: busy (503) or failed
    "axes.middleware.AxesMiddleware",  # last: turns a refused login into the lockout page
]

ROOT_URLCONF = "pramern.urls"
WSGI_APPLICATION = "pramern.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pramern.ui.context_processors.access",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'pramern.sqlite3'}",
        conn_max_age=envint("PRAMERN_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people save at once: readers never wait for the writer (WAL), each transaction
    # takes the write lock when it begins, so it waits its turn (up to PRAMERN_SQLITE_TIMEOUT
    # seconds) instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("PRAMERN_SQLITE_TIMEOUT", 20),
        **DATABASES["default"].get("OPTIONS", {}),
    }
#: The database's password kept out of DATABASE_URL: PRAMERN_DATABASE_PASSWORD, or the file
#: PRAMERN_DATABASE_PASSWORD_FILE names (a mounted secret, deploy/compose.yaml); it wins over the URL's.
if _database_password := env_secret("PRAMERN_DATABASE_PASSWORD"):
    DATABASES["default"]["PASSWORD"] = _database_password
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins (site and admin) are throttled by django-axes: after PRAMERN_LOGIN_FAILURE_LIMIT wrong
# passwords for one user name from one address, that pair is locked for PRAMERN_LOGIN_COOLOFF_MINUTES
# (counted from the last counted failure; tries during the lock are refused and not counted).
# Keyed on the pair: an office behind one address is not locked by one person's typing, and
# nobody elsewhere can lock a known user name out. An administrator unlocks early by deleting the
# attempt in the admin (Axes › Access attempts). Every authenticate() call must pass the request.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Local passwords (Django's ModelBackend), refused for accounts the directory manages.
    "pramern.accounts.backends.LocalAccountBackend",
    # Never authenticates a password: it keeps the sessions of people who logged in through OpenID Connect.
    "pramern.accounts.oidc.OIDCBackend",
]
AXES_FAILURE_LIMIT = envint("PRAMERN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("PRAMERN_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "pramern.accounts.views.locked_out"
#: Reverse proxies in front of Pramern that append the client's address to X-Forwarded-For (nginx:
#: 1). 0 (the default) trusts no such header: behind a proxy every login would then come from it.
TRUSTED_PROXIES = envint("PRAMERN_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "pramern.accounts.throttling.client_address"
# Directory login (LDAP / Active Directory), off unless PRAMERN_LDAP_URL is set: server
# (PRAMERN_LDAP_URL, _START_TLS, _CA_FILE, _TIMEOUT), service account (_BIND_DN, _BIND_PASSWORD or
# _BIND_PASSWORD_FILE), people (_USER_SEARCH_BASE + _USER_SEARCH_FILTER, or _USER_DN_TEMPLATE;
# _FIRST_NAME_ATTRIBUTE, _LAST_NAME_ATTRIBUTE, _EMAIL_ATTRIBUTE), groups (_GROUP_SEARCH_BASE,
# _GROUP_SEARCH_FILTER, _GROUP_TYPE; _EVALUATOR_GROUP, _EXECUTIVE_GROUP, _ADMINISTRATOR_GROUP,
# _FRAMEWORK_EDITOR_GROUP give office-wide roles; _DISABLED_GROUP refuses its members) and
# PRAMERN_LDAP_CREATE_USERS (false: only people Pramern knows log in). docs/identity.md explains each.
# The directory backend sits after axes (which counts its failures too) and before the local
# accounts, which keep working beside it (and while the directory is down).
_directory = directory_settings(os.environ)
globals().update(_directory)
if _directory["DIRECTORY_LOGIN"]:
    AUTHENTICATION_BACKENDS.insert(1, "pramern.accounts.directory.DirectoryBackend")

# Two-factor authentication (docs/identity.md): TOTP authenticator apps and recovery codes (django-otp).
# Required for evaluators, administrators and staff (the admin site); optional for everyone else.
#: A directory (LDAP) login counts as multi-factor (PRAMERN_TRUST_DIRECTORY_MFA=true): only where the
#: directory's bind itself asks for a second factor (a plain LDAP bind is one factor: a password).
DIRECTORY_TRUSTED_AS_MFA = envbool("PRAMERN_TRUST_DIRECTORY_MFA", "false")
#: An OpenID Connect login counts as multi-factor (PRAMERN_TRUST_OIDC_MFA=true) when its ID token
#: says so: an ``amr`` claim with one of PRAMERN_OIDC_MFA_AMR, or an ``acr`` in PRAMERN_OIDC_MFA_ACR.
#: Both empty: every login from the provider is trusted (a provider that enforces it for everyone).
OIDC_TRUSTED_AS_MFA = envbool("PRAMERN_TRUST_OIDC_MFA", "false")
OIDC_MFA_AMR = envlist("PRAMERN_OIDC_MFA_AMR", "mfa,otp")
OIDC_MFA_ACR = envlist("PRAMERN_OIDC_MFA_ACR", "")
#: Further authentication backends whose logins count as multi-factor (none in production; the
#: test suite lists its password backends here, see docs/decisions.md).
MFA_TRUSTED_BACKENDS: list[str] = []
#: The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = os.environ.get("PRAMERN_OTP_ISSUER", "Pramern")
#: Wrong codes wait 1, 2, 4, 8 ... seconds before the next try (per device; django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
#: Recovery codes made at enrolment (each works once).
RECOVERY_CODES = 10
#: An invitation link (to set the first password of a person the import created) works this many
#: days; reset links keep Django's PASSWORD_RESET_TIMEOUT (3 days).
INVITATION_DAYS = envint("PRAMERN_INVITATION_DAYS", 14)

# OpenID Connect login (ThaiD, Entra ID, Keycloak; docs/identity.md), off unless an issuer is set.
# The provider's endpoints and keys come from ISSUER/.well-known/openid-configuration (cached).
PRAMERN_OIDC_ISSUER = os.environ.get("PRAMERN_OIDC_ISSUER", "")
PRAMERN_OIDC_CLIENT_ID = os.environ.get("PRAMERN_OIDC_CLIENT_ID", "")
PRAMERN_OIDC_CLIENT_SECRET = env_secret("PRAMERN_OIDC_CLIENT_SECRET")
PRAMERN_OIDC_SCOPES = os.environ.get("PRAMERN_OIDC_SCOPES", "openid profile email")
#: The provider's name on the login button: "เข้าสู่ระบบด้วย ThaiD".
PRAMERN_OIDC_NAME = os.environ.get("PRAMERN_OIDC_NAME", "ThaiD")
#: How the client proves itself at the token endpoint: client_secret_basic or client_secret_post.
PRAMERN_OIDC_TOKEN_AUTH = os.environ.get("PRAMERN_OIDC_TOKEN_AUTH", "client_secret_basic")
#: Someone the provider vouches for but Pramern does not know: "refuse", or "pending" (an inactive
#: account without roles is made for an administrator to approve).
PRAMERN_OIDC_UNKNOWN_PEOPLE = os.environ.get("PRAMERN_OIDC_UNKNOWN_PEOPLE", "refuse")
#: The claim holding a Thai citizen ID (ThaiD: pid), matched by its keyed hash only; "" for none.
PRAMERN_OIDC_PID_CLAIM = os.environ.get("PRAMERN_OIDC_PID_CLAIM", "pid")
#: Match a first login to an existing account by e-mail, only when the provider says it verified it.
PRAMERN_OIDC_MATCH_EMAIL = envbool("PRAMERN_OIDC_MATCH_EMAIL", "false")
PRAMERN_OIDC_TIMEOUT = envint("PRAMERN_OIDC_TIMEOUT", 10)
PRAMERN_OIDC_DISCOVERY_SECONDS = envint("PRAMERN_OIDC_DISCOVERY_SECONDS", 3600)
#: The key of the citizen IDs' hashes (HMAC-SHA256). Keep it apart from the database and its
#: backups: with it, a hash can be tested against every possible ID.
PRAMERN_PID_HASH_KEY = env_secret("PRAMERN_PID_HASH_KEY")
if PRAMERN_OIDC_UNKNOWN_PEOPLE not in ("refuse", "pending"):
    raise RuntimeError("PRAMERN_OIDC_UNKNOWN_PEOPLE must be refuse or pending")
if PRAMERN_OIDC_ISSUER and not PRAMERN_OIDC_CLIENT_ID:
    raise RuntimeError("PRAMERN_OIDC_ISSUER is set: set PRAMERN_OIDC_CLIENT_ID too")
if (
    os.environ.get("PRAMERN_ENV") == "production"
    and PRAMERN_OIDC_ISSUER
    and PRAMERN_OIDC_PID_CLAIM
    and len(PRAMERN_PID_HASH_KEY) < 32
):
    raise RuntimeError(
        "OpenID Connect matches citizen IDs (PRAMERN_OIDC_PID_CLAIM): set PRAMERN_PID_HASH_KEY "
        "(32 characters or more, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`) "
        'or PRAMERN_OIDC_PID_CLAIM="" to match no citizen ID'
    )


# Thai first, English available (the language switch in the header).
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("PRAMERN_STATIC_ROOT", BASE_DIR / "var" / "static"))  # collectstatic's
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
#: Evidence and report files in S3-compatible object storage (MinIO, a cloud bucket) when
#: PRAMERN_S3_BUCKET is set (django-storages); otherwise on the local disk under MEDIA_ROOT. The
#: bucket stays private: files are read back through Pramern's access checks (docs/deploy.md).
S3_BUCKET = os.environ.get("PRAMERN_S3_BUCKET", "").strip()
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_storage_options(os.environ),
    }
MEDIA_ROOT = Path(os.environ.get("PRAMERN_MEDIA_ROOT", BASE_DIR / "var" / "media"))

#: Framework files shipped with Pramern; ``load_framework`` installs them.
FRAMEWORKS_DIR = BASE_DIR / "frameworks-data"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:start"
LOGOUT_REDIRECT_URL = "login"

# Evidence uploads stream to a temporary file on disk, never into memory, and stop at the limit:
# a body declaring more than EVIDENCE_MAX_MB + 1 MB is not read past its first file (pramern/ui/uploads.py).
# The reverse proxy should refuse such bodies first: nginx `client_max_body_size 101m;` (the limit + 1).
FILE_UPLOAD_HANDLERS = [
    "pramern.ui.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
#: Largest evidence file accepted, in megabytes (also the most any upload may carry).
EVIDENCE_MAX_MB = envint("PRAMERN_EVIDENCE_MAX_MB", 100)
#: Fiscal years of evidence files kept (the current one included); older years' files may be purged
#: by the Evaluation Centre (pramern/privacy, docs/privacy.md). Records and scores are kept.
EVIDENCE_RETENTION_YEARS = envint("PRAMERN_EVIDENCE_RETENTION_YEARS", 5)
#: Records of one fact shown per page of an item (the workspace and the review item page).
RECORDS_PER_PAGE = envint("PRAMERN_RECORDS_PER_PAGE", 50)
#: Form fields besides files (a record's note is at most 5,000 characters): 1 MB, refused by length unread.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Email: the console in development; set PRAMERN_EMAIL_BACKEND and EMAIL_* for a real server.
EMAIL_BACKEND = os.environ.get("PRAMERN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("PRAMERN_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("PRAMERN_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("PRAMERN_FROM_EMAIL", "pramern@oae.go.th")
#: Where links in emails point.
SITE_URL = os.environ.get("PRAMERN_SITE_URL", "http://127.0.0.1:8000")
#: Executives normally see verified scores once published; set to see them once verified.
EXECUTIVES_SEE_UNPUBLISHED = envbool("PRAMERN_EXECUTIVES_SEE_UNPUBLISHED", "false")
# Networks besides the public Internet that the evidence-link checker may contact (an intranet).
try:
    LINK_CHECK_ALLOW = [ipaddress.ip_network(net, strict=False) for net in envlist("PRAMERN_LINK_CHECK_ALLOW", "")]
except ValueError as exc:
    raise RuntimeError(f"PRAMERN_LINK_CHECK_ALLOW: {exc}") from None

# Background jobs (reports) run in a separate consumer process: `manage.py run_huey`.
# Redis when PRAMERN_REDIS_URL is set (production), otherwise a SQLite file next to the database.
REDIS_URL = os.environ.get("PRAMERN_REDIS_URL", "")
if not REDIS_URL:  # huey opens its SQLite file as soon as it is imported
    (BASE_DIR / "var").mkdir(exist_ok=True)
HUEY = {
    "name": "pramern",
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "immediate": envbool("PRAMERN_TASKS_IMMEDIATE", "false"),
    "consumer": {"workers": 1, "worker_type": "thread"},
    **({"url": REDIS_URL} if REDIS_URL else {"filename": str(BASE_DIR / "var" / "huey.sqlite3")}),
}
#: The cache (pages' computed data, pramern/reports/caching.py): Redis at PRAMERN_CACHE_URL (default
#: PRAMERN_REDIS_URL), shared by every web process; without either, each process's own memory.
CACHE_URL = os.environ.get("PRAMERN_CACHE_URL", "") or REDIS_URL
_REDIS_CACHE = {
    "BACKEND": "pramern.operations.rediscache.RedisCache",  # Django's, reusing its Redis clients
    "LOCATION": CACHE_URL,
    "KEY_PREFIX": "pramern",
}
_LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 3000}}
CACHES = {"default": _REDIS_CACHE if CACHE_URL else _LOCAL_CACHE}
#: Sessions are kept in the database; with a shared cache (Redis) each is read from the cache too,
#: sparing every page a query (Django's cached_db, holding when Redis is down: accounts/sessionstore.py).
#: Not with each process's own memory: a session ended in one process would live on in another's.
SESSION_ENGINE = "pramern.accounts.sessionstore" if CACHE_URL else "django.contrib.sessions.backends.db"
#: Hours a finished report (evidence ZIP, consolidated PDF) stays downloadable; then
#: `manage.py delete_expired_reports` (hourly, from cron) deletes its file.
REPORT_RESULT_HOURS = envint("PRAMERN_REPORT_RESULT_HOURS", 24)
#: Chromium renders the PDF reports (its text layer keeps Thai intact); the report worker keeps
#: one running (through Playwright) unless PRAMERN_PDF_WARM_BROWSER=false. Web processes keep none:
#: a PDF asked for in a page is one Chromium run, at most PRAMERN_PDF_WEB_SLOTS at once per host;
#: a request waits PRAMERN_PDF_WEB_WAIT seconds at most for a free slot, then gets the "printer
#: busy" page (503) instead of holding its worker thread for the whole print timeout.
CHROMIUM = os.environ.get("PRAMERN_CHROMIUM", "/usr/bin/chromium")
PDF_WARM_BROWSER = envbool("PRAMERN_PDF_WARM_BROWSER", "true")
PDF_WEB_SLOTS = envint("PRAMERN_PDF_WEB_SLOTS", 2)
PDF_WEB_WAIT = envint("PRAMERN_PDF_WEB_WAIT", 10)

SECURE_CONTENT_TYPE_NOSNIFF = True
#: Scripts and styles only from Pramern's own static files: no inline code in any template
#: (tests/ui/test_security_headers.py scans them), so none is allowed; the admin needs none either.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
#: A log-in lasts a working day (Django's default is two weeks).
SESSION_COOKIE_AGE = envint("PRAMERN_SESSION_HOURS", 12) * 3600
#: Minutes without a request after which a log-in ends (the next request goes to the log-in page,
#: which says why); 0 turns the idle timeout off. PRAMERN_SESSION_HOURS stays the absolute limit,
#: counted from the log-in. Activity is noted at most once a minute (pramern/accounts/middleware.py).
IDLE_MINUTES = envint("PRAMERN_IDLE_MINUTES", 60)
#: PRAMERN_HTTPS=true behind HTTPS (the production setting): secure cookies, redirects to HTTPS,
#: HSTS, and the proxy's X-Forwarded-Proto trusted. PRAMERN_CSRF_TRUSTED_ORIGINS: the site's
#: https:// origin(s) when a proxy changes the host.
if envbool("PRAMERN_HTTPS", "true" if os.environ.get("PRAMERN_ENV") == "production" else "false"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("PRAMERN_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # other sites of the department may not be HTTPS yet
CSRF_TRUSTED_ORIGINS = envlist("PRAMERN_CSRF_TRUSTED_ORIGINS", "")

# ---- A deployment (issue 13: docs/operations.md) ------------------------------------------------
#: PRAMERN_ENV=production: several web processes, maybe on several hosts, behind a proxy.
PRODUCTION = os.environ.get("PRAMERN_ENV") == "production"
#: Every host signs sessions and links with one key, so a deployment must be given it; so must a
#: server that does not debug and keeps its data in a database server (other hosts may share it).
#: Only the embedded default (SQLite, one machine) makes its own key in var/secret_key.
SECRET_KEY = secret_key(
    BASE_DIR / "var" / "secret_key",
    required=PRODUCTION or (not DEBUG and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"),
)
if PRODUCTION:  # static files from `manage.py collectstatic` (STATIC_ROOT), names hashed, cached for ever
    STORAGES["staticfiles"] = {"BACKEND": "pramern.ui.staticstorage.CollectedStaticFiles"}
    WHITENOISE_USE_FINDERS = False
#: What `manage.py check --deploy` may say of a deployment, each for a reason (tests/operations/test_deploy_check.py).
SILENCED_SYSTEM_CHECKS = [
    # HSTS for subdomains, and the browsers' preload list: other sites of the department may not
    # be HTTPS yet; the department's web team decides for its whole domain, not Pramern.
    "security.W005",
    "security.W021",
]
#: Seconds each of /readyz's checks (database, Redis, storage) may take (pramern/operations/health.py).
READY_TIMEOUT = envint("PRAMERN_READY_TIMEOUT", 3)
#: PRAMERN_LOG_FORMAT=json: one JSON object a line (time, level, logger, message, request_id);
#: otherwise plain text. Every record carries the request's id (pramern/operations/requestid.py).
LOG_FORMAT = os.environ.get("PRAMERN_LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise RuntimeError(f"PRAMERN_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pramern.operations.requestid.RequestIdFilter"}},
    "formatters": {"json": {"()": "pramern.operations.requestid.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PRAMERN_LOG_LEVEL", "WARNING")},
}
