"""Absolute links that leave the browser (QR codes, printed notices, the OIDC issuer) start at YIWANG_PUBLIC_URL.

A request's own host is whatever the proxy in front passed on; a printed page or a scanned code needs the address
people actually reach the platform at, and the same one whether it was made by a page, the worker or a script.
"""

from django.conf import settings


def public_url(path: str = "/") -> str:
    """The absolute public address of a site path (`/licences/verify/…`); a path without a leading slash gets one."""
    return settings.YIWANG_PUBLIC_URL + ("" if path.startswith("/") else "/") + path
