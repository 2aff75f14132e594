"""casedesk settings: one file, every value from the environment with a default that works.

Zero configuration runs on SQLite in the data folder (CASEDESK_HOME, default ./var).
DATABASE_URL=postgres://... switches to PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

from casedesk.lib.env import env_bool, env_int, env_list, env_url, lazy_secret

# Reading settings creates nothing: the folder and a generated secret key are made by
# casedesk.core's AppConfig.ready (and at the key's first use, whichever comes first).
HOME = Path(os.environ.get("CASEDESK_HOME", "var")).resolve()

SECRET_KEY = lazy_secret("SECRET_KEY", HOME)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Where people reach this site: the links in mail and pager payloads start with it.
CASEDESK_BASE_URL = env_url("CASEDESK_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_otp",  # second factor: TOTP apps and recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",  # passkeys as a second factor
    "ninja",  # serves the API docs' Swagger UI from static files, not a CDN
    "casedesk.core",
    "casedesk.signin",
    "casedesk.customers",
    "casedesk.cases",
    "casedesk.mail",
    "casedesk.portal",
    "casedesk.console",
    "casedesk.api",
    "casedesk.reports",
    "casedesk.watch",
    "casedesk.desk",
    "casedesk.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files need none of these three.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "casedesk.core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "casedesk.signin.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casedesk.core.input_guard.refuse_nul",  # NUL in paths and query strings: a 400
    "casedesk.core.errors.brand_bare_errors",  # empty 405/429 answers get a page
]

ROOT_URLCONF = "casedesk.urls"
WSGI_APPLICATION = "casedesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],  # each app's templates/; the shared base.html lives in core
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casedesk.core.zones.zone_note",  # the time rule, said on each page
            ],
        },
    },
]


def _database() -> Mapping[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        db = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        db.setdefault("OPTIONS", {})["application_name"] = "casedesk"
        if db["ENGINE"] == "django.db.backends.sqlite3":
            db["ENGINE"] = "casedesk.lib.sqlite3"  # flush passes append-only triggers: see there
        return db
    return {
        "ENGINE": "casedesk.lib.sqlite3",  # the stock backend; flush passes append-only triggers
        "NAME": HOME / os.environ.get("CASEDESK_DB_NAME", "casedesk.sqlite3"),
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN
            # so concurrent writers wait (busy timeout) instead of failing on lock upgrade.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            # Seconds a write waits for the lock before failing (intake then answers 451).
            "timeout": env_int("CASEDESK_SQLITE_TIMEOUT", 30),
        },
        # Kept open between requests as on PostgreSQL: opening one costs a file open, the
        # schema read and the PRAGMAs above, on every request otherwise.
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        # A file, not :memory:, so tests see WAL and real cross-connection locking.
        "TEST": {"NAME": str(HOME / "test.sqlite3")},
    }


def _replica() -> dict[str, Any]:
    """DATABASE_REPLICA_URL: a streaming replica of the primary that reports, exports and `sla
    verify` read from (casedesk.lib.replica); everything else stays on the primary."""
    url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
    if not url:
        return {}
    db = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    db.setdefault("OPTIONS", {})["application_name"] = "casedesk-replica"
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["ENGINE"] = "casedesk.lib.sqlite3"
        db["OPTIONS"] = {"timeout": 30}
    db["TEST"] = {"MIRROR": "default"}  # tests: the replica is the test database itself
    return {"replica": db}


DATABASES = {"default": _database(), **_replica()}
# Consulted on every query, so only installed when there is a replica to route to.
DATABASE_ROUTERS = ["casedesk.lib.replica.ReplicaRouter"] if "replica" in DATABASES else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # storage and logs; people see their own zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"  # made in core's ready(): whitenoise needs it to exist
MEDIA_ROOT = HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step
WHITENOISE_AUTOREFRESH = DEBUG

# The terms file new subscriptions are signed under (the packaged default when empty).
CASEDESK_TERMS = os.environ.get("CASEDESK_TERMS", "")
CASEDESK_MAX_ATTACHMENT_BYTES = env_int("CASEDESK_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = HOME / "mail"  # where the file backend (the demo's) writes outbound mail
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP step may hang; shorter than the outbox lease, so a stuck send ends first.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# The outbox: a failed send is retried after 1, 2, 4 ... minutes (at most an hour apart); after
# CASEDESK_MAIL_MAX_ATTEMPTS it is given up and listed in the console (/console/mail/outbox/).
CASEDESK_MAIL_MAX_ATTEMPTS = env_int("CASEDESK_MAIL_MAX_ATTEMPTS", 10)
CASEDESK_MAIL_RETRY_SECONDS = env_int("CASEDESK_MAIL_RETRY_SECONDS", 60)
# How long a mail being sent is held by its sender before another may try (a killed worker's
# mail goes out after it); longer than an SMTP attempt can take (EMAIL_TIMEOUT).
CASEDESK_MAIL_LEASE_SECONDS = env_int("CASEDESK_MAIL_LEASE_SECONDS", 120)
# Inbound and reply addresses: support@<domain>, support+<signed token>@<domain>.
CASEDESK_MAIL_DOMAIN = os.environ.get("CASEDESK_MAIL_DOMAIN", "support.casedesk.localhost")
CASEDESK_MAIL_LOCAL_PART = os.environ.get("CASEDESK_MAIL_LOCAL_PART", "support")
CASEDESK_MAIL_OWN_ADDRESSES = env_list("CASEDESK_MAIL_OWN_ADDRESSES", [])
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", f"{CASEDESK_MAIL_LOCAL_PART}@{CASEDESK_MAIL_DOMAIN}"
)

# IMAP intake (`casedesk fetchmail`, or the worker when CASEDESK_IMAP_USER is set).
CASEDESK_IMAP_HOST = os.environ.get("CASEDESK_IMAP_HOST", "127.0.0.1")
CASEDESK_IMAP_SSL = env_bool("CASEDESK_IMAP_SSL", True)
CASEDESK_IMAP_PORT = env_int("CASEDESK_IMAP_PORT", 993 if CASEDESK_IMAP_SSL else 143)
CASEDESK_IMAP_USER = os.environ.get("CASEDESK_IMAP_USER", "")
CASEDESK_IMAP_PASSWORD = os.environ.get("CASEDESK_IMAP_PASSWORD", "")
CASEDESK_IMAP_FOLDER = os.environ.get("CASEDESK_IMAP_FOLDER", "INBOX")
CASEDESK_IMAP_MOVE_TO = os.environ.get("CASEDESK_IMAP_MOVE_TO", "")
CASEDESK_IMAP_EVERY_SECONDS = env_int("CASEDESK_IMAP_EVERY_SECONDS", 60)

# Paging for Severity 1 (signed webhook); empty URL: pages go to the team by e-mail instead.
CASEDESK_PAGER_URL = os.environ.get("CASEDESK_PAGER_URL", "")
CASEDESK_PAGER_SECRET = os.environ.get("CASEDESK_PAGER_SECRET", "")
CASEDESK_PAGER_RETRY_SECONDS = env_int("CASEDESK_PAGER_RETRY_SECONDS", 30)

# Background tasks: a task RUNNING longer than the lease under a worker whose heartbeat is stale
# (or whose process is gone) is run again (casedesk.watch.recovery). The lease must be longer
# than any task's normal run; workers stamp their heartbeat every CASEDESK_WORKER_HEARTBEAT_SECONDS
# and count as gone after three missed beats.
CASEDESK_TASK_LEASE_SECONDS = env_int("CASEDESK_TASK_LEASE_SECONDS", 600)
CASEDESK_WORKER_HEARTBEAT_SECONDS = env_int("CASEDESK_WORKER_HEARTBEAT_SECONDS", 10)
# API idempotency keys: a stored response is replayed for 24 hours; a request still running
# holds its key for CASEDESK_IDEMPOTENCY_LOCK_SECONDS, longer than the server's 60 s request
# timeout (after a crash, a retry takes the key over).
CASEDESK_IDEMPOTENCY_LOCK_SECONDS = env_int("CASEDESK_IDEMPOTENCY_LOCK_SECONDS", 90)

# Security: HTTPS items are on when a TLS-terminating proxy is in front (CASEDESK_HTTPS=true).
HTTPS = env_bool("CASEDESK_HTTPS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): everything from this origin only, nothing from third
# parties, no inline script or style (templates load static files; the API docs use Ninja's
# packaged Swagger UI, not a CDN). data: images are Swagger UI's icons and the blank favicon.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs these devices or sensors.
# Passkeys (publickey-credentials-*) and the clipboard keep the browser's default: this origin.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# Sign-in (casedesk.signin): failure limits are counted in the database. Behind a proxy, the
# client address is read from this header only (e.g. X-Forwarded-For, right-most entry);
# unset, it is REMOTE_ADDR. CASEDESK_REQUIRE_2FA: engineers and managers must use a second factor.
CASEDESK_TRUSTED_PROXY_HEADER = os.environ.get("CASEDESK_TRUSTED_PROXY_HEADER", "").strip()
CASEDESK_REQUIRE_2FA = env_bool("CASEDESK_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "casedesk"
# Nobody reads another person's authenticator secret, not even in the admin (its QR and key pages
# answer 403); a lost device is deleted there and its owner sets up a new one.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys (WebAuthn) are bound to CASEDESK_BASE_URL's host name and need a secure origin: https, or
# http://localhost. Elsewhere (the demo's http://127.0.0.1) they are not offered.
_SITE = urlsplit(CASEDESK_BASE_URL)
CASEDESK_PASSKEYS = _SITE.scheme == "https" or _SITE.hostname == "localhost"
OTP_WEBAUTHN_RP_NAME = "casedesk"
OTP_WEBAUTHN_RP_ID = _SITE.hostname if CASEDESK_PASSKEYS else "localhost"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    f"{_SITE.scheme}://{_SITE.netloc}" if CASEDESK_PASSKEYS else "http://localhost"
]
# A second factor only: the password, with its limits, comes first.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# A file cache shared by all server processes (alert de-duplication).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(HOME / "cache"),
    }
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
