"""Settings, read from the environment. SQLite (WAL) by default; DATABASE_URL switches."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ronghe.envconf import env_bool, env_int, env_int_map, env_list, secret_from_env_or_file

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("RONGHE_DATA_DIR", PROJECT_DIR / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = secret_from_env_or_file("SECRET_KEY", DATA_DIR, "secret_key.txt", 48)
# 国密 or not, per deployment (security.md DC-2, 密评): the algorithms new keys are generated in —
# `aes` (AES-256-GCM, HMAC-SHA256) or `sm4` (SM4-GCM, HMAC-SM3) for the field keys and the audit chain.
# A running system moves between them with `ronghe rotate_keys --algorithm sm4|aes` (docs/deployment.md).
RONGHE_CRYPTO = os.environ.get("RONGHE_CRYPTO", "aes").strip().lower() or "aes"
if RONGHE_CRYPTO not in {"aes", "sm4"}:
    raise ImproperlyConfigured(f"RONGHE_CRYPTO must be aes or sm4, got {RONGHE_CRYPTO!r}")
# Field-encryption keys (AES-256-GCM or SM4-GCM + HMAC blind index); rotated with `ronghe rotate_keys`.
FIELD_KEYS_FILE = Path(os.environ.get("RONGHE_FIELD_KEYS_FILE", DATA_DIR / "field_keys.json"))
# The audit chain's HMAC keys (core.auditkeys) and the signed heads `ronghe audit_anchor` appends;
# both outside the database, so a database writer can neither rechain the log nor move its anchor.
AUDIT_KEYS_FILE = Path(os.environ.get("RONGHE_AUDIT_KEYS_FILE", DATA_DIR / "audit_keys.json"))
AUDIT_ANCHOR_FILE = Path(os.environ.get("RONGHE_AUDIT_ANCHOR_FILE", DATA_DIR / "audit_anchors.jsonl"))
# `ronghe backup` archives (copy them off the host) and the log of backups and restores (drills).
BACKUP_DIR = Path(os.environ.get("RONGHE_BACKUP_DIR", DATA_DIR / "backups"))
BACKUP_LOG_FILE = Path(os.environ.get("RONGHE_BACKUP_LOG_FILE", DATA_DIR / "backups.jsonl"))
RONGHE_RESTORE_DRILL_DAYS = env_int("RONGHE_RESTORE_DRILL_DAYS", 90)  # `check --deploy` warns after this

# PostgreSQL fast paths (core.dbfeatures, docs/databases.md): 1 = all (default), 0 = none, or a
# comma-separated list of the ones to keep, for PostgreSQL-compatible databases that lack one.
_PG_FAST_PATHS = (
    "copy",
    "array_param",
    "advisory_lock",
    "filter_clause",
    "set_based_recompute",
    "side_connection",
    "statistics",
)
_raw_fast = os.environ.get("RONGHE_PG_FAST_PATHS", "1").strip().lower()
if _raw_fast in {"1", "true", "yes", "on", "all"}:
    RONGHE_PG_FAST_PATHS = frozenset(_PG_FAST_PATHS)
elif _raw_fast in {"0", "false", "no", "off", "none", ""}:
    RONGHE_PG_FAST_PATHS = frozenset()
else:
    RONGHE_PG_FAST_PATHS = frozenset(x.strip() for x in _raw_fast.split(",") if x.strip())
    if RONGHE_PG_FAST_PATHS - set(_PG_FAST_PATHS):
        raise ImproperlyConfigured(
            f"RONGHE_PG_FAST_PATHS: unknown {sorted(RONGHE_PG_FAST_PATHS - set(_PG_FAST_PATHS))}, "
            f"expected 1, 0 or some of {', '.join(_PG_FAST_PATHS)}"
        )

DEBUG = env_bool("DEBUG", False)
RONGHE_PRODUCTION = env_bool("RONGHE_PRODUCTION", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ronghe.core",
    "ronghe.accounts",
    "ronghe.orgs",
    "ronghe.members",
    "ronghe.orglife",
    "ronghe.core.scoring",
    "ronghe.core.workflow",
    "ronghe.core.evidence",
    "ronghe.core.publicity",
    "ronghe.core.jointreview",
    "ronghe.core.judging",
    "ronghe.core.rectification",
    "ronghe.core.voting",
    "ronghe.points",
    "ronghe.discipline",  # after points (its veto lines need the year's scheme), before ratings (the veto)
    "ronghe.ratings",
    "ronghe.selections",
    "ronghe.recruitment",
    "ronghe.dues",
    "ronghe.integration",
    "ronghe.assessment",
    "ronghe.education",
    "ronghe.outreach",
    "ronghe.notices",
    "ronghe.reports",
    "ronghe.home",
    "ronghe.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ronghe.accounts.middleware.SessionTimeoutMiddleware",
    "ronghe.accounts.middleware.SecondFactorRequiredMiddleware",
    "ronghe.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ronghe.core.middleware.RequestContextMiddleware",
    "ronghe.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ronghe.urls"
WSGI_APPLICATION = "ronghe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ronghe.home.navigation.navigation",
            ],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'ronghe.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
# SQLite holds one writer at a time. A transaction that writes takes the lock when it begins
# (IMMEDIATE), so it waits for the writer before it instead of failing half-way ("database is locked"
# on the upgrade of a read transaction, which no busy timeout helps). The busy timeout is longer
# than any write transaction the platform makes (an import writes in batches of ~2 s at most), so a
# check-in during an import waits briefly instead of failing (issue 22).
RONGHE_SQLITE_BUSY_SECONDS = env_int("RONGHE_SQLITE_BUSY_SECONDS", 30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA busy_timeout={RONGHE_SQLITE_BUSY_SECONDS * 1000};",
        "timeout": RONGHE_SQLITE_BUSY_SECONDS,
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the account with its roles in one statement
    "ronghe.accounts.backends.Backend",
]
# The first hasher hashes new passwords; the others still verify (and re-hash at login) older ones.
# RONGHE_PASSWORD_HASHER=pbkdf2_sm3 puts PBKDF2-HMAC-SM3 first for 密评 (whether assessors require an
# SM3-based hash instead of Argon2 is UNCONFIRMED; docs/deployment.md).
RONGHE_PASSWORD_HASHER = os.environ.get("RONGHE_PASSWORD_HASHER", "argon2").strip().lower() or "argon2"
_HASHERS = {
    "argon2": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "pbkdf2_sm3": "ronghe.accounts.hashers.PBKDF2SM3PasswordHasher",
}
if RONGHE_PASSWORD_HASHER not in _HASHERS:
    raise ImproperlyConfigured(
        f"RONGHE_PASSWORD_HASHER must be argon2 or pbkdf2_sm3, got {RONGHE_PASSWORD_HASHER!r}"
    )
PASSWORD_HASHERS = [
    _HASHERS[RONGHE_PASSWORD_HASHER],
    *(path for name, path in _HASHERS.items() if name != RONGHE_PASSWORD_HASHER),
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "ronghe.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "ronghe.accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Role → permissions, read by core.scope (core imports no domain app; accounts owns the roles).
RONGHE_PERMISSION_POLICY = "ronghe.accounts.policy.permissions_for"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (accounts/lockout.py): 5 failures of one account from one address → 15 minutes; 30 failures
# of any accounts from one address lock that address (a meeting room behind one NAT shares it).
AXES_FAILURE_LIMIT = env_int("RONGHE_LOCKOUT_FAILURES", 5)
RONGHE_LOCKOUT_ADDRESS_FAILURES = env_int("RONGHE_LOCKOUT_ADDRESS_FAILURES", 30)
AXES_COOLOFF_TIME = env_int("RONGHE_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "ronghe.accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ronghe.accounts.views.auth.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Behind a reverse proxy: the proxies' own addresses (comma-separated). Only for requests from them is
# the last X-Forwarded-For hop taken as the client address — in the audit log and for the lockout.
RONGHE_TRUSTED_PROXIES = frozenset(env_list("RONGHE_TRUSTED_PROXIES", []))
AXES_CLIENT_IP_CALLABLE = "ronghe.core.middleware.client_ip"

# Sessions: idle timeout (default 30 minutes) and an absolute cap.
RONGHE_IDLE_TIMEOUT_MINUTES = env_int("RONGHE_IDLE_TIMEOUT_MINUTES", 30)
RONGHE_ABSOLUTE_SESSION_HOURS = env_int("RONGHE_ABSOLUTE_SESSION_HOURS", 12)
# API tokens expire after this many days unless `issue_token --days N` says otherwise (1–365).
RONGHE_TOKEN_DAYS = env_int("RONGHE_TOKEN_DAYS", 90)
# A new password may not be the current one nor any of the previous ones kept (AUTH-3: the last 5 in all).
RONGHE_PASSWORD_HISTORY = env_int("RONGHE_PASSWORD_HISTORY", 5)
# Roles that sign in with TOTP besides the 三员 and the 工委管理员 (always): role values, or "all".
RONGHE_MFA_ROLES = frozenset(env_list("RONGHE_MFA_ROLES", []))
# Account hygiene (security.md AUTH-3, AUTH-10). A password older than its maximum age must be changed
# before anything else; per role with `RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE=security_admin=30,member=180`
# (an account with several roles gets the shortest; 0 means no maximum). Active accounts unused for
# `RONGHE_IDLE_ACCOUNT_DAYS` are deactivated by the daily `ronghe disable_idle_accounts`.
RONGHE_PASSWORD_MAX_AGE_DAYS = env_int("RONGHE_PASSWORD_MAX_AGE_DAYS", 90)
RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE = env_int_map("RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE", {})
RONGHE_IDLE_ACCOUNT_DAYS = env_int("RONGHE_IDLE_ACCOUNT_DAYS", 90)
SESSION_COOKIE_AGE = RONGHE_IDLE_TIMEOUT_MINUTES * 60
# Not every request: SessionTimeoutMiddleware refreshes the last-activity time (and so saves the session
# and pushes its expiry) at most once a minute; a page view in between writes nothing (AUTH-5, issue 19).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "ronghe.core.views.errors.csrf_failure"

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if RONGHE_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("RONGHE_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS preload is meaningless on an intranet host name.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy: no inline script, no external host (django-csp 4).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
# ISO dates in every date input (ronghe/formats/zh_Hans): one setting instead of a format on each DateInput.
FORMAT_MODULE_PATH = ["ronghe.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "files"  # served only through authorising views

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
RONGHE_UPLOAD_MAX_BYTES = env_int("RONGHE_UPLOAD_MAX_MB", 20) * 1024 * 1024
# Import files hold personal data in clear: uploads and rejected-row files are deleted this many hours
# after the upload (`ronghe import_maintenance`, run hourly); a running import silent this many minutes
# (it beats every 10 s) failed: its worker died, and the page offers to retry or cancel it.
RONGHE_IMPORT_FILE_HOURS = env_int("RONGHE_IMPORT_FILE_HOURS", 24)
RONGHE_IMPORT_STALE_MINUTES = env_int("RONGHE_IMPORT_STALE_MINUTES", 2)
# Exports of more rows than this are built by the task worker and downloaded from 我的导出; their files
# (personal data) are deleted this many hours after they were made (`ronghe import_maintenance`).
RONGHE_EXPORT_BACKGROUND_ROWS = env_int("RONGHE_EXPORT_BACKGROUND_ROWS", 5000)
RONGHE_EXPORT_FILE_HOURS = env_int("RONGHE_EXPORT_FILE_HOURS", 24)
# From this month on, the current year's 党内统计 and 年度工作报告 can be drafted with figures as at the day
# (年终总结 is written in December); after 31 December they are regenerated as at year end.
RONGHE_YEAR_END_DRAFT_MONTH = env_int("RONGHE_YEAR_END_DRAFT_MONTH", 12)
RONGHE_CLAIM_PHOTO_MAX_BYTES = env_int("RONGHE_CLAIM_PHOTO_MAX_MB", 5) * 1024 * 1024

TASKS = {"default": {"BACKEND": os.environ.get("RONGHE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # With a cache every process shares, a request reads its session from the cache (no SQL statement);
    # the row stays in the database. Not with the per-process default cache: a logout in one process
    # would leave the session cached in the others (issue 19).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_4xx": {"()": "ronghe.core.logfilters.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_4xx"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "ERROR"}},
}

# Demo logins are printed by `ronghe demo`; they never need a password change.
RONGHE_DEMO_PASSWORD = "Ronghe@2026"
