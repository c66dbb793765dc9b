"""Settings shared by every environment. Values that differ between machines come from the environment."""

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("YIWANG_VAR_DIR", Path.cwd() / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEMO_SECRET_KEY = "yiwang-demo-secret-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = os.environ.get("DEBUG", "0").lower() in {"1", "true", "yes", "on"}
# The address people reach the platform at, printed wherever a link leaves the browser: the QR code on a licence,
# the link in a notice, the OpenID Connect issuer. Behind a proxy the request's own host is not that address.
# Unset, it is the address the server binds to (a wildcard bind is reached through the loopback).
YIWANG_BIND = os.environ.get("YIWANG_BIND", "127.0.0.1:8000")
YIWANG_PUBLIC_URL = (
    os.environ.get("YIWANG_PUBLIC_URL") or f"http://{YIWANG_BIND.replace('0.0.0.0:', '127.0.0.1:')}"
).rstrip("/")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
if (_public_host := urlsplit(YIWANG_PUBLIC_URL).hostname) and _public_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_public_host)
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "yiwang.core",
    "yiwang.org",
    "yiwang.accounts",
    "yiwang.catalog",
    "yiwang.workflow",
    "yiwang.cases",
    "yiwang.ratings",
    "yiwang.portal",
    "yiwang.workbench",
    "yiwang.desk",
    "yiwang.licences",
    "yiwang.registry",
    "yiwang.credit",
    "yiwang.coordination",
    "yiwang.supervision",
    "yiwang.publicity",
    "yiwang.grid",
    "yiwang.webhooks",
    "yiwang.hotline",
    "yiwang.open311",
    "yiwang.insights",
    "yiwang.evaluation",
    "yiwang.config",
    "oauth2_provider",
    "axes",
]

MIDDLEWARE = [
    "yiwang.core.middleware.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yiwang.core.middleware.NulByteGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yiwang.core.middleware.DomainErrorMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yiwang.config.urls"
WSGI_APPLICATION = "yiwang.config.wsgi.application"
ASGI_APPLICATION = "yiwang.config.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'yiwang.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes; IMMEDIATE makes a
    # writing transaction take its lock at BEGIN, so two writers queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare a statement after it has run a few times, so PostgreSQL
    # stops re-planning the same many-join reads (planning took longer than executing them).
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": int(os.environ.get("PG_PREPARE_THRESHOLD", "5")),
    }
# Django's backends plus the audit buffer: entries recorded in a transaction are chained and written just before
# its COMMIT, so a shard head is locked for that moment only (core.audit, core.db).
_AUDITED_ENGINES = {
    "django.db.backends.sqlite3": "yiwang.core.db.sqlite3",
    "django.db.backends.postgresql": "yiwang.core.db.postgresql",
}
DATABASES["default"]["ENGINE"] = _AUDITED_ENGINES.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
if REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL", ""):
    # A streaming replica of the primary for the reads that opt in (yiwang.core.replica); nothing else uses it.
    # Under the test runner it is the default database itself (MIRROR): no test database is made on it.
    DATABASES["replica"] = {
        **dj_database_url.parse(
            REPLICA_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")), conn_health_checks=True
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["yiwang.config.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Staff start at their workbench, everyone else on the public home (workbench.queue_views.after_login).
LOGIN_REDIRECT_URL = "workbench:after_login"
LOGOUT_REDIRECT_URL = "portal:home"

# django-axes first: it refuses a locked-out username+address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "yiwang.accounts.backends.UserBackend"]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_ENABLED = True

# One cache for every web worker: rate limits (django-ratelimit) count in it, so a per-process memory cache
# would let each worker grant its own allowance. The table is created by accounts' migration 0004.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "yiwang_cache"}}
# One-time codes by SMS: per phone number and per client address; progress lookups per client address.
SMS_CODE_RATES = {"phone": "5/h", "ip": "20/h"}
PROGRESS_LOOKUP_RATE = "10/m"
# 12345 requests from the public web form, per client address: enough for a household, not for a script.
HOTLINE_SUBMIT_RATE = "10/h"
# A 12345 callback link sent by SMS (短信回访) can be answered for this many days, once per reply.
HOTLINE_CALLBACK_LINK_DAYS = 7
# 退单: how many times in all a work order may be returned by departments; past it the centre's dispatch is 指定派单
# and the department must handle the order (or ask the centre to transfer it after signing).
HOTLINE_RETURN_LIMIT = int(os.environ.get("HOTLINE_RETURN_LIMIT", "2"))

# Where SMS goes: a dotted path to a class with send(phone, text). yiwang.accounts.sms has a console sender
# (logs the text), a file sender (appends to VAR_DIR/sms-outbox.log), an HTTP sender (POSTs JSON to
# SMS_HTTP_URL with SMS_HTTP_TOKEN as bearer token: the operator's SMS gateway) and an in-memory outbox for tests.
SMS_SENDER = os.environ.get("SMS_SENDER", "yiwang.accounts.sms.ConsoleSender")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
SMS_HTTP_TIMEOUT = float(os.environ.get("SMS_HTTP_TIMEOUT", "5"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The platform's own catalogue first; then Chinese for third-party apps' strings (see core/third_party.py). Not a
# directory named "locale", so `makemessages` leaves it alone.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "config" / "third_party_locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

NOTIFICATION_SENDERS = ["yiwang.accounts.senders.log_sender"]
MATERIAL_STORE = "yiwang.core.storage.FilesystemStore"
MATERIAL_MAX_BYTES = int(os.environ.get("MATERIAL_MAX_BYTES", str(10 * 1024 * 1024)))
# A request body is refused before it is read (core.middleware.BodyLimitMiddleware) beyond: these for a body
# without files (Django's own limit too), and MATERIAL_MAX_BYTES per file for at most this many files a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Each person's uploads in any 24 hours; a clerk's scans at the window are not counted (the window_intake action).
UPLOAD_DAILY_FILES = int(os.environ.get("UPLOAD_DAILY_FILES", "100"))
UPLOAD_DAILY_BYTES = int(os.environ.get("UPLOAD_DAILY_BYTES", str(200 * 1024 * 1024)))
# An upload no case material took up within this many hours is swept (core.tasks.upload_sweep).
UPLOAD_UNATTACHED_HOURS = float(os.environ.get("UPLOAD_UNATTACHED_HOURS", "24"))

YIWANG = {
    "SITE_NAME": _("一网通办"),
    # The region the portal serves by default (海珠区 in the demo data).
    "HOME_REGION": os.environ.get("YIWANG_HOME_REGION", "440105"),
}

# Periodic jobs: the worker's scheduler enqueues each of these every YIWANG_SWEEP_SECONDS. Each is
# idempotent, so several workers scheduling them is harmless.
YIWANG_PERIODIC_TASKS = [
    "yiwang.cases.tasks.clock_sweep",
    "yiwang.licences.tasks.renewal_reminders",
    "yiwang.licences.renewal_tasks.deemed_renewals",
    "yiwang.coordination.tasks.claim_sweep",
    "yiwang.webhooks.tasks.delivery_sweep",
    "yiwang.core.tasks.event_redeliver_sweep",
    "yiwang.desk.tasks.appointment_slots_sweep",
    "yiwang.core.tasks.upload_sweep",
    "yiwang.core.tasks.audit_anchor",
    "yiwang.hotline.tasks.monthly_reports",
    "yiwang.hotline.tasks.hotspot_detection",
    "yiwang.insights.tasks.figures_refresh",
    "yiwang.publicity.tasks.publication_sweep",
]
# A task row still RUNNING this long after it started belongs to a worker that was killed: `yiwang worker`
# puts it back in the queue (or fails it after three tries). Longer than any task runs.
YIWANG_TASK_STALE_SECONDS = int(os.environ.get("YIWANG_TASK_STALE_SECONDS", "900"))

# Single sign-on: the platform is the OpenID Connect provider for department systems (django-oauth-toolkit at
# /o/). Department systems are registered as applications in the admin by platform administrators: confidential,
# authorization code with PKCE S256, RS256; sharing clients use client credentials (registry.services).
from yiwang.accounts.oidc_keys import oidc_private_key  # noqa: E402

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # Department systems compare the ID token's `iss` with this, whatever host the request came through.
    "OIDC_ISS_ENDPOINT": f"{YIWANG_PUBLIC_URL}/o",
    "PKCE_REQUIRED": True,
    "OIDC_RSA_PRIVATE_KEY": oidc_private_key(VAR_DIR),
    "OAUTH2_VALIDATOR_CLASS": "yiwang.accounts.oidc.YiwangOAuth2Validator",
    "APPLICATION_ADMIN_CLASS": "yiwang.accounts.oauth_admin.ApplicationAdmin",
    "SCOPES": {
        "openid": _("OpenID 身份认证"),
        "profile": _("姓名、所属部门、管辖区划与角色"),
        "sharing": _("数据共享接口"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    # A refresh token dies 30 days after its access token expired (DOT slides it with each use); each use
    # replaces it, and a replayed old one revokes the whole family, since only a thief would present it.
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    # RFC 9700 (OAuth 2.0 Security Best Current Practice), enforced rather than warned about: no password or
    # implicit grant even for a client row that names one, PKCE S256 only, access tokens never in a URL, the
    # `iss` authorization-response parameter, and access and refresh tokens kept only as SHA-256 checksums.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "client_credentials", "refresh_token"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
}

# --- Licence seals: the platform root key (issue #10, licences) ---
# The SM2 key that certifies every department's seal key: configuration, never a database row. A PEM or a path
# to one, encrypted under YIWANG_ROOT_KEY_PASSPHRASE. Empty (development, tests): derived from SECRET_KEY.
YIWANG_ROOT_KEY = os.environ.get("YIWANG_ROOT_KEY", "")
YIWANG_ROOT_KEY_PASSPHRASE = os.environ.get("YIWANG_ROOT_KEY_PASSPHRASE", "")

# --- The audit log (core.audit) ---
# How many hash chains the audit log is spread over; an entry's shard is crc32 of its shard key (a case's history
# stays on the case's shard). Changing it later is safe: existing entries keep the shard they were written on.
AUDIT_SHARDS = int(os.environ.get("AUDIT_SHARDS", "64"))
# The worker signs an anchor (every shard's head, Merkle root, SM2) at most this often, when a head has moved.
AUDIT_ANCHOR_SECONDS = float(os.environ.get("AUDIT_ANCHOR_SECONDS", "60"))
# The SM2 key that signs the anchors: configuration, never a database row, so a database writer cannot sign a
# recomputed chain. A PEM or a path, encrypted under YIWANG_AUDIT_KEY_PASSPHRASE. Empty (development, tests):
# derived from SECRET_KEY. Production refuses to start without it.
YIWANG_AUDIT_KEY = os.environ.get("YIWANG_AUDIT_KEY", "")
YIWANG_AUDIT_KEY_PASSPHRASE = os.environ.get("YIWANG_AUDIT_KEY_PASSPHRASE", "")

from .csp import *  # noqa: E402, F403
