"""Production: everything from the environment, and a refusal to start when it is unsafe.

Passes `manage.py check --deploy --fail-level WARNING` (tests/config/test_prod_settings.py) behind a reverse proxy
that terminates TLS and sets X-Forwarded-Proto.
"""

import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from tongsuopy.crypto import serialization as tongsuo_serialization

from yiwang.core import sm2

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    DEBUG,
    DEMO_SECRET_KEY,
    OAUTH2_PROVIDER,
    SECRET_KEY,
    YIWANG_AUDIT_KEY,
    YIWANG_AUDIT_KEY_PASSPHRASE,
    YIWANG_ROOT_KEY,
    YIWANG_ROOT_KEY_PASSPHRASE,
)

# The seal passphrase encrypts every department's SM2 signing key at rest (licences.signing): a short or
# one-letter passphrase lets a stolen database dump be brute-forced into a forged seal.
SEAL_KEY_MIN_LENGTH = 16
SEAL_KEY_MIN_UNIQUE_CHARACTERS = 8
OIDC_RSA_MIN_BITS = 2048


def _refuse(chinese: str, english: str) -> None:
    raise ImproperlyConfigured(f"{chinese}（{english}）")


if DEBUG:
    _refuse("生产环境不得开启 DEBUG", "DEBUG must be off in production")
# The yardstick of Django's own deploy check (security.W009), made a refusal to start.
if (
    SECRET_KEY == DEMO_SECRET_KEY
    or len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    _refuse(
        f"生产环境必须设置随机生成的 SECRET_KEY：至少 {SECRET_KEY_MIN_LENGTH} 个字符、"
        f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} 个不同字符，且不得使用演示密钥",
        f"set a random SECRET_KEY of {SECRET_KEY_MIN_LENGTH}+ characters with "
        f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS}+ distinct ones, not the demo key",
    )

# A key generated on one server's disk would differ between web servers and vanish with the disk; every
# department system's login would break. Production keys come from the environment.
for name in ("OIDC_RSA_PRIVATE_KEY", "YIWANG_SEAL_KEY"):
    if not os.environ.get(name):
        _refuse(f"生产环境必须设置 {name}", f"set {name} in the environment")

_seal_key = os.environ["YIWANG_SEAL_KEY"]
if len(_seal_key) < SEAL_KEY_MIN_LENGTH or len(set(_seal_key)) < SEAL_KEY_MIN_UNIQUE_CHARACTERS:
    _refuse(
        f"YIWANG_SEAL_KEY 口令太弱：至少 {SEAL_KEY_MIN_LENGTH} 个字符、{SEAL_KEY_MIN_UNIQUE_CHARACTERS} 个不同字符",
        f"YIWANG_SEAL_KEY must have {SEAL_KEY_MIN_LENGTH}+ characters and "
        f"{SEAL_KEY_MIN_UNIQUE_CHARACTERS}+ distinct ones",
    )

# Parsed now, so a truncated or garbage key stops the start instead of the first department system's login.
try:
    _oidc_key = serialization.load_pem_private_key(OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"].encode(), password=None)
except (ValueError, TypeError) as exc:
    raise ImproperlyConfigured(
        f"OIDC_RSA_PRIVATE_KEY 无法读取，须为未加密的 PEM 格式 RSA 私钥（OIDC_RSA_PRIVATE_KEY is not a readable "
        f"unencrypted PEM private key: {exc}）"
    ) from None
if not isinstance(_oidc_key, rsa.RSAPrivateKey) or _oidc_key.key_size < OIDC_RSA_MIN_BITS:
    _refuse(
        f"OIDC_RSA_PRIVATE_KEY 须为至少 {OIDC_RSA_MIN_BITS} 位的 RSA 私钥",
        f"OIDC_RSA_PRIVATE_KEY must be an RSA key of {OIDC_RSA_MIN_BITS}+ bits",
    )

# "*" answers any Host header, so a forged one ends up in password-reset links and absolute URLs; a leading dot
# is Django's wildcard for every subdomain.
if _wildcards := [h for h in ALLOWED_HOSTS if "*" in h or h.startswith(".")]:
    _refuse(
        f"生产环境的 ALLOWED_HOSTS 不得含通配符：{', '.join(_wildcards)}，请逐一列出域名",
        "ALLOWED_HOSTS must name each host, without wildcards",
    )

# TLS ends at the reverse proxy, which says so in X-Forwarded-Proto; it must set (not pass through) that header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = int(os.environ.get("YIWANG_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading writes the domain into browsers for months and cannot be taken back quickly; the operator opts in
# once every subdomain serves HTTPS (YIWANG_HSTS_PRELOAD=1). Until then Django's reminder (W021) is silenced.
SECURE_HSTS_PRELOAD = os.environ.get("YIWANG_HSTS_PRELOAD", "0").lower() in {"1", "true", "yes", "on"}
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"


def _platform_key(name: str, configured: str, passphrase: str, purpose: str):
    """The SM2 private key a setting names (a PEM or a path, with its passphrase), or a refusal to start."""
    if not os.environ.get(name):
        _refuse(f"生产环境必须设置 {name}（{purpose} PEM 或其路径）", f"set {name}: the key PEM or its path")
    try:
        key = tongsuo_serialization.load_pem_private_key(
            sm2.read_private_pem(configured).encode(), password=passphrase.encode() or None
        )
    except (OSError, ValueError, TypeError) as exc:
        _refuse(f"{name} 无法读取（路径、口令或格式有误）", f"{name} cannot be read: {exc}")
    if not sm2.is_sm2_private_key(key):
        _refuse(f"{name} 须为 SM2 私钥", f"{name} must be an SM2 private key")
    return key


# The platform root key that certifies every seal key (licences.signing). Without it the key would derive from
# SECRET_KEY, and whoever learns that could certify a seal key; parsed now, so a wrong path, passphrase or curve
# stops the start instead of the first licence issued.
_root_key = _platform_key("YIWANG_ROOT_KEY", YIWANG_ROOT_KEY, YIWANG_ROOT_KEY_PASSPHRASE, "平台根密钥")
# The key that signs the audit anchors (core.audit). Without it the anchors would be signed by a key derived from
# SECRET_KEY, and whoever learns that could re-sign a recomputed chain. A key of its own: one stolen key must not
# both certify seals and rewrite the audit log.
_audit_key = _platform_key("YIWANG_AUDIT_KEY", YIWANG_AUDIT_KEY, YIWANG_AUDIT_KEY_PASSPHRASE, "审计锚点签名密钥")
if sm2.public_pem(_audit_key) == sm2.public_pem(_root_key):
    _refuse("YIWANG_AUDIT_KEY 不得与 YIWANG_ROOT_KEY 相同", "YIWANG_AUDIT_KEY must not be the root key")
