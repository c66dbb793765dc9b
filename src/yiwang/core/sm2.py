"""SM2 primitives (tongsuopy = Tongsuo's OpenSSL) shared by the licence seals and the audit anchors.

Signatures are SM2 with the default distinguishing ID 1234567812345678 (GB/T 35276), DER-encoded, so
`openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678` accepts them. A platform key
(the licence root key, the audit key) is configuration — a PEM or a path to one, with a passphrase — never a
row, so a database write cannot make a forgery trusted; development and tests derive it from SECRET_KEY.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature

# The order n of the SM2 curve (GB/T 32918.5): a derived private key is a number in [1, n-1].
SM2_ORDER = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def load_public_key(public_pem: str):
    return serialization.load_pem_public_key(public_pem.encode())


def public_pem(private_key) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def public_key_der(public_pem: str) -> bytes:
    return load_public_key(public_pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(public_pem: str) -> str:
    """SM3 of the DER SubjectPublicKeyInfo: `openssl pkey -pubin -outform DER | openssl dgst -sm3` gives it."""
    return sm3_hex(public_key_der(public_pem))


def sign(private_key, data: bytes) -> bytes:
    return private_key.sign(data, ec.ECDSA(hashes.SM3()))


def verify(public_key, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(bytes(signature), data, ec.ECDSA(hashes.SM3()))
    except (InvalidSignature, ValueError):
        return False
    return True


def derived_key(label: bytes, secret_key: str):
    """Development and tests: the same key from the same SECRET_KEY and label, so demo data stays verifiable
    across restarts without setup. Production settings refuse to start without the configured key."""
    seed = int.from_bytes(hashlib.new("sm3", label + secret_key.encode()).digest(), "big")
    return ec.derive_private_key(seed % (SM2_ORDER - 1) + 1, ec.SM2())


def read_private_pem(configured: str) -> str:
    """The PEM itself, or the text of the file a path names."""
    return configured if configured.lstrip().startswith("-----BEGIN") else Path(configured).read_text()


@lru_cache(maxsize=8)
def configured_key(setting: str, configured: str, passphrase: str, label: bytes, secret_key: str):
    """The private key a setting names (a PEM or a path, with its passphrase), or the one derived from SECRET_KEY
    under `label` when the setting is empty; `setting` only names the culprit in the error."""
    if not configured:
        return derived_key(label, secret_key)
    try:
        return serialization.load_pem_private_key(
            read_private_pem(configured).encode(), password=passphrase.encode() or None
        )
    except (OSError, TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"{setting} cannot be read: {error}") from None


def is_sm2_private_key(key) -> bool:
    return isinstance(getattr(key, "curve", None), ec.SM2)
