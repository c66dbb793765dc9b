"""Webhook signatures, the same code on both sides: we sign with it, and receivers (and our tests) verify with it.

A request carries
  X-Yiwang-Event-Id:   the event's id (UUID); a receiver applies each id once, since delivery is at least once
  X-Yiwang-Timestamp:  Unix seconds when this attempt was signed
  X-Yiwang-Signature:  "sha256=" + hex HMAC-SHA256(secret, f"{timestamp}.{body}")
A receiver recomputes the signature over the raw body and refuses a timestamp more than five minutes away
from its own clock, so a captured request cannot be replayed later.
"""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def verify_signature(
    secret: str, timestamp: str | int, body: bytes, signature: str, now: float, tolerance: int = DEFAULT_TOLERANCE
) -> bool:
    """True when the signature matches and the timestamp is within `tolerance` seconds of `now`."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature or "")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _fernet() -> MultiFernet:
    # Keys derive from SECRET_KEY, then its fallbacks, so rotating SECRET_KEY the Django way keeps old secrets readable.
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"yiwang.webhooks.secret:" + k.encode()).digest()))
            for k in keys
        ]
    )


def seal_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def open_secret(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise ValueError("webhook secret cannot be decrypted with SECRET_KEY or SECRET_KEY_FALLBACKS") from None
