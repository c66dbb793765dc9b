"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL says so (CI runs both)."""

import os
import tempfile

os.environ.setdefault("YIWANG_VAR_DIR", tempfile.mkdtemp(prefix="yiwang-test-"))
# The Django test client's host, so absolute links and the OIDC issuer resolve against the test client.
os.environ.setdefault("YIWANG_PUBLIC_URL", "http://testserver")

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, VAR_DIR

# The replica alias, when DATABASE_REPLICA_URL is set, mirrors the test database, but opted-in reads stay on
# default: a test's rows live in its own open transaction, which another connection cannot see. Routing to a
# real replica is tested against one (tests/reliability/test_replica.py, in servers of their own).
DATABASE_ROUTERS: list[str] = []

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "yiwang.core.db.sqlite3":
    # A file, not memory: an in-memory shared cache answers a second writer "table is locked" at once, where
    # a real SQLite file (WAL, IMMEDIATE transactions) makes it wait its turn, as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# Static files come straight from the apps in tests; nothing is collected.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Codes land in a list the tests read (yiwang.accounts.sms.outbox).
SMS_SENDER = "yiwang.accounts.sms.LocmemSender"
