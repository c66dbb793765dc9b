"""Production: everything from the environment, and a refusal to start when it is unsafe."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEBUG, DEMO_SECRET_KEY, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("生产环境不得开启 DEBUG（DEBUG must be off in production）")
if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "生产环境必须设置至少 32 个字符的 SECRET_KEY，且不得使用演示密钥"
        "（set a SECRET_KEY of 32+ characters that is not the demo key）"
    )

# A key generated on one server's disk would differ between web servers and vanish with the disk; every
# department system's login would break. Production keys come from the environment.
for name in ("OIDC_RSA_PRIVATE_KEY", "YIWANG_SEAL_KEY"):
    if not os.environ.get(name):
        raise ImproperlyConfigured(f"生产环境必须设置 {name}（set {name} in the environment）")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Licence seals: the platform root key (issue #10, licences) ---
# Without it the root key would derive from SECRET_KEY, and whoever learns that could certify a seal key.
if not os.environ.get("YIWANG_ROOT_KEY"):
    raise ImproperlyConfigured(
        "生产环境必须设置 YIWANG_ROOT_KEY（set YIWANG_ROOT_KEY: the platform root key PEM or its path）"
    )
