"""Content-Security-Policy (django-csp): a page runs only the scripts and styles served from this site.

Every script and stylesheet is a static file, so no nonce is handed out and no inline code is trusted: an injected
<script>, style="…" or onclick="…" does nothing even where escaping failed. The Django admin, the API docs
(Swagger UI) and the OpenID pages run under the same policy. Star-imported at the end of base.py.
"""

from csp.constants import NONE, SELF

from .base import INSTALLED_APPS, MIDDLEWARE

__all__ = ["CONTENT_SECURITY_POLICY", "INSTALLED_APPS", "MIDDLEWARE"]

INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
# Right after SecurityMiddleware, outside every middleware that answers on its own (the error pages, the axes
# lockout page), so those answers carry the header too.
_after = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [*MIDDLEWARE[:_after], "csp.middleware.CSPMiddleware", *MIDDLEWARE[_after:]]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # QR codes and Swagger UI's icons are data: URLs.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
